// Access keys for Gust's AWS-compatible APIs. The first start creates an admin key and writes it
// to DATA_DIR/credentials in the AWS shared-credentials format (profile `gust`), readable only by
// the user Gust runs as. Each function also gets its own key, scoped to what a function may do.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AccessKey, AccessKeyStore, KeyScope, StoredAccessKey } from '../storage/access-key-store.js';
import { InMemoryActiveKeys, type ActiveKeys } from '../storage/active-keys.js';

export type { AccessKey, KeyScope } from '../storage/access-key-store.js';

/** The function whose own key has this scope; undefined for an admin key. */
export function functionOfScope(scope: KeyScope): string | undefined {
  return scope.startsWith('function:') ? scope.slice('function:'.length) : undefined;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newAccessKeyId(prefix: string): string {
  return prefix + Array.from(randomBytes(16), (b) => KEY_ALPHABET[b % 32]).join('');
}

export class AccessKeys {
  /** A function's key being created: a second caller waits for it instead of making another. */
  private readonly creating = new Map<string, Promise<AccessKey>>();

  private constructor(
    private readonly store: AccessKeyStore,
    /** Active keys by id, kept close: every API request looks one up. */
    private readonly active: ActiveKeys,
    /** Tells the other nodes of a cluster that keys changed here (they reload()). */
    private readonly announce: () => void,
  ) {}

  static async load(store: AccessKeyStore, active: ActiveKeys = new InMemoryActiveKeys(), announce: () => void = () => {}): Promise<AccessKeys> {
    const keys = new AccessKeys(store, active, announce);
    await keys.reload();
    return keys;
  }

  /** Reads the active keys again (another node created or revoked one). */
  async reload(): Promise<void> {
    // Keys are revoked, never deleted: a key missing from the list is one created since it was read.
    for (const { revoked, ...k } of await this.store.list()) {
      if (revoked) this.active.remove(k.accessKeyId);
      else this.active.add(k);
    }
  }

  async create(scope: KeyScope = 'admin'): Promise<AccessKey> {
    const key: AccessKey = {
      accessKeyId: newAccessKeyId(scope === 'admin' ? 'GKIA' : 'GKIF'),
      secretAccessKey: randomBytes(30).toString('base64'),
      scope,
      createdAt: Date.now(),
    };
    await this.store.add(key);
    this.active.add(key);
    this.announce();
    return key;
  }

  list(): Promise<StoredAccessKey[]> {
    return this.store.list();
  }

  /** An active key, for signature checks. */
  get(accessKeyId: string): AccessKey | undefined {
    return this.active.get(accessKeyId);
  }

  async revoke(accessKeyId: string): Promise<boolean> {
    this.active.remove(accessKeyId);
    const revoked = await this.store.revoke(accessKeyId, Date.now());
    this.announce();
    return revoked;
  }

  activeAdminKeys(): AccessKey[] {
    return this.active.all().filter((k) => k.scope === 'admin');
  }

  /** The key Gust hands to its own tools: the oldest active admin key, created on first start. */
  async ensureDefault(): Promise<AccessKey> {
    return this.activeAdminKeys().sort((a, b) => a.createdAt - b.createdAt)[0] ?? this.create();
  }

  /** The credentials a function's instances run with, created on first use. */
  async forFunction(name: string): Promise<AccessKey> {
    const scope: KeyScope = `function:${name}`;
    for (const key of this.active.all()) if (key.scope === scope) return key;
    let pending = this.creating.get(scope);
    if (!pending) {
      pending = this.create(scope).finally(() => this.creating.delete(scope));
      this.creating.set(scope, pending);
    }
    return pending;
  }

  async revokeFunctionKeys(name: string): Promise<void> {
    for (const key of this.active.all()) if (key.scope === `function:${name}`) await this.revoke(key.accessKeyId);
  }
}

/**
 * Writes the shared-credentials and config files the aws CLI and SDKs read. `endpoint` is where
 * this server listens: with `endpoint_url` in the profile, `AWS_PROFILE=gust` alone reaches it, and
 * the gust CLI finds a server started on another port from its data directory.
 */
export function writeCredentialFiles(dataDir: string, key: AccessKey, region: string, endpoint: string): void {
  const credentials = `[gust]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\nregion = ${region}\n`;
  // S3 presigned URLs with Signature Version 4: the aws CLI v1 and boto3 presign with SigV2
  // otherwise, which S3 (and Gust) refuses.
  const config = `[profile gust]\nregion = ${region}\nendpoint_url = ${endpoint}\ns3 =\n    signature_version = s3v4\n`;
  for (const [name, text] of [['credentials', credentials], ['config', config]] as const) {
    const file = path.join(dataDir, name);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}
