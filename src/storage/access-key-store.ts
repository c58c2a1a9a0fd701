// Access keys for Gust's APIs, as an async interface with its SQLite implementation over Kysely.
// Which keys are active is also kept in memory (active-keys.ts): every signed request looks one up.
import type { MetadataDb } from './metadata-tables.js';

export type KeyScope = 'admin' | `function:${string}`;

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  scope: KeyScope;
  createdAt: number;
}

export interface StoredAccessKey extends AccessKey {
  revoked: boolean;
}

export interface AccessKeyStore {
  add(key: AccessKey): Promise<void>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<StoredAccessKey[]>;
  /** Marks a key revoked; false when it was unknown or revoked already. */
  revoke(accessKeyId: string, at: number): Promise<boolean>;
}

export class SqlAccessKeyStore implements AccessKeyStore {
  constructor(private readonly db: MetadataDb) {}

  async add(key: AccessKey) {
    await this.db.insertInto('access_keys').values({ access_key_id: key.accessKeyId, secret: key.secretAccessKey, scope: key.scope, created_at: key.createdAt }).execute();
  }

  async list() {
    const rows = await this.db.selectFrom('access_keys').selectAll().orderBy('created_at').orderBy('access_key_id').execute();
    return rows.map((r) => ({ accessKeyId: r.access_key_id, secretAccessKey: r.secret, scope: r.scope as KeyScope, createdAt: r.created_at, revoked: r.revoked_at !== null }));
  }

  async revoke(accessKeyId: string, at: number) {
    const result = await this.db.updateTable('access_keys').set({ revoked_at: at }).where('access_key_id', '=', accessKeyId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
