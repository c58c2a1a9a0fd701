// Aliases of functions in metadata.db, cached in memory: an invocation of an alias resolves it.
import type { Db } from './database.js';

export interface AliasRecord {
  functionName: string;
  name: string;
  functionVersion: string;
  description: string;
  /** One extra version and the share of traffic (0–1) it gets. */
  additionalVersionWeights: Record<string, number>;
  revisionId: string;
}

export class AliasStore {
  private readonly cache = new Map<string, AliasRecord | null>();

  constructor(private readonly db: Db) {}

  get(functionName: string, name: string): AliasRecord | undefined {
    const key = `${functionName}\0${name}`;
    if (!this.cache.has(key)) {
      const row = this.db.prepare<[string, string], { config: string }>('SELECT config FROM aliases WHERE function_name = ? AND name = ?').get(functionName, name);
      this.cache.set(key, row ? (JSON.parse(row.config) as AliasRecord) : null);
    }
    return this.cache.get(key) ?? undefined;
  }

  put(alias: AliasRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO aliases (function_name, name, config) VALUES (?, ?, ?)').run(alias.functionName, alias.name, JSON.stringify(alias));
    this.cache.set(`${alias.functionName}\0${alias.name}`, alias);
  }

  delete(functionName: string, name?: string): void {
    if (name === undefined) this.db.prepare('DELETE FROM aliases WHERE function_name = ?').run(functionName);
    else this.db.prepare('DELETE FROM aliases WHERE function_name = ? AND name = ?').run(functionName, name);
    for (const key of this.cache.keys()) if (key.startsWith(`${functionName}\0`)) this.cache.delete(key);
  }

  list(functionName: string): AliasRecord[] {
    return this.db
      .prepare<[string], { config: string }>('SELECT config FROM aliases WHERE function_name = ? ORDER BY name')
      .all(functionName)
      .map((r) => JSON.parse(r.config) as AliasRecord);
  }
}
