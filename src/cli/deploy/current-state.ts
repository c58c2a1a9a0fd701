// What a project has deployed already, read through the same APIs the CLI uses: functions tagged
// gust:project=ID (plus same-named ones), their routes, schedules, function URLs and event-source
// mappings, and the queues tagged with the project.
import type { GustClient } from '../client.js';
import { qualifierOfArn, readFunctionFacts } from '../function-facts.js';
import { notFoundAsUndefined } from '../lambda-paths.js';
import { readSubscriptions } from '../subscriptions.js';
import { PROJECT_TAG } from './project.js';

export interface DeployedFunction {
  name: string;
  arn: string;
  config: Record<string, any>;
  tags: Record<string, string>;
  reserved?: number;
  url?: Record<string, any>;
  /** Alias name → version. */
  aliases: Record<string, string>;
  /** Qualifier → requested provisioned concurrency. */
  provisioned: Record<string, number>;
  /** Its event-source mappings, as ListEventSourceMappings shows them. */
  mappings: Mapping[];
}

export interface Mapping {
  UUID: string;
  EventSourceArn: string;
  State: string;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  FunctionResponseTypes?: string[];
  FilterCriteria?: { Filters?: { Pattern: string }[] };
  ScalingConfig?: { MaximumConcurrency?: number };
}

export interface Route {
  id: string;
  method: string;
  path: string;
  functionName: string;
  payloadFormat: string;
}

export interface Schedule {
  Name: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  State: string;
  Target: { Arn: string; Input?: string };
}

export interface CurrentState {
  /** Functions of this project, and functions with a wanted name (which may belong to no project). */
  functions: Map<string, DeployedFunction>;
  routes: Route[];
  schedules: Schedule[];
  /** The queues tagged with the project (the ones its deploys created): their attributes by name. */
  queues: Map<string, Record<string, string>>;
  /** Retention (days, or null for none) of the log groups that exist, by group name. */
  logRetention: Map<string, number | null>;
}

async function describe(client: GustClient, name: string): Promise<DeployedFunction | undefined> {
  const facts = await readFunctionFacts(client, name);
  if (!facts) return undefined;
  return {
    name,
    arn: facts.configuration.FunctionArn,
    config: facts.configuration,
    tags: facts.tags,
    reserved: facts.reserved,
    url: facts.urls.find((u) => qualifierOfArn(u.FunctionArn) === '$LATEST'),
    aliases: Object.fromEntries(facts.aliases.map((a) => [a.Name, a.FunctionVersion])),
    mappings: await readSubscriptions(client, name),
    provisioned: Object.fromEntries(facts.provisioned.map((c) => [qualifierOfArn(c.FunctionArn), c.RequestedProvisionedConcurrentExecutions])),
  };
}

async function projectQueues(client: GustClient, projectId: string): Promise<Map<string, Record<string, string>>> {
  const queues = new Map<string, Record<string, string>>();
  let token: string | undefined;
  do {
    const page = await client.sqs('ListQueues', { MaxResults: 1000, ...(token ? { NextToken: token } : {}) });
    for (const url of page.QueueUrls ?? []) {
      const { Tags } = await client.sqs('ListQueueTags', { QueueUrl: url });
      if (Tags?.[PROJECT_TAG] !== projectId) continue;
      const { Attributes } = await client.sqs('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
      queues.set(String(url).split('/').pop()!, Attributes ?? {});
    }
    token = page.NextToken;
  } while (token);
  return queues;
}

export async function readCurrentState(client: GustClient, projectId: string, wantedNames: string[]): Promise<CurrentState> {
  const names = new Set(wantedNames);
  let marker: string | undefined;
  do {
    const page = (await client.request('GET', `/2015-03-31/functions?MaxItems=50${marker ? `&Marker=${encodeURIComponent(marker)}` : ''}`)).json();
    for (const f of page.Functions) {
      if (names.has(f.FunctionName)) continue;
      const { Tags } = (await client.request('GET', `/2017-03-31/tags/${encodeURIComponent(f.FunctionArn)}`)).json();
      if (Tags?.[PROJECT_TAG] === projectId) names.add(f.FunctionName);
    }
    marker = page.NextMarker;
  } while (marker);
  const functions = new Map<string, DeployedFunction>();
  for (const name of names) {
    const d = await describe(client, name);
    if (d) functions.set(name, d);
  }
  const { routes } = (await client.request('GET', '/gust/routes')).json();
  const { Schedules } = (await client.request('GET', '/schedules', { service: 'scheduler' })).json();
  const schedules: Schedule[] = [];
  for (const s of Schedules) {
    const detail = await client.request('GET', `/schedules/${encodeURIComponent(s.Name)}`, { service: 'scheduler' }).then((r) => r.json(), notFoundAsUndefined);
    if (detail) schedules.push(detail);
  }
  const logRetention = new Map<string, number | null>();
  let nextToken: string | undefined;
  do {
    const page = await client.logs('DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/', ...(nextToken ? { nextToken } : {}) });
    for (const g of page.logGroups ?? []) logRetention.set(g.logGroupName, g.retentionInDays ?? null);
    nextToken = page.nextToken;
  } while (nextToken);
  return { functions, routes, schedules, queues: await projectQueues(client, projectId), logRetention };
}

export async function accountIdOf(client: GustClient): Promise<string> {
  const page = (await client.request('GET', '/2015-03-31/functions?MaxItems=1')).json();
  return /^arn:[^:]+:lambda:[^:]+:(\d{12}):/.exec(page.Functions?.[0]?.FunctionArn ?? '')?.[1] ?? '000000000000';
}
