// What every FunctionStore must do, whatever its backend: the factory gives an empty store with
// its cache, so these also check that a cached read never outlives a write.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionStore } from '../../src/storage/function-store.js';
import { functionRecord as rec } from './function-records.js';

export function functionStoreContract(backend: string, open: () => Promise<FunctionStore>) {
  test(`${backend} FunctionStore: put, get every field, replace (a cached read follows the write), delete`, async () => {
    const store = await open();
    assert.equal(await store.get('f', '$LATEST'), undefined);
    const first = rec('f', '$LATEST', { loggingConfig: { logFormat: 'JSON', applicationLogLevel: 'INFO' }, lastPublishedVersion: 2 });
    await store.put(first);
    assert.deepEqual(await store.get('f', '$LATEST'), first);
    assert.deepEqual(await store.get('f', '$LATEST'), first, 'read again (from the cache)');
    await store.put(rec('f', '$LATEST', { timeout: 9 }));
    assert.equal((await store.get('f', '$LATEST'))?.timeout, 9, 'a put replaces, and the cached record with it');
    await store.delete('f');
    assert.equal(await store.get('f', '$LATEST'), undefined, 'deleted, and no longer cached');
  });

  test(`${backend} FunctionStore: create writes only what is absent; of two racing, one wins`, async () => {
    const store = await open();
    const results = await Promise.all([store.create(rec('c', '1', { timeout: 1 })), store.create(rec('c', '1', { timeout: 2 }))]);
    assert.deepEqual([...results].sort(), [false, true]);
    const winner = results[0] ? 1 : 2;
    assert.equal((await store.get('c', '1'))?.timeout, winner, 'the record is the winner\'s, untouched by the loser');
    assert.equal(await store.create(rec('c', '1', { timeout: 3 })), false);
    assert.equal(await store.create(rec('c', '2')), true, 'another version of the same function is free');
  });

  test(`${backend} FunctionStore: versions come $LATEST first, then in number order; deleteVersion`, async () => {
    const store = await open();
    for (const v of ['10', '2', '$LATEST', '1']) await store.put(rec('f', v));
    await store.put(rec('g', '1'));
    assert.deepEqual((await store.versions('f')).map((r) => r.version), ['$LATEST', '1', '2', '10']);
    assert.equal((await store.get('f', '2'))?.version, '2');
    await store.deleteVersion('f', '2');
    assert.equal(await store.get('f', '2'), undefined, 'deleted, and no longer cached');
    assert.deepEqual((await store.versions('f')).map((r) => r.version), ['$LATEST', '1', '10']);
    await store.delete('f');
    assert.deepEqual(await store.versions('f'), []);
    assert.equal((await store.get('g', '1'))?.name, 'g', "another function's versions stay");
  });

  test(`${backend} FunctionStore: list pages through functions in name order, one version each`, async () => {
    const store = await open();
    for (const name of ['c', 'a', 'b']) {
      await store.put(rec(name));
      await store.put(rec(name, '1'));
    }
    assert.deepEqual((await store.list('$LATEST', '', 2)).map((r) => `${r.name}:${r.version}`), ['a:$LATEST', 'b:$LATEST']);
    assert.deepEqual((await store.list('$LATEST', 'b', 2)).map((r) => r.name), ['c']);
  });

  test(`${backend} FunctionStore: isCodeInUse sees any version of any function, and only that exact key`, async () => {
    const store = await open();
    await store.put(rec('f', '1', { codeKey: 'abc123' }));
    assert.equal(await store.isCodeInUse('abc123'), true);
    assert.equal(await store.isCodeInUse('abc'), false, 'a key that is a prefix of one in use is not in use');
    assert.equal(await store.isCodeInUse('zzz'), false);
    await store.deleteVersion('f', '1');
    assert.equal(await store.isCodeInUse('abc123'), false);
  });

  test(`${backend} FunctionStore: isLayerContentInUse sees the layers of any version, not the code`, async () => {
    const store = await open();
    await store.put(rec('f', '2', { codeKey: 'code1', layers: [{ arn: 'arn:aws:lambda:r:123456789012:layer:l:1', codeSize: 1, codeKey: 'layer1', unzippedBytes: 2 }] }));
    assert.equal(await store.isLayerContentInUse('layer1'), true);
    assert.equal(await store.isLayerContentInUse('code1'), false);
    assert.equal(await store.isLayerContentInUse('layer'), false);
    await store.deleteVersion('f', '2');
    assert.equal(await store.isLayerContentInUse('layer1'), false);
  });
}
