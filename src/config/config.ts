// One validated, frozen configuration, read from command-line flags, then GUST_* environment
// variables, then defaults. Every problem is reported at once, before anything starts.
import path from 'node:path';

export interface GustConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /**
   * postgres://… : metadata (functions, queues, async events, schedules…) in this PostgreSQL
   * database instead of the data directory's metadata.db; nodes sharing it form a cluster. null: SQLite.
   */
  readonly databaseUrl: string | null;
  /**
   * A directory every node mounts (NFS, a Kubernetes ReadWriteMany volume) for function code,
   * layers, images and S3 object bytes; null: they stay in the data directory (one node).
   */
  readonly sharedDir: string | null;
  /**
   * With a database shared by nodes: how long a node's claim on an async event lasts without
   * renewal, so how soon another node takes over the events of one that died.
   */
  readonly leaseSeconds: number;
  readonly region: string;
  readonly accountId: string;
  /** Seconds an idle instance is kept warm before it is stopped. */
  readonly keepAliveSeconds: number;
  /** Idle instances are stopped, least recently used first, while the machine's available memory is below this (MB); 0: never. */
  readonly memoryFloorMb: number;
  /** Seconds before the first retry of a failed async invocation (Lambda: about a minute). */
  readonly asyncRetryDelaySeconds: number;
  /** Async events run at once at most, all functions together (each still within its concurrency). */
  readonly asyncParallelism: number;
  /** How long an Idempotency-Key on an Event invoke is remembered. */
  readonly idempotencyWindowSeconds: number;
  /** Account-wide limit of invocations running at once. */
  readonly concurrencyLimit: number;
  readonly pricePerGbSecond: number;
  readonly pricePerMillionRequests: number;
  /** 'cgroup' (default) refuses to start without usable cgroups; 'auto' and 'none' are explicit, weaker choices. */
  readonly memoryEnforcement: 'auto' | 'cgroup' | 'none';
  /** How instances are isolated: 'namespaces' (bubblewrap), or explicitly weaker 'process'. */
  readonly sandbox: 'namespaces' | 'process';
  /** False only with an explicit --no-auth: every API request is then accepted unsigned. */
  readonly auth: boolean;
  /** Most log bytes one log group (one function) keeps, in MB; the oldest go first. 0: no cap. */
  readonly logGroupMaxMb: number;
  /** HTTP connections open at once, in total and from one client address (an IPv6 /64). */
  readonly maxConnections: number;
  readonly maxConnectionsPerClient: number;
  /** Bytes per second a request body must at least arrive at (measured over 10 s windows). */
  readonly minBodyRate: number;
  /** On SIGTERM/SIGINT, how long requests and invocations in flight may take to finish. */
  readonly shutdownTimeoutSeconds: number;
  /** Invocation history (payload and response, for the console's replay): KB kept of each, 0 = off. */
  readonly historyMaxKb: number;
  /** Invocation history: most invocations kept per function, and days kept. */
  readonly historyPerFunction: number;
  readonly historyDays: number;
  /**
   * Port of a separate listener serving Prometheus `/metrics` unauthenticated, on the same host as
   * the API; null (the default): none, and metrics are only at the signed `/gust/metrics`.
   */
  readonly metricsPort: number | null;
  /** OTLP/HTTP collector base URL (spans go to `<url>/v1/traces`); null: no traces are exported. */
  readonly otlpEndpoint: string | null;
}

export type ConfigInput = Partial<Record<keyof GustConfig, string | number | boolean | undefined>>;

const ENV_NAMES: Record<keyof GustConfig, string> = {
  host: 'GUST_HOST',
  port: 'GUST_PORT',
  dataDir: 'GUST_DATA_DIR',
  databaseUrl: 'GUST_DATABASE_URL',
  sharedDir: 'GUST_SHARED_DIR',
  leaseSeconds: 'GUST_LEASE_SECONDS',
  region: 'GUST_REGION',
  accountId: 'GUST_ACCOUNT_ID',
  keepAliveSeconds: 'GUST_KEEP_ALIVE',
  memoryFloorMb: 'GUST_MEMORY_FLOOR_MB',
  concurrencyLimit: 'GUST_CONCURRENCY_LIMIT',
  asyncRetryDelaySeconds: 'GUST_ASYNC_RETRY_DELAY',
  asyncParallelism: 'GUST_ASYNC_PARALLELISM',
  idempotencyWindowSeconds: 'GUST_IDEMPOTENCY_WINDOW',
  pricePerGbSecond: 'GUST_PRICE_PER_GB_SECOND',
  pricePerMillionRequests: 'GUST_PRICE_PER_MILLION_REQUESTS',
  memoryEnforcement: 'GUST_MEMORY_ENFORCEMENT',
  auth: 'GUST_AUTH',
  sandbox: 'GUST_SANDBOX',
  logGroupMaxMb: 'GUST_LOG_GROUP_MAX_MB',
  maxConnections: 'GUST_MAX_CONNECTIONS',
  maxConnectionsPerClient: 'GUST_MAX_CONNECTIONS_PER_CLIENT',
  minBodyRate: 'GUST_MIN_BODY_RATE',
  shutdownTimeoutSeconds: 'GUST_SHUTDOWN_TIMEOUT',
  historyMaxKb: 'GUST_HISTORY_MAX_KB',
  historyPerFunction: 'GUST_HISTORY_PER_FUNCTION',
  historyDays: 'GUST_HISTORY_DAYS',
  metricsPort: 'GUST_METRICS_PORT',
  otlpEndpoint: 'GUST_OTLP_ENDPOINT',
};

