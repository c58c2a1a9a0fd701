// What every AsyncEventStore must do, whatever its backend: the durable queue of Event
// invocations (order, leases, retries, throttles) and its idempotency keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AsyncEventStore, NewAsyncEvent } from '../../src/storage/async-event-store.js';

export function asyncEventStoreContract(backend: string, open: () => Promise<AsyncEventStore>) {
  const event = (requestId: string, functionName = 'f'): NewAsyncEvent => ({ requestId, functionName, qualifier: '$LATEST', payload: Buffer.from(`{"id":"${requestId}"}`) });

  test(`${backend} AsyncEventStore: events are claimed in the order they came due, with their payload`, async () => {
    const store = await open();
    assert.equal(await store.claim(1000, 60_000), undefined, 'an empty queue has nothing to claim');
    assert.deepEqual(await store.depth(), { count: 0, oldestCreatedAt: null });
    assert.equal(await store.nextDueAt(), null);
    await store.enqueue(event('late'), 300);
    await store.enqueue(event('first'), 100);
    await store.enqueue(event('second'), 100);
    assert.equal(await store.count(), 3);
    assert.deepEqual(await store.depth(), { count: 3, oldestCreatedAt: 100 });
    assert.equal(await store.nextDueAt(), 100);
    assert.equal(await store.claim(99, 60_000), undefined, 'nothing is due before its time');
    const first = (await store.claim(1000, 60_000))!;
    assert.deepEqual({ ...first, id: undefined }, { id: undefined, ...event('first'), attempts: 1, throttles: 0, createdAt: 100 });
    assert.deepEqual([(await store.claim(1000, 60_000))?.requestId, (await store.claim(1000, 60_000))?.requestId], ['second', 'late']);
    assert.equal(await store.claim(1000, 60_000), undefined, 'every event is leased');
  });

  test(`${backend} AsyncEventStore: a batch claim leases up to its limit, first due first, in one call`, async () => {
    const store = await open();
    await store.enqueue(event('late'), 300);
    for (const id of ['a', 'b', 'c', 'd']) await store.enqueue(event(id), 100);
    assert.deepEqual(await store.claimBatch(1000, 60_000, 0), [], 'a limit of 0 claims nothing');
    const first = await store.claimBatch(1000, 60_000, 3);
    assert.deepEqual(first.map((e) => [e.requestId, e.attempts]), [['a', 1], ['b', 1], ['c', 1]]);
    assert.deepEqual(first[0].payload, event('a').payload);
    const rest = await store.claimBatch(1000, 60_000, 10);
    assert.deepEqual(rest.map((e) => e.requestId), ['d', 'late'], 'fewer than the limit: every due event');
    assert.deepEqual(await store.claimBatch(1000, 60_000, 10), [], 'every event is leased');
    assert.deepEqual((await store.claimBatch(61_000, 60_000, 2)).map((e) => [e.requestId, e.attempts]), [['a', 2], ['b', 2]], 'leases end together');
  });

  test(`${backend} AsyncEventStore: racing batch claims never take one event twice`, async () => {
    const store = await open();
    for (let i = 0; i < 12; i++) await store.enqueue(event(`e${i}`), 100);
    const batches = await Promise.all([store.claimBatch(1000, 60_000, 5), store.claimBatch(1000, 60_000, 5), store.claimBatch(1000, 60_000, 5)]);
    const ids = batches.flat().map((e) => e.requestId);
    assert.equal(ids.length, 12, 'together they take every event');
    assert.equal(new Set(ids).size, 12, 'and none twice');
  });

  test(`${backend} AsyncEventStore: completions and retries that come together all land`, async () => {
    const store = await open();
    for (let i = 0; i < 6; i++) await store.enqueue(event(`e${i}`), 0);
    const claimed = await store.claimBatch(0, 60_000, 6);
    await Promise.all([...claimed.slice(0, 4).map((e) => store.complete(e.id)), store.retryAt(claimed[4].id, 500), store.retryAt(claimed[5].id, 700, false)]);
    assert.equal(await store.count(), 2, 'the four completed events are gone');
    assert.equal(await store.nextDueAt(), 500, 'the retried ones are released, due at their retry time');
    const again = await store.claimBatch(1000, 60_000, 5);
    assert.deepEqual(again.map((e) => [e.requestId, e.attempts, e.throttles]), [['e4', 2, 0], ['e5', 1, 1]]);
  });

  test(`${backend} AsyncEventStore: a leased event comes back when its lease ends, and is gone once complete`, async () => {
    const store = await open();
    await store.enqueue(event('e'), 0);
    const claimed = (await store.claim(10, 1000))!;
    assert.equal(await store.nextDueAt(), 1010, 'claimable again when the lease ends');
    assert.equal(await store.claim(1009, 1000), undefined);
    const again = (await store.claim(1010, 1000))!;
    assert.equal(again.id, claimed.id);
    assert.equal(again.attempts, 2);
    await store.complete(again.id);
    assert.equal(await store.count(), 0);
    assert.equal(await store.claim(1e9, 1000), undefined);
  });

  test(`${backend} AsyncEventStore: a retry counts an attempt, a throttle does not but counts itself`, async () => {
    const store = await open();
    await store.enqueue(event('e'), 0);
    const claimed = (await store.claim(0, 60_000))!;
    await store.retryAt(claimed.id, 500);
    assert.equal(await store.nextDueAt(), 500, 'the lease is released, due at the retry time');
    const retried = (await store.claim(500, 60_000))!;
    assert.deepEqual([retried.attempts, retried.throttles], [2, 0]);
    await store.retryAt(retried.id, 600, false);
    const throttled = (await store.claim(600, 60_000))!;
    assert.deepEqual([throttled.attempts, throttled.throttles], [2, 1], 'the throttled run was not an attempt');
  });

  test(`${backend} AsyncEventStore: releasing every lease (a restart) says how many were running`, async () => {
    const store = await open();
    await store.enqueue(event('a'), 0);
    await store.enqueue(event('b'), 0);
    await store.enqueue(event('c'), 0);
    await store.claim(0, 60_000);
    await store.claim(0, 60_000);
    assert.equal(await store.releaseAllLeases(), 2);
    assert.equal(await store.releaseAllLeases(), 0);
    assert.equal(await store.nextDueAt(), 0, 'all due again');
  });

  test(`${backend} AsyncEventStore: an idempotency key queues once per function within its window`, async () => {
    const store = await open();
    assert.deepEqual(await store.enqueueOnce(event('r1'), 'k', 1000, 0), { requestId: 'r1', duplicate: false });
    assert.deepEqual(await store.enqueueOnce(event('r2'), 'k', 1000, 500), { requestId: 'r1', duplicate: true }, 'the earlier request stands for it');
    assert.deepEqual(await store.enqueueOnce(event('r3', 'g'), 'k', 1000, 500), { requestId: 'r3', duplicate: false }, 'keys are per function');
    assert.deepEqual(await store.enqueueOnce(event('r4'), 'k', 1000, 1001), { requestId: 'r4', duplicate: false }, 'after the window the key is free again');
    assert.equal(await store.count(), 3);
  });

  test(`${backend} AsyncEventStore: racing calls with one idempotency key queue one event`, async () => {
    const store = await open();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.enqueueOnce(event(`r${i}`), 'same', 60_000, 100)));
    assert.equal(results.filter((r) => !r.duplicate).length, 1);
    assert.equal(new Set(results.map((r) => r.requestId)).size, 1);
    assert.equal(await store.count(), 1);
  });

  test(`${backend} AsyncEventStore: a held lease is extended; an ended or put-back one is not`, async () => {
    const store = await open();
    await store.enqueue(event('held'), 0);
    await store.enqueue(event('put-back'), 0);
    await store.enqueue(event('lapsed'), 0);
    const held = (await store.claim(10, 1000))!;
    const putBack = (await store.claim(10, 1000))!;
    await store.retryAt(putBack.id, 5000);
    const lapsed = (await store.claim(10, 100))!;
    await store.extendLeases([held.id, putBack.id, lapsed.id], 500, 10_000);
    assert.equal((await store.claim(5000, 100_000))?.requestId, 'lapsed', 'an ended lease stays ended');
    assert.equal((await store.claim(5001, 100_000))?.requestId, 'put-back', 'a put-back event is due when it was put back for');
    assert.equal(await store.claim(9999, 1000), undefined, 'the held one is still leased');
    assert.equal((await store.claim(10_000, 1000))?.requestId, 'held');
  });
}
