// `gust notify add|ls|rm`: run a function when objects change in a bucket. `add` does both halves
// in one step, as the S3 console does: the function's resource policy lets s3.amazonaws.com invoke
// it for the bucket (AddPermission), then the bucket's notification configuration names it.
import { createHash } from 'node:crypto';
import { notificationToXml, parseNotificationXml } from '../control/objects/notification-xml.js';
import type { FilterRule, LambdaFunctionConfiguration, NotificationConfiguration } from '../control/objects/object-change.js';
import { bucketPath } from './buckets.js';
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

const s3 = { service: 's3' };

export interface NotifyAddOptions extends OutputOptions {
  events?: string[];
  prefix?: string;
  suffix?: string;
  id?: string;
}

/** A bucket's notification configuration (GetBucketNotificationConfiguration). */
export async function readConfiguration(client: GustClient, bucket: string): Promise<NotificationConfiguration> {
  const res = await client.request('GET', `${bucketPath(bucket)}?notification`, s3);
  return parseNotificationXml(res.body.toString('utf8'));
}

async function writeConfiguration(client: GustClient, bucket: string, config: NotificationConfiguration): Promise<void> {
  const body = notificationToXml(config);
  await client.request('PUT', `${bucketPath(bucket)}?notification`, { ...s3, body, headers: { 'content-type': 'application/xml' } });
}

/** The statement id `add` uses: one per bucket, readable, and safe for Lambda's pattern. */
const statementIdFor = (bucket: string) => `s3-${bucket.replace(/[^a-zA-Z0-9-_]/g, '_')}-${createHash('sha256').update(bucket).digest('hex').slice(0, 8)}`;

/** AddPermission for s3.amazonaws.com on this bucket; a statement of ours already there is fine. */
async function allowS3(client: GustClient, functionPath: string, qualifier: string | undefined, bucket: string, account: string): Promise<void> {
  const sid = statementIdFor(bucket);
  const query = qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : '';
  const sourceArn = `arn:aws:s3:::${bucket}`;
  const body = { StatementId: sid, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: sourceArn, SourceAccount: account };
  try {
    await client.request('POST', `${functionPath}/policy${query}`, { body: JSON.stringify(body) });
  } catch (err) {
    if (!(err instanceof CliError) || !/ResourceConflictException/.test(err.message)) throw err;
    const policy = JSON.parse((await client.request('GET', `${functionPath}/policy${query}`)).json().Policy);
    const existing = policy.Statement.find((s: { Sid: string }) => s.Sid === sid);
    const same = existing?.Principal?.Service === 's3.amazonaws.com' && existing?.Condition?.ArnLike?.['AWS:SourceArn'] === sourceArn;
    if (!same) {
      throw new CliError(`The function already has a statement ${sid} that does not allow S3 for ${bucket}. Remove it with \`aws lambda remove-permission --statement-id ${sid}\` and try again.`, EXIT.failed);
    }
  }
}

const rulesOf = (prefix?: string, suffix?: string): FilterRule[] => [
  ...(prefix ? [{ Name: 'prefix' as const, Value: prefix }] : []),
  ...(suffix ? [{ Name: 'suffix' as const, Value: suffix }] : []),
];

const sameTarget = (a: LambdaFunctionConfiguration, b: LambdaFunctionConfiguration) =>
  a.LambdaFunctionArn === b.LambdaFunctionArn &&
  JSON.stringify([...a.Events].sort()) === JSON.stringify([...b.Events].sort()) &&
  JSON.stringify(a.Filter?.Key.FilterRules ?? []) === JSON.stringify(b.Filter?.Key.FilterRules ?? []);