const DEFAULTS: GustConfig = {
  host: '127.0.0.1',
  port: 9000,
  dataDir: '.gust',
  databaseUrl: null,
  sharedDir: null,
  leaseSeconds: 30,
  region: 'us-east-1',
  accountId: '000000000000',
  keepAliveSeconds: 600,
  memoryFloorMb: 512,
  concurrencyLimit: 1000,
  asyncRetryDelaySeconds: 60,
  asyncParallelism: 100,
  idempotencyWindowSeconds: 3600,
  pricePerGbSecond: 0.0000166667,
  pricePerMillionRequests: 0.2,
  memoryEnforcement: 'cgroup',
  auth: true,
  sandbox: 'namespaces',
  logGroupMaxMb: 100,
  // Well under the 20,000 open files a default systemd service gets, leaving room for instances.
  maxConnections: 4096,
  maxConnectionsPerClient: 256,
  minBodyRate: 1024,
  shutdownTimeoutSeconds: 30,
  // Payloads can be sensitive: kept small and short by default (docs/security.md).
  historyMaxKb: 16,
  historyPerFunction: 100,
  historyDays: 3,
  metricsPort: null,
  otlpEndpoint: null,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadConfig(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): GustConfig {
  const problems: string[] = [];
  const raw = (key: keyof GustConfig) => flags[key] ?? env[ENV_NAMES[key]];
  const describe = (key: keyof GustConfig) => `${key} (${ENV_NAMES[key]})`;

  const number = (key: keyof GustConfig, min: number, max: number, integer = true): number => {
    const value = raw(key);
    if (value === undefined || value === '') return DEFAULTS[key] as number;
    const n = Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      problems.push(`${describe(key)} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${value}"`);
      return DEFAULTS[key] as number;
    }
    return n;
  };
  const text = (key: keyof GustConfig, pattern: RegExp, rule: string): string => {
    const value = raw(key);
    if (value === undefined || value === '') return DEFAULTS[key] as string;
    if (!pattern.test(String(value))) problems.push(`${describe(key)} ${rule}, got "${value}"`);
    return String(value);
  };

  const boolean = (key: keyof GustConfig): boolean => {
    const value = raw(key);
    if (value === undefined || value === '') return DEFAULTS[key] as boolean;
    if (['true', 'on', '1'].includes(String(value))) return true;
    if (['false', 'off', '0'].includes(String(value))) return false;
    problems.push(`${describe(key)} must be on or off, got "${value}"`);
    return DEFAULTS[key] as boolean;
  };

  const config: GustConfig = {
    host: text('host', /^[\w.:-]+$/, 'must be a host name or IP address'),
    port: number('port', 0, 65535),
    dataDir: path.resolve(text('dataDir', /./, 'must be a path')),
    databaseUrl: raw('databaseUrl') ? text('databaseUrl', /^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// connection URL') : null,
    sharedDir: raw('sharedDir') ? path.resolve(text('sharedDir', /./, 'must be a path')) : null,
    leaseSeconds: number('leaseSeconds', 2, 3600, false),
    region: text('region', /^[a-z]{2}(-[a-z]+)+-\d$/, 'must look like an AWS region, e.g. us-east-1'),
    accountId: text('accountId', /^\d{12}$/, 'must be 12 digits'),
    keepAliveSeconds: number('keepAliveSeconds', 0, 86400, false),
    memoryFloorMb: number('memoryFloorMb', 0, 1024 * 1024),
    concurrencyLimit: number('concurrencyLimit', 1, 100000),
    asyncRetryDelaySeconds: number('asyncRetryDelaySeconds', 0, 3600, false),
    asyncParallelism: number('asyncParallelism', 1, 100000),
    idempotencyWindowSeconds: number('idempotencyWindowSeconds', 1, 7 * 86400),
    pricePerGbSecond: number('pricePerGbSecond', 0, 1, false),
    pricePerMillionRequests: number('pricePerMillionRequests', 0, 1000, false),
    memoryEnforcement: text('memoryEnforcement', /^(auto|cgroup|none)$/, 'must be auto, cgroup or none') as GustConfig['memoryEnforcement'],
    auth: boolean('auth'),
    sandbox: text('sandbox', /^(namespaces|process)$/, 'must be namespaces or process') as GustConfig['sandbox'],
    logGroupMaxMb: number('logGroupMaxMb', 0, 1024 * 1024),
    maxConnections: number('maxConnections', 1, 1_000_000),
    maxConnectionsPerClient: number('maxConnectionsPerClient', 1, 1_000_000),
    minBodyRate: number('minBodyRate', 0, 1_000_000_000),
    shutdownTimeoutSeconds: number('shutdownTimeoutSeconds', 0, 3600, false),
    historyMaxKb: number('historyMaxKb', 0, 6 * 1024),
    historyPerFunction: number('historyPerFunction', 1, 100_000),
    historyDays: number('historyDays', 1, 365),
    metricsPort: ['off', undefined, ''].includes(raw('metricsPort') as string | undefined) ? null : number('metricsPort', 0, 65535),
    otlpEndpoint: otlpEndpoint(raw('otlpEndpoint') ?? env.OTEL_EXPORTER_OTLP_ENDPOINT, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** The collector's base URL: flag, GUST_OTLP_ENDPOINT, then OpenTelemetry's own OTEL_EXPORTER_OTLP_ENDPOINT. */
function otlpEndpoint(value: string | number | boolean | undefined, problems: string[]): string | null {
  if (value === undefined || value === '' || value === 'off') return null;
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    problems.push(`otlpEndpoint (GUST_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT) must be an http(s) URL, got "${value}"`);
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`otlpEndpoint (GUST_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT) must be an http(s) URL, got "${value}"`);
    return null;
  }
  return url.toString().replace(/\/+$/, '');
}
