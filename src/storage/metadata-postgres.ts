// Metadata on PostgreSQL, for a cluster: every node opens the same database and runs the same
// stores over Kysely's PostgresDialect. Migrations run under an advisory lock, so that nodes
// started together apply each one once (one lock per schema); text columns are created
// byte-ordered (dialect.ts).
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ByteOrderTextPlugin } from './dialect.js';
import type { MetadataTables } from './metadata-tables.js';
import { migrate } from './migrations/migration.js';
import { metadataMigrations } from './migrations/metadata/index.js';
import type { Migration } from './migrations/migration.js';

/** Any number would do; this one spells "gust" in ASCII, so it is recognisable in pg_locks. */
const MIGRATION_LOCK = 0x67757374;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// Milliseconds and counts come back as numbers, as they do from SQLite: bigint (int8) and the
// numeric that sum() over a bigint gives. Every value stored is far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export interface PostgresPoolOptions {
  /** Connections this node keeps at most (default 10). */
  max?: number;
  /** How long an idle connection is kept (default 10 s). */
  idleTimeoutMillis?: number;
}

/** Where a URL points, without its password: what an error message may show. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the configured database';
  }
}

export function openPostgresMetadata(url: string, schema?: string, options: PostgresPoolOptions = {}): Promise<Kysely<MetadataTables>> {
  return openPostgresDatabase<MetadataTables>(url, schema, metadataMigrations, options);
}

/** A pool on `schema` (created if missing) brought up to date with `migrations`. */
export async function openPostgresDatabase<T>(url: string, schema: string | undefined, migrations: readonly Migration[], options: PostgresPoolOptions = {}): Promise<Kysely<T>> {
  try {
    return (await open(url, schema, migrations, options)) as Kysely<T>;
  } catch (err) {
    throw new Error(`cannot open the PostgreSQL database ${describeUrl(url)}: ${(err as Error)?.message ?? err}`, { cause: err });
  }
}

async function open(url: string, schema: string | undefined, migrations: readonly Migration[], options: PostgresPoolOptions): Promise<Kysely<any>> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}" (lower-case letters, digits and _)`);
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 10_000,
    types,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  // A connection dropped while idle (the server restarted) is replaced on next use; without a
  // listener the pool's 'error' event would end the process.
  pool.on('error', () => {});
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  try {
    await db.withPlugin(new ByteOrderTextPlugin()).connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK}, hashtext(current_schema()))`.execute(conn);
      try {
        await migrate(conn, migrations);
      } finally {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK}, hashtext(current_schema()))`.execute(conn);
      }
    });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}
