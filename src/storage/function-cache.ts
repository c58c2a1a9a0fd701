// Function records as every invocation reads them: kept in this process's memory, behind a small
// interface so that a cluster can replace it (a shared cache, or invalidation across nodes).
// A record read before a later invalidation is never cached (mark/set), so a write is never undone.
import type { FunctionRecord } from '../control/function-record.js';
import type { ChangeFeed } from './change-feed.js';

export interface FunctionCache {
  get(name: string, version: string): FunctionRecord | undefined;
  /** Taken before reading the database; set() ignores a record read before a later invalidate(). */
  mark(): number;
  set(name: string, version: string, record: FunctionRecord, mark: number): void;
  /** Forgets every cached version of a function: called after each write to it. */
  invalidate(name: string): void;
}

export class InMemoryFunctionCache implements FunctionCache {
  private readonly byFunction = new Map<string, Map<string, FunctionRecord>>();
  private invalidations = 0;

  get(name: string, version: string) {
    return this.byFunction.get(name)?.get(version);
  }

  mark() {
    return this.invalidations;
  }

  set(name: string, version: string, record: FunctionRecord, mark: number) {
    if (mark !== this.invalidations) return;
    let versions = this.byFunction.get(name);
    if (!versions) this.byFunction.set(name, (versions = new Map()));
    versions.set(version, record);
  }

  invalidate(name: string) {
    this.invalidations++;
    this.byFunction.delete(name);
  }

  /** Forgets every function (the news of other nodes' writes may have been missed). */
  clear() {
    this.invalidations++;
    this.byFunction.clear();
  }
}

/** A node's cache in a cluster: its invalidations are announced, and it hears the others'. */
export function sharedFunctionCache(cache: InMemoryFunctionCache, feed: ChangeFeed): FunctionCache {
  feed.subscribe('function', (name) => (name === undefined ? cache.clear() : cache.invalidate(name)));
  return {
    get: (name, version) => cache.get(name, version),
    mark: () => cache.mark(),
    set: (name, version, record, mark) => cache.set(name, version, record, mark),
    invalidate(name) {
      cache.invalidate(name);
      feed.publish('function', name);
    },
  };
}
