// better-sqlite3 as Kysely's SQLite dialect sees it, with prepared statements kept by their SQL:
// Kysely prepares every query it runs, and preparing costs as much as running a short query
// (the async queue's claim + ack took 1.5× as long without this). Queries are built from a fixed
// set of shapes, so the cache stays small; it is bounded all the same.
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_STATEMENTS = 500;

export function withStatementCache(db: Database): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (!stmt) {
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        stmt = db.prepare(sql);
        statements.set(sql, stmt);
      }
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
