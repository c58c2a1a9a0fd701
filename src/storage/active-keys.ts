// The active access keys, looked up on every signed request: a small interface so that a cluster
// can share them (or invalidate them across nodes); one process keeps them in a Map.
import type { AccessKey } from './access-key-store.js';

export interface ActiveKeys {
  get(accessKeyId: string): AccessKey | undefined;
  add(key: AccessKey): void;
  remove(accessKeyId: string): void;
  all(): AccessKey[];
}

export class InMemoryActiveKeys implements ActiveKeys {
  private readonly keys = new Map<string, AccessKey>();
  get(accessKeyId: string) {
    return this.keys.get(accessKeyId);
  }
  add(key: AccessKey) {
    this.keys.set(key.accessKeyId, key);
  }
  remove(accessKeyId: string) {
    this.keys.delete(accessKeyId);
  }
  all() {
    return [...this.keys.values()];
  }
}
