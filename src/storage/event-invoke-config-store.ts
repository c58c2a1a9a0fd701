// Per-function settings for asynchronous invocation (PutFunctionEventInvokeConfig), in
// metadata.db and cached in memory: the async worker reads them for every event.
import type { Db } from './database.js';

export interface EventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  /** Seconds since the epoch, as Lambda reports LastModified here. */
  lastModified: number;
}

export class EventInvokeConfigStore {
  private readonly cache = new Map<string, EventInvokeConfig | null>();

  constructor(private readonly db: Db) {}

  get(functionName: string, qualifier: string): EventInvokeConfig | undefined {
    const key = `${functionName}\0${qualifier}`;
    if (!this.cache.has(key)) {
      const row = this.db
        .prepare<[string, string], { config: string }>('SELECT config FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?')
        .get(functionName, qualifier);
      this.cache.set(key, row ? (JSON.parse(row.config) as EventInvokeConfig) : null);
    }
    return this.cache.get(key) ?? undefined;
  }

  put(functionName: string, qualifier: string, config: EventInvokeConfig): void {
    this.db.prepare('INSERT OR REPLACE INTO event_invoke_configs (function_name, qualifier, config) VALUES (?, ?, ?)').run(functionName, qualifier, JSON.stringify(config));
    this.cache.set(`${functionName}\0${qualifier}`, config);
  }

  delete(functionName: string, qualifier?: string): void {
    if (qualifier === undefined) this.db.prepare('DELETE FROM event_invoke_configs WHERE function_name = ?').run(functionName);
    else this.db.prepare('DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?').run(functionName, qualifier);
    for (const key of this.cache.keys()) if (key.startsWith(`${functionName}\0`)) this.cache.delete(key);
  }

  list(functionName: string): { qualifier: string; config: EventInvokeConfig }[] {
    return this.db
      .prepare<[string], { qualifier: string; config: string }>('SELECT qualifier, config FROM event_invoke_configs WHERE function_name = ? ORDER BY qualifier')
      .all(functionName)
      .map((r) => ({ qualifier: r.qualifier, config: JSON.parse(r.config) as EventInvokeConfig }));
  }
}
