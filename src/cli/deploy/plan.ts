// The plan: what a deploy creates, updates and deletes to make the server match the project,
// as a list of steps in the order they must run. Each step says what it does (printed by
// --dry-run and --json) and carries the calls that do it.
import { CliError, type GustClient } from '../client.js';
import type { CurrentState, DeployedFunction } from './current-state.js';
import type { Package } from './package.js';
import { functionArn, PROJECT_TAG, type Project, type ProjectFunction } from './project.js';
import { allowS3, ensureBucket, setNotifications } from './s3-notifications.js';
import { functionSteps } from './function-steps.js';
import type { LayerPlan } from './layer-steps.js';
import { mappingSteps, queueSteps } from './queue-steps.js';

export type Action = 'create' | 'update' | 'delete' | 'publish' | 'ensure';

export interface Step {
  action: Action;
  kind: 'function' | 'route' | 'schedule' | 'url' | 'alias' | 'concurrency' | 'bucket' | 'notification' | 'layer' | 'logs' | 'queue' | 'mapping';
  target: string;
  detail?: string;
  run(): Promise<void>;
}

export interface PlanInput {
  client: GustClient;
  project: Project;
  /** The functions to have after the deploy: the project's, or none when removing it. */
  wanted: ProjectFunction[];
  packages: Map<string, Package>;
  current: CurrentState;
  accountId: string;
  layersSupported: boolean;
  layers: LayerPlan;
}

const scheduler = { service: 'scheduler' };
const fnPath = (name: string) => `/2015-03-31/functions/${encodeURIComponent(name)}`;

