// What every ProvisionedConfigStore must do, whatever its backend: run by each backend's test file
// with a factory that gives an empty store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProvisionedConfigStore } from '../../src/storage/provisioned-config-store.js';

export function provisionedConfigStoreContract(backend: string, open: () => Promise<ProvisionedConfigStore>) {
  const rec = (functionName: string, qualifier: string, requested = 1) => ({ functionName, qualifier, requested, lastModified: '2026-03-01T00:00:00.000+0000' });

  test(`${backend} ProvisionedConfigStore: put, get, replace, delete`, async () => {
    const store = await open();
    assert.equal(await store.get('f', '1'), undefined);
    await store.put(rec('f', '1', 2));
    assert.deepEqual(await store.get('f', '1'), rec('f', '1', 2));
    await store.put({ ...rec('f', '1', 5), lastModified: 'later' });
    assert.deepEqual(await store.get('f', '1'), { ...rec('f', '1', 5), lastModified: 'later' }, 'a second put replaces');
    await store.delete('f', '1');
    assert.equal(await store.get('f', '1'), undefined);
  });

  test(`${backend} ProvisionedConfigStore: list per function in qualifier order, all, deleteFunction`, async () => {
    const store = await open();
    await store.put(rec('f', 'live'));
    await store.put(rec('f', '1'));
    await store.put(rec('g', '3'));
    assert.deepEqual((await store.list('f')).map((r) => r.qualifier), ['1', 'live']);
    assert.deepEqual((await store.all()).map((r) => `${r.functionName}:${r.qualifier}`), ['f:1', 'f:live', 'g:3']);
    await store.deleteFunction('f');
    assert.deepEqual(await store.list('f'), []);
    assert.deepEqual((await store.all()).map((r) => r.functionName), ['g']);
  });
}
