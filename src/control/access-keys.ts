// Access keys for Gust's AWS-compatible APIs. The first start creates one and writes it to
// DATA_DIR/credentials in the AWS shared-credentials format (profile `gust`), readable only by
// the user Gust runs as, so the aws CLI and SDKs can use it unchanged.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../storage/database.js';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  createdAt: number;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  return 'GKIA' + Array.from(bytes, (b) => KEY_ALPHABET[b % 32]).join('');
}

export class AccessKeys {
  /** Active secrets by key id, kept in memory: every API request looks one up. */
  private readonly active = new Map<string, string>();

  constructor(private readonly db: Db) {
    for (const key of this.list()) if (!key.revoked) this.active.set(key.accessKeyId, key.secretAccessKey);
  }

  create(): AccessKey {
    const key = { accessKeyId: newAccessKeyId(), secretAccessKey: randomBytes(30).toString('base64'), createdAt: Date.now() };
    this.db.prepare('INSERT INTO access_keys (access_key_id, secret, created_at) VALUES (?, ?, ?)').run(key.accessKeyId, key.secretAccessKey, key.createdAt);
    this.active.set(key.accessKeyId, key.secretAccessKey);
    return key;
  }

  list(): (AccessKey & { revoked: boolean })[] {
    return this.db
      .prepare<[], { access_key_id: string; secret: string; created_at: number; revoked_at: number | null }>('SELECT * FROM access_keys ORDER BY created_at')
      .all()
      .map((r) => ({ accessKeyId: r.access_key_id, secretAccessKey: r.secret, createdAt: r.created_at, revoked: r.revoked_at !== null }));
  }

  /** The secret of an active key, for signature checks. */
  secretOf(accessKeyId: string): string | undefined {
    return this.active.get(accessKeyId);
  }

  revoke(accessKeyId: string): boolean {
    this.active.delete(accessKeyId);
    return this.db.prepare('UPDATE access_keys SET revoked_at = ? WHERE access_key_id = ? AND revoked_at IS NULL').run(Date.now(), accessKeyId).changes > 0;
  }

  /** The key Gust hands to its own tools: the oldest active one, created on first start. */
  ensureDefault(): AccessKey {
    return this.list().find((k) => !k.revoked) ?? this.create();
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
