// Lambda layers (PublishLayerVersion and friends): one row per layer name with the highest version
// ever published (numbers are never reused, even after every version is deleted), and one row
// per layer version with its configuration and its resource policy, as JSON.
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('layers').ifNotExists()
    .addColumn('layer_name', 'text', (c) => c.primaryKey())
    .addColumn('last_version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createTable('layer_versions').ifNotExists()
    .addColumn('layer_name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // LayerVersionRecord without its policy
    .addColumn('config', 'text', (c) => c.notNull())
    // AddLayerVersionPermission's statements and revision, or null before the first
    .addColumn('policy', 'text')
    .addPrimaryKeyConstraint('layer_versions_pk', ['layer_name', 'version'])
    .execute();
}

export const layers: Migration = { version: 5, name: '0005_layers', up };
