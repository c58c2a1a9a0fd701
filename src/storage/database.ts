// Opens the databases and brings their schema up to date with the numbered migrations in
// migrations/. Metadata (what Gust acknowledged to a client: functions, queued async events) is
// metadata.db, which syncs every commit, or a PostgreSQL database shared by the nodes of a cluster
// (metadata-postgres.ts); telemetry.db holds logs and metering, which are written far more often,
// so it syncs less (WAL survives kill -9 either way). A cluster's telemetry goes to the same
// PostgreSQL database, in a schema of its own (telemetry-stores.ts).
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import type { MetadataTables } from './metadata-tables.js';
import { migrate } from './migrations/migration.js';
import { metadataMigrations } from './migrations/metadata/index.js';
import { telemetryMigrations } from './migrations/telemetry/index.js';
import { withStatementCache } from './statement-cache.js';
import { openPostgresDatabase, openPostgresMetadata } from './metadata-postgres.js';

export type Db = Database.Database;

function open(file: string, synchronous: 'FULL' | 'NORMAL', opts: { incrementalVacuum?: boolean } = {}): Db {
  const db = new Database(file);
  // Must come before the first table exists to take effect without a VACUUM (a telemetry.db from
  // before the setting is converted by migration 0004).
  if (opts.incrementalVacuum) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  // The WAL is truncated back to 64 MB after checkpoints, so it does not keep freed space either.
  if (opts.incrementalVacuum) db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  return db;
}

export interface Databases {
  /** metadata.db through Kysely: every metadata store queries it this way. */
  metadataSql: Kysely<MetadataTables>;
  /** The raw handles: telemetry's own stores (log-store, metering) use prepared statements. */
  metadata?: Db;
  /** A PostgreSQL connection string when metadata is there (a cluster), else undefined. */
  databaseUrl?: string;
  telemetry: Db;
  /** Telemetry shared by a cluster's nodes (its own schema of the PostgreSQL database), else undefined. */
  telemetryPostgres?: Kysely<any>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… : metadata on PostgreSQL instead of the data directory's metadata.db. */
  databaseUrl?: string;
  /** A PostgreSQL schema to use (created if missing) instead of the connection's default. */
  schema?: string;
}

/**
 * The schema of a cluster's telemetry: its own, so that its migrations are numbered apart from the
 * metadata's (each schema has its schema_migrations) and it can be dropped or moved on its own.
 */
export function telemetrySchema(metadataSchema?: string): string {
  return metadataSchema ? `${metadataSchema}_telemetry` : 'gust_telemetry';
}

/** Opens (creating if need be) and migrates both databases of a data directory. */
export async function openDatabases(dataDir: string, options: DatabaseOptions = {}): Promise<Databases> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Access keys and function code live here: readable by Gust's user only.
  fs.chmodSync(dataDir, 0o700);
  const telemetry = open(path.join(dataDir, 'telemetry.db'), 'NORMAL', { incrementalVacuum: true });
  const telemetrySql = new Kysely<any>({ dialect: new SqliteDialect({ database: telemetry }) });
  let metadata: Db | undefined;
  let metadataSql: Kysely<MetadataTables> | undefined;
  let telemetryPostgres: Kysely<any> | undefined;
  try {
    if (options.databaseUrl) {
      metadataSql = await openPostgresMetadata(options.databaseUrl, options.schema);
      // Few connections: one batch at a time writes, and reads are the API's, not the hot path's.
      telemetryPostgres = await openPostgresDatabase(options.databaseUrl, telemetrySchema(options.schema), telemetryMigrations, { max: 4 });
    } else {
      metadata = open(path.join(dataDir, 'metadata.db'), 'FULL');
      metadataSql = new Kysely<MetadataTables>({ dialect: new SqliteDialect({ database: withStatementCache(metadata) }) });
      await migrate(metadataSql, metadataMigrations);
    }
    await migrate(telemetrySql, telemetryMigrations);
  } catch (err) {
    if (options.databaseUrl) await metadataSql?.destroy();
    await telemetryPostgres?.destroy();
    metadata?.close();
    telemetry.close();
    throw err;
  }
  return {
    metadataSql,
    metadata,
    databaseUrl: options.databaseUrl,
    telemetry,
    telemetryPostgres,
    async close() {
      // Kysely's destroy() closes the better-sqlite3 handle it was given.
      await metadataSql!.destroy();
      await telemetryPostgres?.destroy();
      await telemetrySql.destroy();
    },
  };
}
