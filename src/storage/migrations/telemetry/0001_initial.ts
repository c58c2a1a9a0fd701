// The telemetry schema as Gust wrote it before migrations existed (commit d6974dd): log streams
// and events, and metering keyed by request id. Created only if missing.
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  await s.createTable('log_streams').ifNotExists()
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('first_event_at', 'integer')
    .addColumn('last_event_at', 'integer')
    .addColumn('last_ingested_at', 'integer')
    .addColumn('stored_bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('log_streams_pk', ['group_name', 'stream_name'])
    .execute();
  await s.createTable('log_events').ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'integer', (c) => c.notNull())
    .addColumn('ingested_at', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('log_events_stream').ifNotExists().on('log_events').columns(['group_name', 'stream_name', 'id']).execute();
  await s.createIndex('log_events_group_time').ifNotExists().on('log_events').columns(['group_name', 'timestamp', 'id']).execute();
  await s.createTable('invocations').ifNotExists()
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .$call(invocationColumns)
    .execute();
  await s.createIndex('invocations_function_time').ifNotExists().on('invocations').columns(['function_name', 'started_at']).execute();
}

/** The columns of a metering row after its key (request id before 0002, a row id since). */
export function invocationColumns<T extends { addColumn: (...args: any[]) => T }>(t: T): T {
  return t
    .addColumn('function_name', 'text', (c: any) => c.notNull())
    .addColumn('version', 'text', (c: any) => c.notNull())
    .addColumn('started_at', 'integer', (c: any) => c.notNull())
    .addColumn('duration_ms', 'real', (c: any) => c.notNull())
    .addColumn('billed_ms', 'integer', (c: any) => c.notNull())
    .addColumn('memory_mb', 'integer', (c: any) => c.notNull())
    .addColumn('max_memory_used_mb', 'integer', (c: any) => c.notNull())
    .addColumn('gb_seconds', 'real', (c: any) => c.notNull())
    .addColumn('cold', 'integer', (c: any) => c.notNull())
    .addColumn('init_duration_ms', 'real')
    .addColumn('outcome', 'text', (c: any) => c.notNull());
}

export const initial: Migration = { version: 1, name: '0001_initial', up };
