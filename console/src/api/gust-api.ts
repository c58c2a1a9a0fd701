// The calls the console's pages make, named for what they fetch. Shapes are the AWS API's own
// (Lambda, Logs, Scheduler, S3) and Gust's /gust/ answers, trimmed to the fields the pages read.
import { Client, seg } from './client';

export interface FunctionConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Handler?: string;
  MemorySize: number;
  Timeout: number;
  CodeSize: number;
  Description?: string;
  LastModified: string;
  Version: string;
  Architectures?: string[];
  Environment?: { Variables?: Record<string, string> };
  Layers?: { Arn: string }[];
  State?: string;
  PackageType?: string;
  EphemeralStorage?: { Size: number };
  LoggingConfig?: { LogGroup?: string; LogFormat?: string };
  CodeSha256?: string;
}

export interface Alias {
  Name: string;
  FunctionVersion: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}

export interface Series {
  functionName: string;
  invocations: number[];
  errors: number[];
  throttles: number[];
  p50: (number | null)[];
  p99: (number | null)[];
  concurrency: number[];
  coldStarts: number[];
}

export interface UsageRow {
  date: string;
  functionName: string;
  requests: number;
  errors: number;
  coldStarts: number;
  durationMs: number;
  billedMs: number;
  gbSeconds: number;
  requestCost: number;
  computeCost: number;
  cost: number;
}

export interface BudgetStatus {
  functionName: string;
  unit: 'gb-seconds' | 'usd';
  amount: number;
  hard: boolean;
  month: string;
  spent: number;
  percent: number;
  exceeded: boolean;
}

export interface HistoryEntry {
  requestId: string;
  functionName: string;
  qualifier: string;
  startedAt: number;
  source: string;
  payload: string;
  payloadTruncated: boolean;
  response?: string;
  responseTruncated: boolean;
  functionError?: string;
  durationMs?: number;
  billedMs?: number;
  cold?: boolean;
  initDurationMs?: number;
  maxMemoryUsedMb?: number;
  memoryMb?: number;
  outcome?: string;
  version?: string;
}

export interface LogEvent {
  eventId: string;
  timestamp: number;
  message: string;
  logStreamName?: string;
}

export interface InvokeResult {
  status: number;
  functionError?: string;
  requestId?: string;
  executedVersion?: string;
  payload: string;
  log?: string;
}

const L = '/2015-03-31/functions';

