// Access keys for Gust's AWS-compatible APIs. The first start creates an admin key and writes it
// to DATA_DIR/credentials in the AWS shared-credentials format (profile `gust`), readable only by
// the user Gust runs as. Each function also gets its own key, scoped to what a function may do.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../storage/database.js';

export type KeyScope = 'admin' | `function:${string}`;

/** The function whose own key has this scope; undefined for an admin key. */
export function functionOfScope(scope: KeyScope): string | undefined {
  return scope.startsWith('function:') ? scope.slice('function:'.length) : undefined;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  scope: KeyScope;
  createdAt: number;
}

interface Row {
  access_key_id: string;
  secret: string;
  scope: KeyScope;
  created_at: number;
  revoked_at: number | null;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newAccessKeyId(prefix: string): string {
  return prefix + Array.from(randomBytes(16), (b) => KEY_ALPHABET[b % 32]).join('');
}

const toKey = (r: Row): AccessKey & { revoked: boolean } => ({
  accessKeyId: r.access_key_id,
  secretAccessKey: r.secret,
  scope: r.scope,
  createdAt: r.created_at,
  revoked: r.revoked_at !== null,
});

export class AccessKeys {
  /** Active keys by id, kept in memory: every API request looks one up. */
  private readonly active = new Map<string, AccessKey>();

  constructor(private readonly db: Db) {
    for (const key of this.list()) if (!key.revoked) this.active.set(key.accessKeyId, key);
  }

  create(scope: KeyScope = 'admin'): AccessKey {
    const key: AccessKey = {
      accessKeyId: newAccessKeyId(scope === 'admin' ? 'GKIA' : 'GKIF'),
      secretAccessKey: randomBytes(30).toString('base64'),
      scope,
      createdAt: Date.now(),
    };
    this.db.prepare('INSERT INTO access_keys (access_key_id, secret, scope, created_at) VALUES (?, ?, ?, ?)').run(key.accessKeyId, key.secretAccessKey, scope, key.createdAt);
    this.active.set(key.accessKeyId, key);
    return key;
  }

  list(): (AccessKey & { revoked: boolean })[] {
    return this.db.prepare<[], Row>('SELECT * FROM access_keys ORDER BY created_at').all().map(toKey);
  }

  /** An active key, for signature checks. */
  get(accessKeyId: string): AccessKey | undefined {
    return this.active.get(accessKeyId);
  }

  revoke(accessKeyId: string): boolean {
    this.active.delete(accessKeyId);
    return this.db.prepare('UPDATE access_keys SET revoked_at = ? WHERE access_key_id = ? AND revoked_at IS NULL').run(Date.now(), accessKeyId).changes > 0;
  }

  activeAdminKeys(): AccessKey[] {
    return [...this.active.values()].filter((k) => k.scope === 'admin');
  }

  /** The key Gust hands to its own tools: the oldest active admin key, created on first start. */
  ensureDefault(): AccessKey {
    return this.activeAdminKeys().sort((a, b) => a.createdAt - b.createdAt)[0] ?? this.create();
  }

  /** The credentials a function's instances run with, created on first use. */
  forFunction(name: string): AccessKey {
    const scope: KeyScope = `function:${name}`;
    for (const key of this.active.values()) if (key.scope === scope) return key;
    return this.create(scope);
  }

  revokeFunctionKeys(name: string): void {
    for (const key of [...this.active.values()]) if (key.scope === `function:${name}`) this.revoke(key.accessKeyId);
  }
}

/** Writes the shared-credentials and config files the aws CLI and SDKs read. */
export function writeCredentialFiles(dataDir: string, key: AccessKey, region: string): void {
  const credentials = `[gust]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\nregion = ${region}\n`;
  const config = `[profile gust]\nregion = ${region}\n`;
  for (const [name, text] of [['credentials', credentials], ['config', config]] as const) {
    const file = path.join(dataDir, name);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}
