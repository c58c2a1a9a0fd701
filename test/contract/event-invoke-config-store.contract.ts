// What every EventInvokeConfigStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventInvokeConfigStore } from '../../src/storage/event-invoke-config-store.js';

export function eventInvokeConfigStoreContract(backend: string, open: () => Promise<EventInvokeConfigStore>) {
  const full = { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 60, onSuccess: 'arn:aws:lambda:r:1:function:ok', onFailure: 'arn:gust:dead-letters', lastModified: 1700000000.5 };

  test(`${backend} EventInvokeConfigStore: put, get with every field, replace, delete`, async () => {
    const store = await open();
    assert.equal(await store.get('f', '$LATEST'), undefined);
    await store.put('f', '$LATEST', full);
    assert.deepEqual(await store.get('f', '$LATEST'), full);
    await store.put('f', '$LATEST', { lastModified: 2 });
    assert.deepEqual(await store.get('f', '$LATEST'), { lastModified: 2 }, 'a second put replaces the whole configuration');
    await store.delete('f', '$LATEST');
    assert.equal(await store.get('f', '$LATEST'), undefined);
  });

  test(`${backend} EventInvokeConfigStore: list per function in qualifier order, deleteFunction`, async () => {
    const store = await open();
    await store.put('f', 'live', { lastModified: 1 });
    await store.put('f', '1', { lastModified: 2 });
    await store.put('g', '$LATEST', { lastModified: 3 });
    assert.deepEqual((await store.list('f')).map((c) => c.qualifier), ['1', 'live']);
    await store.deleteFunction('f');
    assert.deepEqual(await store.list('f'), []);
    assert.deepEqual(await store.get('g', '$LATEST'), { lastModified: 3 });
  });
}
