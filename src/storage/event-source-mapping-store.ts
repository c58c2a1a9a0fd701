// Lambda event-source mappings as an async interface with its SQLite implementation: one row
// per mapping, keyed by UUID, its settings as JSON. The queue pollers load them all at start-up.
import type { MetadataDb } from './metadata-tables.js';

export type MappingState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

export interface EventSourceMappingRecord {
  uuid: string;
  functionName: string;
  /** The version or alias named when the mapping was made; undefined: $LATEST. */
  qualifier?: string;
  eventSourceArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  enabled: boolean;
  state: MappingState;
  stateTransitionReason: string;
  /** Milliseconds since the epoch. */
  lastModified: number;
  lastProcessingResult: string;
  /** FilterCriteria as given ({Filters: [{Pattern}]}), when any. */
  filterCriteria?: { Filters: { Pattern: string }[] };
  maximumConcurrency?: number;
  functionResponseTypes: string[];
  /** A source outside Gust (a broker or a PostgreSQL table): how to reach it and how to deliver. */
  broker?: BrokerSourceSpec;
}

export type BrokerKind = 'mqtt' | 'nats' | 'jetstream' | 'rabbitmq' | 'redis' | 'postgres';

export interface BrokerSourceSpec {
  kind: BrokerKind;
  /** Connection URLs as given (credentials included: never shown back, see redactUrl). */
  urls: string[];
  /** MQTT topic filters, NATS subjects, Redis streams, PostgreSQL tables; or the JetStream stream. */
  topics: string[];
  /** RabbitMQ queues. */
  queues: string[];
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  bisectBatchOnFunctionError: boolean;
  /** -1: until the function succeeds (Lambda's default for streams). */
  maximumRetryAttempts: number;
  /** DestinationConfig.OnFailure.Destination: a Gust queue's ARN. */
  onFailure?: string;
}

export interface EventSourceMappingStore {
  get(uuid: string): Promise<EventSourceMappingRecord | undefined>;
  put(mapping: EventSourceMappingRecord): Promise<void>;
  delete(uuid: string): Promise<boolean>;
  /** All mappings, or those of one function and/or one source, in UUID order. */
  list(filter?: { functionName?: string; eventSourceArn?: string }): Promise<EventSourceMappingRecord[]>;
}

export class SqlEventSourceMappingStore implements EventSourceMappingStore {
  constructor(private readonly db: MetadataDb) {}

  async get(uuid: string) {
    const row = await this.db.selectFrom('event_source_mappings').select('config').where('uuid', '=', uuid).executeTakeFirst();
    return row && (JSON.parse(row.config) as EventSourceMappingRecord);
  }

  async put(m: EventSourceMappingRecord) {
    const row = { uuid: m.uuid, function_name: m.functionName, event_source_arn: m.eventSourceArn, config: JSON.stringify(m) };
    await this.db
      .insertInto('event_source_mappings')
      .values(row)
      .onConflict((oc) => oc.column('uuid').doUpdateSet({ function_name: row.function_name, event_source_arn: row.event_source_arn, config: row.config }))
      .execute();
  }

  async delete(uuid: string) {
    const result = await this.db.deleteFrom('event_source_mappings').where('uuid', '=', uuid).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(filter: { functionName?: string; eventSourceArn?: string } = {}) {
    let q = this.db.selectFrom('event_source_mappings').select('config').orderBy('uuid');
    if (filter.functionName !== undefined) q = q.where('function_name', '=', filter.functionName);
    if (filter.eventSourceArn !== undefined) q = q.where('event_source_arn', '=', filter.eventSourceArn);
    return (await q.execute()).map((r) => JSON.parse(r.config) as EventSourceMappingRecord);
  }
}
