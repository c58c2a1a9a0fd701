// How the schema changes: numbered migrations, applied once each and in order at start-up, each
// recorded in the database's schema_migrations table. A migration that cannot run inside a
// transaction (SQLite's VACUUM) says so; every other one commits together with its record.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export interface Migration {
  /** Its number: the prefix of its file name, 1, 2, 3… without gaps. */
  version: number;
  name: string;
  up(db: Kysely<any>): Promise<void>;
  /** False for a step SQLite refuses inside a transaction (VACUUM). */
  transactional?: boolean;
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: number;
}

/** Applies the migrations the database lacks; returns those it applied now. */
export async function migrate(db: Kysely<any>, migrations: readonly Migration[], now = Date.now): Promise<AppliedMigration[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => Number(r.version)));
  const newer = (await db.selectFrom('schema_migrations').select(sql<number>`max(version)`.as('v')).executeTakeFirst())?.v ?? 0;
  if (newer > migrations.length) throw new Error(`this database was written by a newer Gust (schema version ${newer}; this one knows ${migrations.length})`);
  const applied: AppliedMigration[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const record = { version: m.version, name: m.name, applied_at: now() };
    if (m.transactional === false) {
      await m.up(db);
      await db.insertInto('schema_migrations').values(record).execute();
    } else {
      await db.transaction().execute(async (tx) => {
        await m.up(tx);
        await tx.insertInto('schema_migrations').values(record).execute();
      });
    }
    applied.push({ version: m.version, name: m.name, appliedAt: record.applied_at });
  }
  return applied;
}

/** The columns of a table as the database reports them ([] when the table does not exist). */
export async function columnsOf(db: Kysely<any>, table: string): Promise<string[]> {
  if (isPostgres(db)) {
    // Kysely's introspection lists the tables of every schema: only the one in use counts here.
    const rows = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`.execute(db);
    return rows.rows.map((r) => r.column_name);
  }
  const tables = await db.introspection.getTables();
  return tables.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];
}
