// What every AliasStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AliasRecord, AliasStore } from '../../src/storage/alias-store.js';

export function aliasStoreContract(backend: string, open: () => Promise<AliasStore>) {
  const alias = (functionName: string, name: string, extra: Partial<AliasRecord> = {}): AliasRecord => ({
    functionName, name, functionVersion: '1', description: '', additionalVersionWeights: {}, revisionId: `rev-${name}`, ...extra,
  });

  test(`${backend} AliasStore: put, get with its weights, replace, delete`, async () => {
    const store = await open();
    assert.equal(await store.get('f', 'live'), undefined);
    const weighted = alias('f', 'live', { functionVersion: '2', description: 'd', additionalVersionWeights: { '3': 0.25 } });
    await store.put(weighted);
    assert.deepEqual(await store.get('f', 'live'), weighted);
    await store.put(alias('f', 'live', { functionVersion: '3' }));
    assert.equal((await store.get('f', 'live'))?.functionVersion, '3');
    await store.delete('f', 'live');
    assert.equal(await store.get('f', 'live'), undefined);
  });

  test(`${backend} AliasStore: list per function in name order, deleteFunction`, async () => {
    const store = await open();
    await store.put(alias('f', 'prod'));
    await store.put(alias('f', 'beta'));
    await store.put(alias('g', 'prod'));
    assert.deepEqual((await store.list('f')).map((a) => a.name), ['beta', 'prod']);
    await store.deleteFunction('f');
    assert.deepEqual(await store.list('f'), []);
    assert.equal((await store.get('g', 'prod'))?.functionName, 'g');
  });
}
