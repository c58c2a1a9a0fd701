// The settings of an event-source mapping whose source lives outside Gust (MQTT, NATS, JetStream,
// RabbitMQ, Redis streams, a PostgreSQL table), read from Lambda's own fields for self-managed
// sources: SelfManagedEventSource.Endpoints, Topics, Queues, StartingPosition, the stream retry
// settings and DestinationConfig.OnFailure. Each problem is an InvalidParameterValueException.
import { invalidParameter } from '../errors.js';
import type { BrokerKind, BrokerSourceSpec } from '../storage/event-source-mapping-store.js';

/** The key of SelfManagedEventSource.Endpoints that names each kind, and the URL schemes it takes. */
export const ENDPOINT_KINDS: Record<string, { kind: BrokerKind; schemes: string[] }> = {
  MQTT_BROKER_URLS: { kind: 'mqtt', schemes: ['mqtt:', 'mqtts:'] },
  NATS_SERVERS: { kind: 'nats', schemes: ['nats:', 'tls:'] },
  NATS_JETSTREAM_SERVERS: { kind: 'jetstream', schemes: ['nats:', 'tls:'] },
  RABBITMQ_URLS: { kind: 'rabbitmq', schemes: ['amqp:', 'amqps:'] },
  REDIS_URLS: { kind: 'redis', schemes: ['redis:', 'rediss:'] },
  POSTGRESQL_URLS: { kind: 'postgres', schemes: ['postgres:', 'postgresql:'] },
};

/** BatchSize when none is given: an IoT rule hands over one message; Lambda's streams and MQ take 100. */
export const DEFAULT_BATCH: Record<BrokerKind, number> = { mqtt: 1, nats: 100, jetstream: 100, rabbitmq: 100, redis: 100, postgres: 100 };
export const BROKER_MAX_BATCH = 10_000;
const MAX_URLS = 10;
const MAX_RETRIES = 10_000;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;

const list = (value: unknown, key: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '' || v.length > 500 || /[\u0000-\u001f]/.test(v))) {
    throw invalidParameter(`${key} must be a list of non-empty strings of at most 500 characters.`);
  }
  return value as string[];
};

/** The source of a CreateEventSourceMapping that has SelfManagedEventSource. */
export function parseBrokerSource(body: Record<string, unknown>): BrokerSourceSpec {
  const source = body.SelfManagedEventSource as { Endpoints?: unknown } | null;
  if (typeof source !== 'object' || source === null || typeof source.Endpoints !== 'object' || source.Endpoints === null) {
    throw invalidParameter('SelfManagedEventSource must be {"Endpoints": {"<KIND>": ["url", ...]}}.');
  }
  const keys = Object.keys(source.Endpoints);
  if (keys.length !== 1 || !ENDPOINT_KINDS[keys[0]]) {
    throw invalidParameter(`SelfManagedEventSource.Endpoints must have exactly one of ${Object.keys(ENDPOINT_KINDS).join(', ')}.`);
  }
  const { kind, schemes } = ENDPOINT_KINDS[keys[0]];
  const urls = list((source.Endpoints as Record<string, unknown>)[keys[0]], `Endpoints.${keys[0]}`);
  if (urls.length === 0 || urls.length > MAX_URLS) throw invalidParameter(`Endpoints.${keys[0]} must list 1 to ${MAX_URLS} URLs.`);
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidParameter(`${redactUrl(url)} is not a URL.`);
    }
    if (!schemes.includes(parsed.protocol) || parsed.hostname === '') throw invalidParameter(`${redactUrl(url)}: ${keys[0]} takes ${schemes.join(' or ')} URLs with a host.`);
  }
  const topics = list(body.Topics, 'Topics');
  const queues = list(body.Queues, 'Queues');
  if (kind === 'rabbitmq') {
    if (queues.length !== 1 || topics.length > 0) throw invalidParameter('A RabbitMQ source takes exactly one queue in Queues, and no Topics.');
  } else {
    if (queues.length > 0) throw invalidParameter('Queues is for RabbitMQ sources; name what to consume in Topics.');
    if (topics.length !== 1) throw invalidParameter(kind === 'jetstream' ? 'Topics must name one JetStream stream.' : 'Topics must name exactly one topic, subject, stream or table.');
  }
  if (kind === 'postgres' && !TABLE_NAME.test(topics[0])) throw invalidParameter('Topics must name one table as table or schema.table (letters, digits, _ and $).');
  const spec: BrokerSourceSpec = { kind, urls, topics, queues, bisectBatchOnFunctionError: false, maximumRetryAttempts: -1 };
  const positioned = kind === 'jetstream' || kind === 'redis' || kind === 'postgres';
  if (body.StartingPosition !== undefined) {
    if (!positioned) throw invalidParameter(`Unsupported StartingPosition parameter for a ${kind} source (it delivers what arrives once subscribed).`);
    if (body.StartingPosition !== 'TRIM_HORIZON' && body.StartingPosition !== 'LATEST') throw invalidParameter('StartingPosition must be TRIM_HORIZON or LATEST.');
    spec.startingPosition = body.StartingPosition;
  } else if (positioned) {
    throw invalidParameter('StartingPosition is required for this event source (TRIM_HORIZON or LATEST).');
  }
  applyBrokerDelivery(spec, body);
  return spec;
}

/** The delivery settings Create and Update share: retries, bisection, the failure destination. */
export function applyBrokerDelivery(spec: BrokerSourceSpec, body: Record<string, unknown>): void {
  if (body.BisectBatchOnFunctionError !== undefined) {
    if (typeof body.BisectBatchOnFunctionError !== 'boolean') throw invalidParameter('BisectBatchOnFunctionError must be a boolean.');
    spec.bisectBatchOnFunctionError = body.BisectBatchOnFunctionError;
  }
  const retries = body.MaximumRetryAttempts;
  if (retries !== undefined) {
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < -1 || retries > MAX_RETRIES) throw invalidParameter(`MaximumRetryAttempts must be between -1 and ${MAX_RETRIES}.`);
    spec.maximumRetryAttempts = retries;
  }
  if (body.DestinationConfig !== undefined) {
    const config = body.DestinationConfig as { OnFailure?: { Destination?: unknown } } | null;
    if (typeof config !== 'object' || config === null) throw invalidParameter('DestinationConfig must be an object.');
    const destination = config.OnFailure?.Destination;
    if (destination !== undefined && typeof destination !== 'string') throw invalidParameter('DestinationConfig.OnFailure.Destination must be a queue ARN.');
    spec.onFailure = destination || undefined;
  }
}

/** A URL without its password, as the API shows it back. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//****@').slice(0, 200);
  }
}

/** The EventSourceArn Gust keeps for a broker mapping (its identity for conflicts and list filters). */
export function brokerSourceId(spec: BrokerSourceSpec): string {
  const hosts = spec.urls.map((u) => new URL(u).host).join(',');
  return `arn:gust:${spec.kind}:::${hosts}/${[...spec.topics, ...spec.queues].join(',')}`;
}
