// Throttled async events count their own retries (times put back without running), so that their
// backoff grows; before, only attempts were counted.
import type { Kysely } from 'kysely';
import { columnsOf, type Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  // A data directory from between d6974dd and migrations already has the column.
  if ((await columnsOf(db, 'async_events')).includes('throttles')) return;
  await db.schema.alterTable('async_events').addColumn('throttles', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export const asyncEventThrottles: Migration = { version: 2, name: '0002_async_event_throttles', up };
