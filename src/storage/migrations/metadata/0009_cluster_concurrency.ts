// What the nodes of a cluster hold of the shared concurrency budgets: each node's lease (renewed
// while it lives), the slots it holds per budget (a reserved function, or the unreserved pool),
// and named leases one node holds at a time (which node keeps provisioned instances warm). A
// single node (SQLite) never writes them. And how many provisioned instances the node keeping
// them has ready, for the other nodes to report.
import type { Kysely } from 'kysely';
import { columnTypes } from '../../dialect.js';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('cluster_nodes').ifNotExists()
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('lease_until', t.millis, (c) => c.notNull())
    .execute();
  await db.schema.createTable('concurrency_holds').ifNotExists()
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('budget', 'text', (c) => c.notNull())
    .addColumn('held', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('concurrency_holds_pk', ['budget', 'node_id'])
    .execute();
  await db.schema.createTable('cluster_leases').ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('lease_until', t.millis, (c) => c.notNull())
    .execute();
  await db.schema.createTable('provisioned_status').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('available', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('provisioned_status_pk', ['function_name', 'qualifier'])
    .execute();
}

export const clusterConcurrency: Migration = { version: 9, name: '0009_cluster_concurrency', up };
