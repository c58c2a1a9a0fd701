// The telemetry schema as Gust wrote it before migrations existed (commit d6974dd): log streams
// and events, and metering keyed by request id. Created only if missing. On PostgreSQL (a cluster's
// shared telemetry) times are bigint and ids bigserial; on SQLite the schema is exactly as it was.
import type { Kysely } from 'kysely';
import { columnTypes, isPostgres } from '../../dialect.js';
import type { Migration } from '../migration.js';

/** Column types of the telemetry tables: SQLite's stay what they always were. */
export function telemetryTypes(db: Kysely<any>) {
  const t = columnTypes(db);
  // SQLite: INTEGER PRIMARY KEY (a rowid, without AUTOINCREMENT), as telemetry.db always had.
  return { millis: t.millis, real: t.double, rowId: t.serial };
}

async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  const t = telemetryTypes(db);
  await s.createTable('log_streams').ifNotExists()
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('first_event_at', t.millis)
    .addColumn('last_event_at', t.millis)
    .addColumn('last_ingested_at', t.millis)
    .addColumn('stored_bytes', t.millis, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('log_streams_pk', ['group_name', 'stream_name'])
    .execute();
  await s.createTable('log_events').ifNotExists()
    .addColumn('id', t.rowId, (c) => c.primaryKey())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .addColumn('timestamp', t.millis, (c) => c.notNull())
    .addColumn('ingested_at', t.millis, (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('log_events_stream').ifNotExists().on('log_events').columns(['group_name', 'stream_name', 'id']).execute();
  await s.createIndex('log_events_group_time').ifNotExists().on('log_events').columns(['group_name', 'timestamp', 'id']).execute();
  // PostgreSQL starts in the shape 0002 gives SQLite (one row per attempt), which 0002 then keeps.
  const pg = isPostgres(db);
  await s.createTable('invocations').ifNotExists()
    .$call((b) => (pg ? b.addColumn('id', t.rowId, (c) => c.primaryKey()).addColumn('request_id', 'text', (c) => c.notNull()) : b.addColumn('request_id', 'text', (c) => c.primaryKey())))
    .$call((b) => invocationColumns(b, t))
    .execute();
  await s.createIndex('invocations_function_time').ifNotExists().on('invocations').columns(['function_name', 'started_at']).execute();
}

/** The columns of a metering row after its key (request id before 0002, a row id since). */
export function invocationColumns<T extends { addColumn: (...args: any[]) => T }>(b: T, t: ReturnType<typeof telemetryTypes>): T {
  return b
    .addColumn('function_name', 'text', (c: any) => c.notNull())
    .addColumn('version', 'text', (c: any) => c.notNull())
    .addColumn('started_at', t.millis, (c: any) => c.notNull())
    .addColumn('duration_ms', t.real, (c: any) => c.notNull())
    .addColumn('billed_ms', t.millis, (c: any) => c.notNull())
    .addColumn('memory_mb', 'integer', (c: any) => c.notNull())
    .addColumn('max_memory_used_mb', 'integer', (c: any) => c.notNull())
    .addColumn('gb_seconds', t.real, (c: any) => c.notNull())
    .addColumn('cold', 'integer', (c: any) => c.notNull())
    .addColumn('init_duration_ms', t.real)
    .addColumn('outcome', 'text', (c: any) => c.notNull());
}

export const initial: Migration = { version: 1, name: '0001_initial', up };
