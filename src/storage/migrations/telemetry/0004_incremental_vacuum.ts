// SQLite only. Log retention deletes from telemetry.db all the time; with auto_vacuum=INCREMENTAL
// the log store can give freed pages back to the file system in small steps, so the file shrinks
// after a big delete. A database created before this setting is converted once by a VACUUM (it
// rewrites the file: time and temporary space in proportion to its size), which SQLite refuses
// inside a transaction. A new telemetry.db gets the setting before its first table (database.ts).
import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Migration } from '../migration.js';

const INCREMENTAL = 2;

async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  const { rows } = await sql<{ auto_vacuum: number }>`PRAGMA auto_vacuum`.execute(db);
  if (rows[0]?.auto_vacuum === INCREMENTAL) return;
  await sql`PRAGMA auto_vacuum = INCREMENTAL`.execute(db);
  await sql`VACUUM`.execute(db);
}

export const incrementalVacuum: Migration = { version: 4, name: '0004_incremental_vacuum', up, transactional: false };
