// What every AccessKeyStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessKey, AccessKeyStore } from '../../src/storage/access-key-store.js';

export function accessKeyStoreContract(backend: string, open: () => Promise<AccessKeyStore>) {
  const key = (id: string, createdAt: number, scope: AccessKey['scope'] = 'admin'): AccessKey => ({ accessKeyId: id, secretAccessKey: `secret-${id}`, scope, createdAt });

  test(`${backend} AccessKeyStore: keys come back oldest first, with their scope and secret`, async () => {
    const store = await open();
    await store.add(key('B', 2, 'function:f'));
    await store.add(key('A', 1));
    assert.deepEqual(await store.list(), [{ ...key('A', 1), revoked: false }, { ...key('B', 2, 'function:f'), revoked: false }]);
  });

  test(`${backend} AccessKeyStore: revoking keeps the key, marked, and only once`, async () => {
    const store = await open();
    await store.add(key('A', 1));
    assert.equal(await store.revoke('A', 10), true);
    assert.equal(await store.revoke('A', 11), false, 'revoked already');
    assert.equal(await store.revoke('nope', 12), false);
    assert.deepEqual(await store.list(), [{ ...key('A', 1), revoked: true }]);
  });

  test(`${backend} AccessKeyStore: a key id is unique`, async () => {
    const store = await open();
    await store.add(key('A', 1));
    await assert.rejects(store.add(key('A', 2)));
  });
}
