import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Concurrency } from '../../src/invoke/concurrency.js';
import { InMemoryConcurrencyCounters } from '../../src/invoke/concurrency-counters.js';
import { openDatabases } from '../../src/storage/database.js';
import { Reservations } from '../../src/invoke/reservations.js';
import { SqlReservationStore } from '../../src/storage/reservation-store.js';
import { tempDataDir } from '../helpers/gust-process.js';

const make = async (limit: number) => new Concurrency(limit, await Reservations.load(new SqlReservationStore((await openDatabases(tempDataDir())).metadataSql)));
const reason = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return (err as { extra: { Reason: string } }).extra.Reason;
  }
};

test('unreserved functions share what reservations leave of the account limit', async () => {
  const c = await make(10);
  await c.reserve('reserved', 4);
  const releases = await Promise.all(Array.from({ length: 6 }, () => c.acquire('a')));
  assert.equal(await reason(() => c.acquire('b')), 'ConcurrentInvocationLimitExceeded');
  assert.equal(await reason(() => c.acquire('reserved')), 'ok', 'reserved capacity stays available');
  releases[0]();
  releases[0]();
  assert.equal(await reason(() => c.acquire('b')), 'ok', 'released once, even if called twice');
});

test('a reservation caps its function, and 0 stops it', async () => {
  const c = await make(100);
  await c.reserve('f', 2);
  await c.acquire('f');
  await c.acquire('f');
  assert.equal(await reason(() => c.acquire('f')), 'ReservedFunctionConcurrentInvocationLimitExceeded');
  await c.reserve('g', 0);
  assert.equal(await reason(() => c.acquire('g')), 'ReservedFunctionConcurrentInvocationLimitExceeded');
});

test('reservations keep the unreserved minimum (a tenth of the limit)', async () => {
  const c = await make(1000);
  await c.reserve('a', 800);
  await assert.rejects(() => c.reserve('b', 101), /minimum value of \[100\]/);
  await c.reserve('b', 100);
  await c.reserve('a', 700);
  assert.equal(c.unreservedLimit, 200);
  await assert.rejects(() => c.reserve('c', -1), /whole number/);
  await assert.rejects(() => c.reserve('c', 1.5), /whole number/);
});

test('the running counts sit behind an injected ConcurrencyCounters: a shared one sees other nodes', async () => {
  // Two Gust nodes over one set of counters, as a cluster would share them: the account limit
  // holds across both, and what one node releases the other can use.
  const shared = new InMemoryConcurrencyCounters();
  const reservations = await Reservations.load(new SqlReservationStore((await openDatabases(tempDataDir())).metadataSql));
  const nodeA = new Concurrency(10, reservations, shared);
  const nodeB = new Concurrency(10, reservations, shared);
  const releases = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? nodeA : nodeB).acquire('f')));
  assert.equal(await reason(() => nodeA.acquire('g')), 'ConcurrentInvocationLimitExceeded');
  assert.equal(await nodeB.running(), 10);
  releases[0]();
  assert.equal(await reason(() => nodeA.acquire('g')), 'ok');
  assert.equal(await nodeA.running(), 10);
});
