// S3 for a project's functions, through the S3 API: CreateBucket, AddPermission for
// s3.amazonaws.com, and PutBucketNotificationConfiguration with the project's
// LambdaFunctionConfiguration entries merged into what the bucket already has.
import { CliError, EXIT, type GustClient } from '../client.js';
import type { S3Event } from './project.js';

const s3 = { service: 's3' };
// S3 writes a function target as CloudFunctionConfiguration; requests may name it LambdaFunctionConfiguration.
const BLOCK = /<(CloudFunctionConfiguration|LambdaFunctionConfiguration)>[\s\S]*?<\/\1>/g;
const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** S3 answers 501 until Gust's S3 service is there: say what could not be deployed. */
async function s3Request(client: GustClient, method: string, path: string, what: string, body?: string) {
  try {
    return await client.request(method, path, { ...s3, body, headers: body ? { 'content-type': 'application/xml' } : {} });
  } catch (err) {
    if (err instanceof CliError && /NotImplemented/.test(err.message)) {
      throw new CliError(`S3 is not available on this Gust (NotImplemented), so ${what} could not be deployed; the rest of the project was.`, EXIT.failed);
    }
    throw err;
  }
}

/** CreateBucket; a bucket this account already owns is fine (us-east-1 answers 200, others 409). */
export async function ensureBucket(client: GustClient, bucket: string): Promise<void> {
  try {
    await s3Request(client, 'PUT', `/${encodeURIComponent(bucket)}`, `bucket ${bucket}`);
  } catch (err) {
    if (!(err instanceof CliError) || !/BucketAlreadyOwnedByYou/.test(err.message)) throw err;
  }
}

function configurationXml(id: string, functionArn: string, e: S3Event): string {
  const rules = [e.prefix !== undefined ? ['prefix', e.prefix] : null, e.suffix !== undefined ? ['suffix', e.suffix] : null].filter((r): r is string[] => r !== null);
  const filter = rules.length ? `<Filter><S3Key>${rules.map(([n, v]) => `<FilterRule><Name>${n}</Name><Value>${xmlEscape(v)}</Value></FilterRule>`).join('')}</S3Key></Filter>` : '';
  return `<LambdaFunctionConfiguration><Id>${xmlEscape(id)}</Id><CloudFunction>${xmlEscape(functionArn)}</CloudFunction>${e.events.map((ev) => `<Event>${xmlEscape(ev)}</Event>`).join('')}${filter}</LambdaFunctionConfiguration>`;
}

/**
 * Sets the bucket's notifications for the given functions: their previous entries are replaced by
 * `wanted` (empty to remove them), everything else on the bucket is kept.
 */
export async function setNotifications(client: GustClient, bucket: string, ownArns: string[], wanted: { functionArn: string; event: S3Event }[]): Promise<void> {
  const what = `the notifications of bucket ${bucket}`;
  const current = (await s3Request(client, 'GET', `/${encodeURIComponent(bucket)}?notification`, what)).body.toString('utf8');
  const inner = /<NotificationConfiguration[^>]*>([\s\S]*)<\/NotificationConfiguration>/.exec(current)?.[1] ?? '';
  const kept = inner.replace(BLOCK, (block) => (ownArns.some((arn) => block.includes(`<CloudFunction>${xmlEscape(arn)}</CloudFunction>`)) ? '' : block));
  const ours = wanted.map((w, i) => configurationXml(`gust-${w.functionArn.split(':').pop()}-${i + 1}`, w.functionArn, w.event)).join('');
  const xml = `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${kept.trim()}${ours}</NotificationConfiguration>`;
  await s3Request(client, 'PUT', `/${encodeURIComponent(bucket)}?notification`, what, xml);
}

/** Lets S3 invoke the function for this bucket; an existing statement is fine. */
export async function allowS3(client: GustClient, fnName: string, bucket: string): Promise<void> {
  const body = { StatementId: `gust-s3-${bucket}`.slice(0, 100), Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${bucket}` };
  await client.request('POST', `/2015-03-31/functions/${encodeURIComponent(fnName)}/policy`, { body: JSON.stringify(body) }).catch((err: CliError) => {
    if (!/ResourceConflictException/.test(err.message)) throw err;
  });
}
