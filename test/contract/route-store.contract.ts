// What every RouteStore must do, whatever its backend (the SQL one and the gateway's cached one).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteStore } from '../../src/storage/route-store.js';
import type { Route } from '../../src/triggers/http/route-table.js';

export function routeStoreContract(backend: string, open: () => Promise<RouteStore>) {
  const route = (id: string, path: string, functionName = 'f'): Route => ({ id, method: 'GET', path, functionName, payloadFormat: '2.0' });

  test(`${backend} RouteStore: add, all with every field, remove`, async () => {
    const store = await open();
    assert.deepEqual(await store.all(), []);
    assert.equal(await store.add(route('r1', '/a'), 'GET /a'), true);
    assert.equal(await store.add({ ...route('r2', '/b/{x}', 'g'), method: 'ANY', payloadFormat: '1.0' }, 'ANY /b/{}'), true);
    assert.deepEqual(
      (await store.all()).sort((x, y) => x.id.localeCompare(y.id)),
      [route('r1', '/a'), { ...route('r2', '/b/{x}', 'g'), method: 'ANY', payloadFormat: '1.0' }],
    );
    assert.equal(await store.remove('r1'), true);
    assert.equal(await store.remove('r1'), false, 'gone already');
    assert.deepEqual((await store.all()).map((r) => r.id), ['r2']);
  });

  test(`${backend} RouteStore: a route of the same shape, or the same id, is refused and changes nothing`, async () => {
    const store = await open();
    await store.add(route('r1', '/a/{x}'), 'GET /a/{}');
    assert.equal(await store.add(route('r2', '/a/{y}'), 'GET /a/{}'), false);
    assert.equal(await store.add(route('r1', '/other'), 'GET /other'), false);
    assert.deepEqual(await store.all(), [route('r1', '/a/{x}')]);
  });

  test(`${backend} RouteStore: the CORS configuration is set, replaced and removed`, async () => {
    const store = await open();
    assert.equal(await store.cors(), undefined);
    await store.setCors({ AllowOrigins: ['*'] });
    await store.setCors({ AllowOrigins: ['https://a.example'], MaxAge: 5 });
    assert.deepEqual(await store.cors(), { AllowOrigins: ['https://a.example'], MaxAge: 5 });
    await store.setCors(undefined);
    assert.equal(await store.cors(), undefined);
  });
}
