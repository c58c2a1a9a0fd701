// The metadata schema as Gust wrote it before migrations existed (commit d6974dd). Every table is
// created only if missing, so a data directory from then passes through this step unchanged.
import type { Kysely } from 'kysely';
import { columnTypes } from '../../dialect.js';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  const t = columnTypes(db);
  await s.createTable('function_versions').ifNotExists()
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('function_versions_pk', ['name', 'version'])
    .execute();
  await s.createTable('reserved_concurrency').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.primaryKey())
    .addColumn('reserved', 'integer', (c) => c.notNull())
    .execute();
  await s.createTable('event_invoke_configs').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_invoke_configs_pk', ['function_name', 'qualifier'])
    .execute();
  await s.createTable('dead_letters').ifNotExists()
    .addColumn('id', t.serial, (c) => (t.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('payload', t.bytes, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .execute();
  await s.createTable('idempotency_keys').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['function_name', 'idempotency_key'])
    .execute();
  await s.createIndex('idempotency_keys_age').ifNotExists().on('idempotency_keys').column('created_at').execute();
  await s.createTable('http_routes').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('route_shape', 'text', (c) => c.notNull().unique())
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('payload_format', 'text', (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .execute();
  await s.createTable('function_urls').ifNotExists()
    .addColumn('url_id', 'text', (c) => c.primaryKey())
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addUniqueConstraint('function_urls_function', ['function_name', 'qualifier'])
    .execute();
  await s.createTable('gateway_settings').ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await s.createTable('schedules').ifNotExists()
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('next_run_at', t.millis)
    .addPrimaryKeyConstraint('schedules_pk', ['group_name', 'name'])
    .execute();
  await s.createIndex('schedules_next').ifNotExists().on('schedules').column('next_run_at').execute();
  await s.createTable('aliases').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('aliases_pk', ['function_name', 'name'])
    .execute();
  await s.createTable('provisioned_concurrency').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('requested', 'integer', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('provisioned_concurrency_pk', ['function_name', 'qualifier'])
    .execute();
  await s.createTable('async_events').ifNotExists()
    .addColumn('id', t.serial, (c) => (t.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('function_name', 'text', (c) => c.notNull())
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('payload', t.bytes, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', t.millis, (c) => c.notNull())
    .addColumn('lease_until', t.millis, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .execute();
  // The claim query orders by (due_at, id): this index is what keeps it fast (see DESIGN.md).
  await s.createIndex('async_events_due').ifNotExists().on('async_events').columns(['due_at', 'id']).execute();
  await s.createTable('access_keys').ifNotExists()
    .addColumn('access_key_id', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    // 'admin', or 'function:NAME' for the credentials a function runs with
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('admin'))
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('revoked_at', t.millis)
    .execute();
}

export const initial: Migration = { version: 1, name: '0001_initial', up };