export async function addNotification(client: GustClient, bucket: string, fn: string, opts: NotifyAddOptions): Promise<void> {
  const events = opts.events && opts.events.length > 0 ? opts.events : ['s3:ObjectCreated:*'];
  // GetFunctionConfiguration resolves a name, name:alias or ARN to the ARN S3 will invoke.
  const [name, qualifier] = fn.startsWith('arn:') ? [fn.split(':')[6], fn.split(':')[7]] : fn.split(':');
  const functionPath = `/2015-03-31/functions/${encodeURIComponent(name ?? fn)}`;
  const configuration = await client
    .request('GET', `${functionPath}/configuration${qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : ''}`)
    .then((r) => r.json<{ FunctionArn: string }>())
    .catch((err: CliError) => {
      if (/ResourceNotFoundException/.test(err.message)) throw new CliError(`${err.message}\nDeploy it first with \`gust deploy DIR --name ${name}\`, or see \`gust ls\`.`, err.exitCode);
      throw err;
    });
  const functionArn = configuration.FunctionArn;
  const rules = rulesOf(opts.prefix, opts.suffix);
  const wanted: LambdaFunctionConfiguration = {
    Id: opts.id ?? `${name}-${createHash('sha256').update(JSON.stringify([events, rules])).digest('hex').slice(0, 8)}`,
    LambdaFunctionArn: functionArn,
    Events: events,
    ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}),
  };

  // The bucket is read before the policy changes, so that a missing bucket changes nothing.
  const current = await readConfiguration(client, bucket).catch((err: CliError) => {
    if (/NoSuchBucket/.test(err.message)) throw new CliError(`${err.message}\nCreate it first with \`gust bucket create ${bucket}\`.`, err.exitCode);
    throw err;
  });
  await allowS3(client, functionPath, qualifier, bucket, functionArn.split(':')[4]);
  const existing = current.LambdaFunctionConfigurations.find((c) => sameTarget(c, wanted));
  if (!existing) {
    if (current.LambdaFunctionConfigurations.some((c) => c.Id === wanted.Id)) {
      throw new CliError(`Bucket ${bucket} already has a notification with id ${wanted.Id}; choose another with --id, or remove it with \`gust notify rm ${bucket} ${wanted.Id}\`.`, EXIT.usage);
    }
    try {
      await writeConfiguration(client, bucket, { LambdaFunctionConfigurations: [...current.LambdaFunctionConfigurations, wanted] });
    } catch (err) {
      if (err instanceof CliError && /ambiguously defined/.test(err.message)) {
        throw new CliError(`${err.message}\nAnother notification on ${bucket} already covers these events for overlapping keys: see \`gust notify ls ${bucket}\`, and narrow one with --prefix or --suffix.`, err.exitCode);
      }
      throw err;
    }
  }
  const shown = existing ?? wanted;
  if (opts.json) return printJson(shown);
  const filter = rules.length > 0 ? ` for keys ${opts.prefix ? `starting ${opts.prefix}` : ''}${opts.prefix && opts.suffix ? ' and ' : ''}${opts.suffix ? `ending ${opts.suffix}` : ''}` : '';
  process.stdout.write(`${existing ? 'Already notifying' : 'Notifying'} ${fn} of ${events.join(', ')} in ${bucket}${filter} (id ${shown.Id})\n`);
}

export async function listNotifications(client: GustClient, bucket: string, opts: OutputOptions): Promise<void> {
  const config = await readConfiguration(client, bucket);
  if (opts.json) return printJson(config);
  if (config.LambdaFunctionConfigurations.length === 0) {
    return void process.stdout.write(`No notifications on ${bucket}. Add one with \`gust notify add ${bucket} FUNCTION --events s3:ObjectCreated:*\`.\n`);
  }
  const rule = (c: LambdaFunctionConfiguration, name: string) => c.Filter?.Key.FilterRules.find((r) => r.Name === name)?.Value ?? '';
  printTable(
    config.LambdaFunctionConfigurations.map((c) => ({
      id: c.Id,
      function: c.LambdaFunctionArn.split(':').slice(6).join(':'),
      events: c.Events.join(','),
      prefix: rule(c, 'prefix'),
      suffix: rule(c, 'suffix'),
    })),
    ['id', 'function', 'events', 'prefix', 'suffix'],
  );
}

export async function removeNotification(client: GustClient, bucket: string, id: string, opts: OutputOptions): Promise<void> {
  const config = await readConfiguration(client, bucket);
  const kept = config.LambdaFunctionConfigurations.filter((c) => c.Id !== id);
  if (kept.length === config.LambdaFunctionConfigurations.length) {
    throw new CliError(`Bucket ${bucket} has no notification with id ${id}; see \`gust notify ls ${bucket}\`.`, EXIT.failed);
  }
  await writeConfiguration(client, bucket, { LambdaFunctionConfigurations: kept });
  if (opts.json) printJson({ removed: id });
  else process.stdout.write(`Removed notification ${id} from ${bucket}\n`);
}
