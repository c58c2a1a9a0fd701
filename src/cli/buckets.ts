// `gust bucket ls|create|rm`: buckets of Gust's built-in S3 store, through the S3 API
// (path style, signed for `s3`), as `aws s3 mb|rb|ls` would reach them.
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

const s3 = { service: 's3' };
const xml = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, isArray: (name) => ['Bucket', 'Contents'].includes(name) });
const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** The path of a bucket, path style. Names are checked by the server; encoding keeps odd input harmless. */
export const bucketPath = (bucket: string) => `/${encodeURIComponent(bucket)}`;

/** ListBuckets: every bucket's name and creation date. */
export async function readBuckets(client: GustClient): Promise<{ Name: string; CreationDate: string }[]> {
  const res = await client.request('GET', '/', s3);
  return xml.parse(res.body.toString('utf8')).ListAllMyBucketsResult?.Buckets?.Bucket ?? [];
}

export async function listBuckets(client: GustClient, opts: OutputOptions): Promise<void> {
  const buckets = await readBuckets(client);
  if (opts.json) return printJson(buckets.map((b) => ({ Name: b.Name, CreationDate: b.CreationDate })));
  if (buckets.length === 0) return void process.stdout.write('No buckets yet. Create one with `gust bucket create NAME`.\n');
  printTable(
    buckets.map((b) => ({ name: b.Name, created: b.CreationDate })),
    ['name', 'created'],
  );
}

export async function createBucket(client: GustClient, bucket: string, opts: OutputOptions): Promise<void> {
  // Outside us-east-1, S3 wants the region named in the body (as `aws s3 mb` sends it).
  const body =
    client.region === 'us-east-1'
      ? undefined
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${escape(client.region)}</LocationConstraint></CreateBucketConfiguration>`;
  await client.request('PUT', bucketPath(bucket), { ...s3, body, headers: body ? { 'content-type': 'application/xml' } : {} });
  if (opts.json) printJson({ Location: `/${bucket}` });
  else process.stdout.write(`Created bucket ${bucket}. Upload with \`aws s3 cp FILE s3://${bucket}/ --endpoint-url ${client.endpoint}\`.\n`);
}

/** Deletes every object of the bucket, 1,000 keys per DeleteObjects call; returns how many. */
async function emptyBucket(client: GustClient, bucket: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    // Always the first page: what was deleted is gone, so the next page is the first again.
    const res = await client.request('GET', `${bucketPath(bucket)}?list-type=2&max-keys=1000`, s3);
    const listing = xml.parse(res.body.toString('utf8')).ListBucketResult ?? {};
    const keys: string[] = (listing.Contents ?? []).map((c: { Key: string }) => c.Key);
    if (keys.length === 0) return deleted;
    const body = `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>${keys.map((k) => `<Object><Key>${escape(k)}</Key></Object>`).join('')}</Delete>`;
    const md5 = createHash('md5').update(body).digest('base64');
    const answer = await client.request('POST', `${bucketPath(bucket)}?delete`, { ...s3, body, headers: { 'content-type': 'application/xml', 'content-md5': md5 } });
    const errors = /<Error>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<Message>([^<]*)<\/Message>/.exec(answer.body.toString('utf8'));
    if (errors) throw new CliError(`Could not delete ${errors[1]} from ${bucket}: ${errors[2]}`, EXIT.failed);
    deleted += keys.length;
  }
}

export async function removeBucket(client: GustClient, bucket: string, opts: OutputOptions & { force?: boolean }): Promise<void> {
  const emptied = opts.force ? await emptyBucket(client, bucket) : 0;
  try {
    await client.request('DELETE', bucketPath(bucket), s3);
  } catch (err) {
    if (err instanceof CliError && /BucketNotEmpty/.test(err.message)) {
      throw new CliError(`${err.message}\nDelete its objects first, or run \`gust bucket rm ${bucket} --force\` to delete them with it.`, err.exitCode);
    }
    throw err;
  }
  if (opts.json) printJson({ deleted: bucket, objectsDeleted: emptied });
  else process.stdout.write(`Deleted bucket ${bucket}${opts.force ? ` and its ${emptied} object${emptied === 1 ? '' : 's'}` : ''}\n`);
}
