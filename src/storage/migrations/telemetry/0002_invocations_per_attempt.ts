// Metering keeps one row per attempt (an async event retried twice is three rows with the same
// request id): the table is rebuilt with a row id as its key, keeping every row.
import type { Kysely } from 'kysely';
import { columnsOf, type Migration } from '../migration.js';
import { invocationColumns, telemetryTypes } from './0001_initial.js';

const COLUMNS = ['request_id', 'function_name', 'version', 'started_at', 'duration_ms', 'billed_ms', 'memory_mb', 'max_memory_used_mb', 'gb_seconds', 'cold', 'init_duration_ms', 'outcome'];

async function up(db: Kysely<any>): Promise<void> {
  // A data directory from between d6974dd and migrations has the new shape already.
  if (!(await columnsOf(db, 'invocations')).includes('id')) {
    await db.schema.dropIndex('invocations_function_time').ifExists().execute();
    await db.schema.alterTable('invocations').renameTo('invocations_by_request').execute();
    await db.schema.createTable('invocations')
      .addColumn('id', telemetryTypes(db).rowId, (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .$call((b) => invocationColumns(b, telemetryTypes(db)))
      .execute();
    await db.insertInto('invocations').columns(COLUMNS).expression(db.selectFrom('invocations_by_request').select(COLUMNS)).execute();
    await db.schema.dropTable('invocations_by_request').execute();
  }
  await db.schema.createIndex('invocations_function_time').ifNotExists().on('invocations').columns(['function_name', 'started_at']).execute();
  await db.schema.createIndex('invocations_request').ifNotExists().on('invocations').column('request_id').execute();
}

export const invocationsPerAttempt: Migration = { version: 2, name: '0002_invocations_per_attempt', up };
