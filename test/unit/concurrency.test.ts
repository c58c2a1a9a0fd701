import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Concurrency } from '../../src/invoke/concurrency.js';
import { openDatabases } from '../../src/storage/database.js';
import { Reservations } from '../../src/invoke/reservations.js';
import { SqlReservationStore } from '../../src/storage/reservation-store.js';
import { tempDataDir } from '../helpers/gust-process.js';

const make = async (limit: number) => new Concurrency(limit, await Reservations.load(new SqlReservationStore((await openDatabases(tempDataDir())).metadataSql)));
const reason = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { extra: { Reason: string } }).extra.Reason;
  }
};

test('unreserved functions share what reservations leave of the account limit', async () => {
  const c = await make(10);
  await c.reserve('reserved', 4);
  const releases = Array.from({ length: 6 }, () => c.acquire('a'));
  assert.equal(reason(() => c.acquire('b')), 'ConcurrentInvocationLimitExceeded');
  assert.equal(reason(() => c.acquire('reserved')), 'ok', 'reserved capacity stays available');
  releases[0]();
  releases[0]();
  assert.equal(reason(() => c.acquire('b')), 'ok', 'released once, even if called twice');
});

test('a reservation caps its function, and 0 stops it', async () => {
  const c = await make(100);
  await c.reserve('f', 2);
  c.acquire('f');
  c.acquire('f');
  assert.equal(reason(() => c.acquire('f')), 'ReservedFunctionConcurrentInvocationLimitExceeded');
  await c.reserve('g', 0);
  assert.equal(reason(() => c.acquire('g')), 'ReservedFunctionConcurrentInvocationLimitExceeded');
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
