// Functions and their versions in metadata.db. The rest of Gust sees FunctionRecords, never SQL.
import type { FunctionRecord } from '../control/function-record.js';
import type { Db } from './database.js';

export class FunctionStore {
  /** Every invocation reads its function; records are immutable, so they are cached as read. */
  private readonly cache = new Map<string, FunctionRecord>();
  private readonly getStmt;
  private readonly putStmt;
  private readonly listStmt;
  private readonly deleteStmt;
  private readonly codeUsersStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string, string], { config: string }>('SELECT config FROM function_versions WHERE name = ? AND version = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO function_versions (name, version, config) VALUES (?, ?, ?)');
    this.listStmt = db.prepare<[string, string, number], { config: string }>(
      'SELECT config FROM function_versions WHERE version = ? AND name > ? ORDER BY name LIMIT ?',
    );
    this.deleteStmt = db.prepare('DELETE FROM function_versions WHERE name = ?');
    this.codeUsersStmt = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM function_versions WHERE json_extract(config, '$.codeKey') = ?`);
  }

  get(name: string, version: string): FunctionRecord | undefined {
    const key = `${name}\0${version}`;
    let record = this.cache.get(key);
    if (!record) {
      const row = this.getStmt.get(name, version);
      if (!row) return undefined;
      record = Object.freeze(JSON.parse(row.config) as FunctionRecord);
      this.cache.set(key, record);
    }
    return record;
  }

  put(record: FunctionRecord): void {
    this.putStmt.run(record.name, record.version, JSON.stringify(record));
    this.cache.set(`${record.name}\0${record.version}`, Object.freeze({ ...record }));
  }

  /** Functions after `afterName` in name order, one record per function (the given version). */
  list(version: string, afterName: string, limit: number): FunctionRecord[] {
    return this.listStmt.all(version, afterName, limit).map((row) => JSON.parse(row.config) as FunctionRecord);
  }

  /** Deletes a function with all its versions. */
  delete(name: string): void {
    this.deleteStmt.run(name);
    for (const key of this.cache.keys()) if (key.startsWith(`${name}\0`)) this.cache.delete(key);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Every version of a function, $LATEST first, then published versions in number order. */
  versions(name: string): FunctionRecord[] {
    return this.db
      .prepare<[string], { config: string }>(
        "SELECT config FROM function_versions WHERE name = ? ORDER BY version != '$LATEST', CAST(version AS INTEGER)",
      )
      .all(name)
      .map((row) => JSON.parse(row.config) as FunctionRecord);
  }

  deleteVersion(name: string, version: string): void {
    this.db.prepare('DELETE FROM function_versions WHERE name = ? AND version = ?').run(name, version);
    this.cache.delete(`${name}\0${version}`);
  }

  isCodeInUse(codeKey: string): boolean {
    return this.codeUsersStmt.get(codeKey)!.n > 0;
  }
}
