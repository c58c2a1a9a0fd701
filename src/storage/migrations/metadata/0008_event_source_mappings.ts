// Lambda event-source mappings (queue → function): one row per mapping, its settings as JSON,
// so that the pollers resume after a restart.
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('event_source_mappings').ifNotExists()
    .addColumn('uuid', 'text', (c) => c.primaryKey())
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('event_source_arn', 'text', (c) => c.notNull())
    // the mapping as Gust keeps it (BatchSize, Enabled, FilterCriteria...), JSON
    .addColumn('config', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_source_mappings_function').ifNotExists().on('event_source_mappings').column('function_name').execute();
}

export const eventSourceMappings: Migration = { version: 8, name: '0008_event_source_mappings', up };