export function plan(input: PlanInput): Step[] {
  const { client, project, wanted, current, accountId } = input;
  const steps: Step[] = [];
  const arn = (name: string) => functionArn(project.region, accountId, name);
  const wantedNames = new Set(wanted.map((f) => f.name));
  for (const fn of wanted) {
    const owner = current.functions.get(fn.name)?.tags[PROJECT_TAG];
    if (owner && owner !== project.id) throw new CliError(`Function ${fn.name} belongs to project ${owner}, not ${project.id}: rename it or remove that project first.`, 1);
  }
  const ours = new Set([...wantedNames, ...current.functions.keys()]);
  const ownArns = [...ours].map(arn);

  // Routes and schedules of functions that go away, or that changed, go first: a new route may
  // take the place of an old one.
  const routeKey = (r: { method: string; path: string; functionName: string; payloadFormat: string }) => `${r.method} ${r.path} ${r.functionName} ${r.payloadFormat}`;
  const wantedRoutes = wanted.flatMap((f) => f.routes.map((r) => ({ ...r, functionName: f.name })));
  const wantedRouteKeys = new Set(wantedRoutes.map(routeKey));
  const ourRoutes = current.routes.filter((r) => ours.has(r.functionName));
  for (const r of ourRoutes.filter((r) => !wantedRouteKeys.has(routeKey(r)))) {
    steps.push({ action: 'delete', kind: 'route', target: `${r.method} ${r.path}`, detail: `→ ${r.functionName}`, run: () => client.request('DELETE', `/gust/routes/${encodeURIComponent(r.id)}`).then(() => {}) });
  }
  const ourSchedules = current.schedules.filter((s) => ownArns.includes(s.Target.Arn));
  const wantedSchedules = new Map(wanted.flatMap((f) => f.schedules.map((s) => [s.name, { ...s, fn: f.name }] as const)));
  for (const s of ourSchedules.filter((s) => !wantedSchedules.has(s.Name))) {
    steps.push({ action: 'delete', kind: 'schedule', target: s.Name, run: () => client.request('DELETE', `/schedules/${encodeURIComponent(s.Name)}`, scheduler).then(() => {}) });
  }

  // S3 notifications of this project's functions: replaced as a whole per bucket.
  const s3Buckets = new Map<string, { functionArn: string; fn: string; event: ProjectFunction['s3'][number] }[]>();
  for (const f of project.functions) for (const e of f.s3) s3Buckets.set(e.bucket, [...(s3Buckets.get(e.bucket) ?? []), { functionArn: arn(f.name), fn: f.name, event: e }]);
  const removing = wanted.length === 0;
  if (removing) {
    for (const bucket of s3Buckets.keys()) steps.push({ action: 'delete', kind: 'notification', target: bucket, detail: 'this project’s entries', run: () =>
          // A Gust without S3 holds no notifications to remove.
          setNotifications(client, bucket, ownArns, []).catch((err: Error) => {
            if (!/S3 is not available/.test(err.message)) throw err;
          }),
      });
  }

  // Subscriptions that go away stop before their function or queue does.
  const mappings = mappingSteps(client, wanted, current.functions);
  steps.push(...mappings.removals);
  for (const [name, d] of current.functions) if (!wantedNames.has(name)) steps.push(...deleteFunctionSteps(client, d));
  steps.push(...queueSteps(client, project.id, removing ? [] : project.queues, current.queues));

  if (!removing) {
    steps.push(...input.layers.steps, ...functionSteps(input), ...mappings.changes);
    for (const f of wanted) {
      const have = new Set(ourRoutes.filter((r) => r.functionName === f.name).map(routeKey));
      for (const r of f.routes) {
        const body = { method: r.method, path: r.path, function: f.name, payloadFormat: r.payloadFormat };
        if (!have.has(routeKey({ ...r, functionName: f.name }))) steps.push({ action: 'create', kind: 'route', target: `${r.method} ${r.path}`, detail: `→ ${f.name} (payload ${r.payloadFormat})`, run: () => client.request('POST', '/gust/routes', { body: JSON.stringify(body) }).then(() => {}) });
      }
    }
    for (const [name, s] of wantedSchedules) {
      const existing = current.schedules.find((c) => c.Name === name);
      const definition = {
        ScheduleExpression: s.expression,
        ScheduleExpressionTimezone: s.timezone ?? existing?.ScheduleExpressionTimezone ?? 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: s.enabled ? 'ENABLED' : 'DISABLED',
        Target: { Arn: arn(s.fn), RoleArn: 'arn:aws:iam::000000000000:role/gust-scheduler', ...(s.input !== undefined ? { Input: s.input } : {}) },
      };
      const same = existing && existing.ScheduleExpression === s.expression && existing.State === definition.State && existing.Target.Arn === definition.Target.Arn && (existing.Target.Input ?? undefined) === s.input && (existing.ScheduleExpressionTimezone ?? 'UTC') === definition.ScheduleExpressionTimezone;
      if (same) continue;
      steps.push({
        action: existing ? 'update' : 'create',
        kind: 'schedule',
        target: name,
        detail: `${s.expression}${s.enabled ? '' : ' (disabled)'} → ${s.fn}`,
        run: () => client.request(existing ? 'PUT' : 'POST', `/schedules/${encodeURIComponent(name)}`, { body: JSON.stringify(definition), ...scheduler }).then(() => {}),
      });
    }
    // S3 last: until Gust has S3 it answers 501, and everything else is deployed by then.
    const declared = new Set([...project.buckets, ...[...s3Buckets.values()].flat().filter((e) => !e.event.existing).map((e) => e.event.bucket)]);
    for (const bucket of declared) steps.push({ action: 'ensure', kind: 'bucket', target: bucket, run: () => ensureBucket(client, bucket) });
    for (const [bucket, entries] of s3Buckets) {
      steps.push({
        action: 'ensure',
        kind: 'notification',
        target: bucket,
        detail: entries.map((e) => `${e.event.events.join(',')}${e.event.prefix ? ` ${e.event.prefix}*` : ''}${e.event.suffix ? ` *${e.event.suffix}` : ''} → ${e.fn}`).join('; '),
        run: async () => {
          for (const fn of new Set(entries.map((e) => e.fn))) await allowS3(client, fn, bucket);
          await setNotifications(client, bucket, ownArns, entries);
        },
      });
    }
  }
  return steps;
}

function deleteFunctionSteps(client: GustClient, d: DeployedFunction): Step[] {
  const steps: Step[] = [];
  if (d.url) steps.push({ action: 'delete', kind: 'url', target: d.name, run: () => client.request('DELETE', `/2021-10-31/functions/${encodeURIComponent(d.name)}/url`).then(() => {}) });
  steps.push({ action: 'delete', kind: 'function', target: d.name, run: () => client.request('DELETE', fnPath(d.name)).then(() => {}) });
  return steps;
}