export function api(c: Client) {
  return {
    listFunctions: async () => {
      const all: FunctionConfig[] = [];
      let marker: string | undefined;
      do {
        const page = await c.json<{ Functions: FunctionConfig[]; NextMarker?: string }>(`${L}/?MaxItems=50${marker ? `&Marker=${seg(marker)}` : ''}`);
        all.push(...page.Functions);
        marker = page.NextMarker;
      } while (marker);
      return all;
    },
    getFunction: (name: string) =>
      c.json<{ Configuration: FunctionConfig; Code: { Location?: string; RepositoryType?: string }; Tags?: Record<string, string>; Concurrency?: { ReservedConcurrentExecutions?: number } }>(`${L}/${seg(name)}`),
    versions: async (name: string) => (await c.json<{ Versions: FunctionConfig[] }>(`${L}/${seg(name)}/versions?MaxItems=50`)).Versions,
    aliases: async (name: string) => (await c.json<{ Aliases: Alias[] }>(`${L}/${seg(name)}/aliases`)).Aliases,
    url: (name: string) => c.json<{ FunctionUrl: string; AuthType: string; InvokeMode?: string }>(`/2021-10-31/functions/${seg(name)}/url`).catch(() => undefined),
    eventInvokeConfigs: async (name: string) =>
      (await c.json<{ FunctionEventInvokeConfigs: { FunctionArn: string; MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number; DestinationConfig?: unknown }[] }>(`/2019-09-25/functions/${seg(name)}/event-invoke-config/list`).catch(() => ({ FunctionEventInvokeConfigs: [] })))
        .FunctionEventInvokeConfigs,
    eventSourceMappings: async (name: string) =>
      (await c.json<{ EventSourceMappings: { UUID: string; EventSourceArn: string; State: string; BatchSize: number }[] }>(`/2015-03-31/event-source-mappings/?FunctionName=${seg(name)}`).catch(() => ({ EventSourceMappings: [] }))).EventSourceMappings,
    invoke: async (name: string, payload: string, qualifier?: string): Promise<InvokeResult> => {
      const res = await c.raw(`${L}/${seg(name)}/invocations${qualifier ? `?Qualifier=${seg(qualifier)}` : ''}`, { method: 'POST', body: payload, headers: { 'x-amz-log-type': 'Tail', 'content-type': 'application/json' } });
      const log = res.headers.get('x-amz-log-result');
      return {
        status: res.status,
        functionError: res.headers.get('x-amz-function-error') ?? undefined,
        requestId: res.headers.get('x-amzn-requestid') ?? undefined,
        executedVersion: res.headers.get('x-amz-executed-version') ?? undefined,
        payload: await res.text(),
        log: log ? new TextDecoder().decode(Uint8Array.from(atob(log), (ch) => ch.charCodeAt(0))) : undefined,
      };
    },
    filterLogs: (logGroupName: string, opts: { startTime?: number; filterPattern?: string; limit?: number; nextToken?: string }) =>
      c.logs<{ events: LogEvent[]; nextToken?: string }>('FilterLogEvents', { logGroupName, ...opts }).catch((err) => {
        if (err?.code === 'ResourceNotFoundException') return { events: [] as LogEvent[], nextToken: undefined };
        throw err;
      }),
    schedules: async () => {
      const out: { Name: string; GroupName: string; State: string; Target: { Arn: string } }[] = [];
      let token: string | undefined;
      do {
        const page = await c.json<{ Schedules: typeof out; NextToken?: string }>(`/schedules?MaxResults=100${token ? `&NextToken=${seg(token)}` : ''}`, { service: 'scheduler' });
        out.push(...page.Schedules);
        token = page.NextToken;
      } while (token);
      return out;
    },
    schedule: (name: string, group: string) => c.json<{ ScheduleExpression: string; State: string }>(`/schedules/${seg(name)}?groupName=${seg(group)}`, { service: 'scheduler' }),
    buckets: async () => [...(await c.text('/', { service: 's3' })).matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1]),
    bucketNotifications: async (bucket: string) => {
      const xml = await c.text(`/${seg(bucket)}?notification=`, { service: 's3' });
      return [...xml.matchAll(/<CloudFunctionConfiguration>([\s\S]*?)<\/CloudFunctionConfiguration>/g)].map((m) => ({
        arn: /<CloudFunction>([^<]*)</.exec(m[1])?.[1] ?? '',
        events: [...m[1].matchAll(/<Event>([^<]*)</g)].map((e) => e[1]),
      }));
    },
    budgets: async () => (await c.json<{ budgets: BudgetStatus[] }>('/gust/budgets')).budgets,
    routes: async () => (await c.json<{ routes: { id: string; method: string; path: string; functionName: string; payloadFormat: string }[] }>('/gust/routes')).routes,
    health: () => c.json<{ status: string; concurrentExecutions?: number; instances?: Record<string, unknown>; queuedAsyncEvents?: number }>('/gust/health'),
    series: (minutes = 60, fn?: string) => c.json<{ start: number; minutes: number; functions: Series[] }>(`/gust/console/series?minutes=${minutes}${fn ? `&function=${seg(fn)}` : ''}`),
    dailyUsage: (days = 30, fn?: string) => c.json<{ rows: UsageRow[] }>(`/gust/console/daily-usage?days=${days}${fn ? `&function=${seg(fn)}` : ''}`),
    history: (fn: string) => c.json<{ enabled: boolean; limits: { maxBytes: number; perFunction: number; days: number }; invocations: HistoryEntry[] }>(`/gust/console/history?function=${seg(fn)}&limit=100`),
    deadLetters: async (fn: string) => (await c.json<{ deadLetters: { id: number; requestId: string; reason: string; payload: string; failedAt?: number }[] }>(`/gust/dead-letters?function=${seg(fn)}`)).deadLetters,
    codeZip: async (location: string) => {
      // The link is pre-signed and on this origin: a plain fetch.
      const res = await fetch(new URL(location).pathname + new URL(location).search, { credentials: 'omit' });
      if (!res.ok) throw new Error(`Could not download the code (HTTP ${res.status}).`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export type Api = ReturnType<typeof api>;
