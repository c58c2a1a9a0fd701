// Log groups of their own: a group outlives its streams (retention and the size cap may empty
// it) and keeps its retention setting; stored_bytes is the UTF-8 size of its events' messages.
// Groups written before were implied by their streams, and are backfilled from them.
import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migration.js';
import { telemetryTypes } from './0001_initial.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('log_groups').ifNotExists()
    .addColumn('group_name', 'text', (c) => c.primaryKey())
    .addColumn('created_at', telemetryTypes(db).millis, (c) => c.notNull())
    .addColumn('retention_days', 'integer')
    .addColumn('stored_bytes', telemetryTypes(db).millis, (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .insertInto('log_groups')
    .columns(['group_name', 'created_at', 'stored_bytes'])
    .expression(db.selectFrom('log_streams').select(['group_name', sql`min(created_at)`.as('created_at'), sql`sum(stored_bytes)`.as('stored_bytes')]).groupBy('group_name'))
    .onConflict((oc) => oc.column('group_name').doNothing())
    .execute();
}

export const logGroups: Migration = { version: 3, name: '0003_log_groups', up };
