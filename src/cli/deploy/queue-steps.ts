// The SQS part of a deploy plan: the project's queues (created tagged with the project, their
// attributes kept in step, deleted when the project no longer declares them) and its functions'
// queue subscriptions (event-source mappings created, updated in place, or deleted).
import { CliError, EXIT, type GustClient } from '../client.js';
import type { DeployedFunction, Mapping } from './current-state.js';
import type { Step } from './plan.js';
import { PROJECT_TAG, queueNameOf, type ProjectFunction, type ProjectQueue, type QueueEvent } from './project.js';

const ESM_PATH = '/2015-03-31/event-source-mappings';
const missingQueue = (err: unknown) => err instanceof CliError && /NonExistentQueue|QueueDoesNotExist/.test(err.message);

async function queueUrl(client: GustClient, name: string): Promise<string | undefined> {
  return client.sqs('GetQueueUrl', { QueueName: name }).then(
    (r) => r.QueueUrl as string,
    (err) => {
      if (missingQueue(err)) return undefined;
      throw err;
    },
  );
}

/** Creates the queue tagged with the project, or brings an existing one of the project's up to date. */
async function ensureQueue(client: GustClient, q: ProjectQueue, projectId: string): Promise<void> {
  const url = await queueUrl(client, q.name);
  if (!url) {
    await client.sqs('CreateQueue', { QueueName: q.name, Attributes: q.attributes, tags: { [PROJECT_TAG]: projectId } });
    return;
  }
  const { Tags } = await client.sqs('ListQueueTags', { QueueUrl: url });
  const owner = Tags?.[PROJECT_TAG];
  if (owner !== projectId) throw new CliError(`Queue ${q.name} exists and ${owner ? `belongs to project ${owner}` : 'was not created by this project'}: give the resource a QueueName of its own, or delete that queue first.`, EXIT.failed);
  // FifoQueue is fixed at creation; everything else can change in place.
  const { FifoQueue: _fixed, ...changeable } = q.attributes;
  if (Object.keys(changeable).length) await client.sqs('SetQueueAttributes', { QueueUrl: url, Attributes: changeable });
}

/** Attribute values compare as SQS holds them: JSON policies by content, the rest as text. */
const sameValue = (a: string, b: string | undefined) => {
  if (a === b) return true;
  try {
    return b !== undefined && a.startsWith('{') && JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
};

/** The project's queues: ensured in order (dead-letter queues first) unless they are as wanted, and the ones it dropped deleted. */
export function queueSteps(client: GustClient, projectId: string, wanted: ProjectQueue[], current: Map<string, Record<string, string>>): Step[] {
  const wantedNames = new Set(wanted.map((q) => q.name));
  const upToDate = (q: ProjectQueue) => {
    const have = current.get(q.name);
    return have !== undefined && Object.entries(q.attributes).every(([k, v]) => sameValue(v, have[k]));
  };
  const steps: Step[] = wanted.filter((q) => !upToDate(q)).map((q) => ({
    action: 'ensure',
    kind: 'queue',
    target: q.name,
    ...(Object.keys(q.attributes).length ? { detail: Object.entries(q.attributes).map(([k, v]) => `${k}=${v}`).join(' ') } : {}),
    run: () => ensureQueue(client, q, projectId),
  }));
  for (const name of [...current.keys()].filter((n) => !wantedNames.has(n))) {
    steps.push({
      action: 'delete',
      kind: 'queue',
      target: name,
      run: async () => {
        const url = await queueUrl(client, name);
        if (url) await client.sqs('DeleteQueue', { QueueUrl: url });
      },
    });
  }
  return steps;
}

/** What CreateEventSourceMapping and UpdateEventSourceMapping take for an event. */
function settings(e: QueueEvent) {
  return {
    BatchSize: e.batchSize ?? 10,
    MaximumBatchingWindowInSeconds: e.maximumBatchingWindow ?? 0,
    Enabled: e.enabled,
    FunctionResponseTypes: e.functionResponseTypes,
    FilterCriteria: { Filters: e.filterPatterns.map((Pattern) => ({ Pattern })) },
    ScalingConfig: e.maximumConcurrency === undefined ? {} : { MaximumConcurrency: e.maximumConcurrency },
  };
}

function sameSettings(m: Mapping, e: QueueEvent): boolean {
  const want = settings(e);
  const enabled = m.State !== 'Disabled' && m.State !== 'Disabling';
  return (
    m.BatchSize === want.BatchSize &&
    (m.MaximumBatchingWindowInSeconds ?? 0) === want.MaximumBatchingWindowInSeconds &&
    enabled === want.Enabled &&
    JSON.stringify(m.FunctionResponseTypes ?? []) === JSON.stringify(want.FunctionResponseTypes) &&
    JSON.stringify((m.FilterCriteria?.Filters ?? []).map((f) => f.Pattern)) === JSON.stringify(e.filterPatterns) &&
    m.ScalingConfig?.MaximumConcurrency === e.maximumConcurrency
  );
}

const describeEvent = (e: QueueEvent) => `batch ${e.batchSize ?? 10}${e.maximumBatchingWindow ? `, window ${e.maximumBatchingWindow} s` : ''}${e.enabled ? '' : ', disabled'}`;

/**
 * Subscriptions: `removals` run before functions and queues go away, `changes` once the functions
 * and queues they need exist.
 */
export function mappingSteps(client: GustClient, wanted: ProjectFunction[], current: Map<string, DeployedFunction>): { removals: Step[]; changes: Step[] } {
  const removals: Step[] = [];
  const changes: Step[] = [];
  const wantedByFunction = new Map(wanted.map((f) => [f.name, f.sqs]));
  for (const [name, d] of current) {
    const events = wantedByFunction.get(name) ?? [];
    for (const m of d.mappings) {
      if (events.some((e) => e.queueArn === m.EventSourceArn)) continue;
      removals.push({ action: 'delete', kind: 'mapping', target: `${queueNameOf(m.EventSourceArn)} → ${name}`, detail: m.UUID, run: () => client.request('DELETE', `${ESM_PATH}/${encodeURIComponent(m.UUID)}`).then(() => {}) });
    }
  }
  for (const f of wanted) {
    const have = current.get(f.name)?.mappings ?? [];
    for (const e of f.sqs) {
      const existing = have.find((m) => m.EventSourceArn === e.queueArn);
      if (existing && sameSettings(existing, e)) continue;
      const body = existing ? settings(e) : { FunctionName: f.name, EventSourceArn: e.queueArn, ...settings(e) };
      changes.push({
        action: existing ? 'update' : 'create',
        kind: 'mapping',
        target: `${queueNameOf(e.queueArn)} → ${f.name}`,
        detail: describeEvent(e),
        run: () => client.request(existing ? 'PUT' : 'POST', existing ? `${ESM_PATH}/${encodeURIComponent(existing.UUID)}` : ESM_PATH, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then(() => {}),
      });
    }
  }
  return { removals, changes };
}
