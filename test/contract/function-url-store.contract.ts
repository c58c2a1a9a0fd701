// What every FunctionUrlStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionUrl, FunctionUrlStore } from '../../src/storage/function-url-store.js';

export function functionUrlStoreContract(backend: string, open: () => Promise<FunctionUrlStore>) {
  const url = (urlId: string, functionName: string, qualifier: string, extra: Partial<FunctionUrl> = {}): FunctionUrl => ({
    urlId, functionName, qualifier, authType: 'NONE', invokeMode: 'BUFFERED', creationTime: '2026-03-01T00:00:00.000Z', lastModifiedTime: '2026-03-01T00:00:00.000Z', ...extra,
  });

  test(`${backend} FunctionUrlStore: put, then found by id and by function and qualifier, with CORS`, async () => {
    const store = await open();
    const u = url('u1', 'f', '$LATEST', { authType: 'AWS_IAM', cors: { AllowOrigins: ['*'], MaxAge: 60 }, invokeMode: 'RESPONSE_STREAM' });
    assert.equal(await store.byUrlId('u1'), undefined);
    await store.put(u);
    assert.deepEqual(await store.byUrlId('u1'), u);
    assert.deepEqual(await store.get('f', '$LATEST'), u);
    assert.equal(await store.get('f', 'live'), undefined);
  });

  test(`${backend} FunctionUrlStore: an update keeps the id; one URL per function and qualifier`, async () => {
    const store = await open();
    await store.put(url('u1', 'f', '$LATEST'));
    await store.put(url('u1', 'f', '$LATEST', { authType: 'AWS_IAM', lastModifiedTime: 'later' }));
    assert.equal((await store.byUrlId('u1'))?.authType, 'AWS_IAM');
    await store.put(url('u2', 'f', '$LATEST'));
    assert.equal(await store.byUrlId('u1'), undefined, 'the pair has one URL: the newest');
    assert.deepEqual((await store.list('f')).map((u) => u.urlId), ['u2']);
  });

  test(`${backend} FunctionUrlStore: list in qualifier order, delete one, deleteFunction`, async () => {
    const store = await open();
    await store.put(url('a', 'f', 'live'));
    await store.put(url('b', 'f', '$LATEST'));
    await store.put(url('c', 'g', '$LATEST'));
    assert.deepEqual((await store.list('f')).map((u) => u.qualifier), ['$LATEST', 'live']);
    await store.delete('f', 'live');
    assert.equal(await store.byUrlId('a'), undefined);
    await store.deleteFunction('f');
    assert.deepEqual(await store.list('f'), []);
    assert.equal((await store.byUrlId('c'))?.functionName, 'g');
  });
}
