// What every LayerStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerStore, LayerVersionRecord } from '../../src/storage/layer-store.js';

export function layerStoreContract(backend: string, open: () => Promise<LayerStore>) {
  const fields = (name: string, codeKey = 'k1'): Omit<LayerVersionRecord, 'version'> => ({
    name,
    description: 'd',
    compatibleRuntimes: ['nodejs20.x'],
    compatibleArchitectures: [],
    createdDate: '2026-01-01T00:00:00.000+0000',
    codeSha256: 'sha',
    codeSize: 10,
    codeKey,
    unzippedBytes: 20,
  });

  test(`${backend} LayerStore: versions count up per name, newest first, and are never reused`, async () => {
    const store = await open();
    assert.equal((await store.publish(fields('a'))).version, 1);
    assert.equal((await store.publish(fields('a'))).version, 2);
    assert.equal((await store.publish(fields('b'))).version, 1);
    assert.deepEqual((await store.versions('a')).map((v) => v.version), [2, 1]);
    assert.deepEqual((await store.all()).map((v) => `${v.name}:${v.version}`), ['a:2', 'a:1', 'b:1']);
    assert.equal(await store.delete('a', 2), true);
    assert.equal(await store.delete('a', 2), false);
    assert.equal(await store.delete('a', 1), true);
    assert.equal((await store.publish(fields('a'))).version, 3, 'a deleted number is not given again');
    assert.equal((await store.get('a', 3))?.codeKey, 'k1');
    assert.equal(await store.get('a', 1), undefined);
  });

  test(`${backend} LayerStore: a policy per version, gone with its last statement or its version`, async () => {
    const store = await open();
    const v = await store.publish(fields('p'));
    assert.equal(await store.getPolicy('p', v.version), undefined);
    const statement = { Sid: 's', Effect: 'Allow' as const, Principal: '*', Action: 'lambda:GetLayerVersion', Resource: 'arn' };
    await store.putPolicy('p', v.version, { revisionId: 'r1', statements: [statement] });
    assert.deepEqual(await store.getPolicy('p', v.version), { revisionId: 'r1', statements: [statement] });
    await store.putPolicy('p', v.version, { revisionId: 'r2', statements: [] });
    assert.equal(await store.getPolicy('p', v.version), undefined);
    await store.putPolicy('p', v.version, { revisionId: 'r3', statements: [statement] });
    await store.delete('p', v.version);
    assert.equal(await store.getPolicy('p', v.version), undefined);
  });

  test(`${backend} LayerStore: whether content is still held by a version`, async () => {
    const store = await open();
    const v = await store.publish(fields('c', 'abc123'));
    assert.equal(await store.isContentInUse('abc123'), true);
    assert.equal(await store.isContentInUse('abc12'), false);
    await store.delete('c', v.version);
    assert.equal(await store.isContentInUse('abc123'), false);
  });

  test(`${backend} LayerStore: racing publishes of one name each get a version of their own`, async () => {
    const store = await open();
    const published = await Promise.all(Array.from({ length: 6 }, () => store.publish(fields('raced'))));
    assert.deepEqual(published.map((p) => p.version).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
  });
}
