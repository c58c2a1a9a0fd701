// `gust describe FUNCTION`: one function as a whole, read through the public APIs: its
// configuration, what triggers it (routes, schedules with their next run, bucket notifications,
// queue subscriptions, URLs), its versions and aliases, and its concurrency.
import type { NotificationConfiguration } from '../control/objects/object-change.js';
import { readBuckets } from './buckets.js';
import { CliError, EXIT, type GustClient } from './client.js';
import { qualifierOfArn, readFunctionFacts, type FunctionFacts } from './function-facts.js';
import { corsSummary } from './function-urls.js';
import { functionPath } from './lambda-paths.js';
import { readConfiguration } from './notify.js';
import { printJson, type OutputOptions } from './output.js';
import { nextRunOf, readSchedules } from './schedules.js';
import { queueName, readSubscriptions } from './subscriptions.js';
import { stripTerminalEscapes } from './terminal-safe.js';
import { aliasTarget } from './versions.js';

/** The function an ARN names, without its qualifier. */
const functionOfArn = (arn: string) => arn.split(':')[6];
/** `name` or `name:qualifier`, as routes name their function. */
const targets = (ref: string, name: string) => ref === name || ref.startsWith(`${name}:`);

async function readTriggers(client: GustClient, name: string) {
  const [{ routes }, schedules, buckets, subscriptions] = await Promise.all([
    client.request('GET', '/gust/routes').then((r) => r.json<{ routes: { id: string; method: string; path: string; functionName: string; payloadFormat: string }[] }>()),
    readSchedules(client),
    readBuckets(client),
    readSubscriptions(client, name),
  ]);
  // A bucket deleted since the listing simply has no notifications.
  const noneIfGone = (err: Error): NotificationConfiguration => {
    if (/NoSuchBucket/.test(err.message)) return { LambdaFunctionConfigurations: [] };
    throw err;
  };
  const notifications = await Promise.all(buckets.map(async (b) => ({ bucket: b.Name, config: await readConfiguration(client, b.Name).catch(noneIfGone) })));
  const now = Date.now();
  return {
    Routes: routes.filter((r) => targets(r.functionName, name)),
    Schedules: schedules.filter((s) => functionOfArn(s.Target.Arn) === name).map((s) => ({ ...s, NextRun: nextRunOf(s, now)?.toISOString() ?? null })),
    BucketNotifications: notifications.flatMap(({ bucket, config }) =>
      config.LambdaFunctionConfigurations.filter((c) => functionOfArn(c.LambdaFunctionArn) === name).map((c) => ({ Bucket: bucket, ...c })),
    ),
    QueueSubscriptions: subscriptions,
  };
}

type Triggers = Awaited<ReturnType<typeof readTriggers>>;

const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

function render(facts: FunctionFacts, versions: string[], t: Triggers): string {
  const c = facts.configuration;
  const out: string[] = [];
  const field = (label: string, value: string | undefined) => value && out.push(`  ${label.padEnd(13)}${value}`);
  out.push(`${c.FunctionName}  (${c.FunctionArn})`);
  field('runtime', c.PackageType === 'Image' ? `image ${c.ImageConfigResponse?.ImageConfig?.Command?.join(' ') ?? ''}`.trim() : `${c.Runtime}, handler ${c.Handler}`);
  field('memory', `${c.MemorySize} MB, timeout ${c.Timeout} s, /tmp ${c.EphemeralStorage?.Size ?? 512} MB`);
  field('state', `${c.State ?? 'Active'}${c.StateReason ? ` (${c.StateReason})` : ''}`);
  field('code', `${c.CodeSha256?.slice(0, 12) ?? ''}…, ${mb(c.CodeSize ?? 0)}, modified ${c.LastModified}`);
  field('description', c.Description);
  // Values may be secrets: the names only (--json shows everything, as get-function does).
  field('environment', Object.keys(c.Environment?.Variables ?? {}).join(', '));
  field('layers', (c.Layers ?? []).map((l: { Arn: string }) => l.Arn.split(':').slice(-2).join(':')).join(', '));
  field('tags', Object.entries(facts.tags).map(([k, v]) => `${k}=${v}`).join(', '));
  const provisioned = facts.provisioned.map(
    (p) => `${qualifierOfArn(p.FunctionArn)} ${p.AvailableProvisionedConcurrentExecutions ?? 0}/${p.RequestedProvisionedConcurrentExecutions} ${p.Status}${p.StatusReason ? ` (${p.StatusReason})` : ''}`,
  );
  field('concurrency', `reserved ${facts.reserved ?? 'none (unreserved pool)'}${provisioned.length > 0 ? `; provisioned ${provisioned.join(', ')}` : ''}`);
  field('versions', versions.join(', '));
  field('aliases', facts.aliases.map((a) => `${a.Name} → ${aliasTarget(a)}`).join('; '));

  const lines: string[] = [
    ...facts.urls.map((u) => `  url          ${u.FunctionUrl}  auth ${u.AuthType}${qualifierOfArn(u.FunctionArn) !== '$LATEST' ? `, ${qualifierOfArn(u.FunctionArn)}` : ''}${u.Cors ? `, CORS ${corsSummary(u.Cors)}` : ''}`),
    ...t.Routes.map((r) => `  route        ${r.method} ${r.path}  payload ${r.payloadFormat}${r.functionName !== c.FunctionName ? `, ${r.functionName}` : ''}  (id ${r.id})`),
    ...t.Schedules.map((s) => `  schedule     ${s.Name}  ${s.ScheduleExpression} ${s.ScheduleExpressionTimezone ?? 'UTC'}  ${s.State === 'ENABLED' ? `next ${s.NextRun ?? 'none'}` : 'disabled'}`),
    ...t.BucketNotifications.map((n) => {
      const rules = (n.Filter?.Key.FilterRules ?? []).map((r) => `${r.Name.toLowerCase()} ${r.Value}`).join(', ');
      return `  bucket       ${n.Bucket}  ${n.Events.join(',')}${rules ? `  ${rules}` : ''}  (id ${n.Id})`;
    }),
    ...t.QueueSubscriptions.map((m) => `  queue        ${queueName(m.EventSourceArn)}  batch ${m.BatchSize}, ${m.State}  (id ${m.UUID})`),
  ];
  out.push('triggers');
  out.push(...(lines.length > 0 ? lines : ['  none: invoke it with `gust invoke`, or add a `gust route`, `gust url`, `gust schedule`, `gust notify` or `gust subscribe`']));
  return out.join('\n') + '\n';
}

export async function describeFunction(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  const facts = await readFunctionFacts(client, name);
  if (!facts) throw new CliError(`ResourceNotFoundException: Function not found: ${name}. See \`gust ls\`.`, EXIT.failed);
  const [{ Versions }, triggers] = await Promise.all([
    client.request('GET', `${functionPath(name)}/versions?MaxItems=10000`).then((r) => r.json<{ Versions: { Version: string }[] }>()),
    readTriggers(client, name),
  ]);
  const versions = Versions.map((v) => v.Version);
  if (opts.json) {
    return printJson({
      Configuration: facts.configuration,
      Tags: facts.tags,
      Concurrency: { ReservedConcurrentExecutions: facts.reserved ?? null, Provisioned: facts.provisioned },
      FunctionUrls: facts.urls,
      Versions: versions,
      Aliases: facts.aliases,
      Triggers: triggers,
    });
  }
  // Descriptions, tags and keys come from whoever deployed: printed without escape sequences.
  process.stdout.write(stripTerminalEscapes(render(facts, versions, triggers)));
}
