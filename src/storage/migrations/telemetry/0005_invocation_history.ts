// Invocation history for the console: each synchronous invocation's payload and response (cut to
// a configured size), so that it can be looked at and replayed. Bounded per function and in age
// by storage/invocation-history-store.ts; its timing and outcome stay in the invocations table.
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';
import { telemetryTypes } from './0001_initial.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('invocation_history').ifNotExists()
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('started_at', telemetryTypes(db).millis, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('payload_truncated', 'integer', (c) => c.notNull())
    .addColumn('response', 'text')
    .addColumn('response_truncated', 'integer', (c) => c.notNull())
    .addColumn('function_error', 'text')
    .execute();
  await db.schema.createIndex('invocation_history_by_function').ifNotExists().on('invocation_history').columns(['function_name', 'started_at']).execute();
}

export const invocationHistory: Migration = { version: 5, name: '0005_invocation_history', up };
