// The async worker on fake time: a throttled event's backoff grows with each throttle (it stayed
// at two seconds for ever), and a failure inside Gust neither ends the process nor the worker.
import { FakeClock } from '../helpers/fake-clock.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionRecord } from '../../src/control/function-record.js';
import { GustError } from '../../src/errors.js';
import { AsyncWorker, throttleBackoffMs, type AsyncWorkerDeps } from '../../src/invoke/async-worker.js';
import type { Invoker } from '../../src/invoke/invoker.js';
import { SqlAsyncEventStore } from '../../src/storage/async-event-store.js';
import { openDatabases } from '../../src/storage/database.js';
import type { DeadLetterStore } from '../../src/storage/dead-letter-store.js';
import type { EventInvokeConfigStore } from '../../src/storage/event-invoke-config-store.js';
import { tempDataDir } from '../helpers/gust-process.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const fn = { name: 'f', version: '$LATEST' } as FunctionRecord;

async function setup(execute: Invoker['execute'], extra: Partial<AsyncWorkerDeps> = {}) {
  const store = new SqlAsyncEventStore((await openDatabases(tempDataDir())).metadataSql);
  const clock = new FakeClock(T0);
  const logged: string[] = [];
  const worker = new AsyncWorker({
    store,
    invoker: { resolve: () => fn, execute } as unknown as Invoker,
    configs: { get: () => undefined } as unknown as EventInvokeConfigStore,
    deadLetters: {} as DeadLetterStore,
    home: { region: 'us-east-1', accountId: '000000000000' },
    arnOf: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    maxParallel: 10,
    retryDelayMs: 60_000,
    log: (line) => logged.push(line),
    clock,
    random: () => 1, // the whole backoff, no jitter: the figures below are exact
    ...extra,
  });
  await store.enqueue({ requestId: 'r1', functionName: 'f', qualifier: '$LATEST', payload: Buffer.from('{}') }, T0);
  return { store, clock, logged, worker };
}

test('each throttle doubles the wait before the next try, up to 5 minutes', async () => {
  const throttled = async (): Promise<never> => {
    throw new GustError('TooManyRequestsException', 'Rate exceeded');
  };
  const { store, clock, worker } = await setup(throttled);
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    clock.time = (await store.nextDueAt())!;
    worker.wake();
    await worker.idle();
    waits.push((await store.nextDueAt())! - clock.time);
  }
  await worker.stop();
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000, 300000]);
  const event = (await store.claim(clock.time + 1e9, 1000))!;
  assert.equal(event.attempts, 1, 'throttles are not attempts: the function never ran');
  assert.equal(event.throttles, 12);
});

test('the jitter spreads a wait between half and all of it', async () => {
  assert.equal(throttleBackoffMs(3, () => 0), 4000);
  assert.equal(throttleBackoffMs(3, () => 1), 8000);
});

test('a failure inside Gust is logged, not an unhandled rejection, and the worker carries on', async () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  let calls = 0;
  const { store, clock, logged, worker } = await setup(async () => {
    calls++;
    return { kind: 'success', payload: Buffer.from('{}'), durationMs: 1, billedMs: 1, cold: false, maxMemoryUsedMb: 1, logText: '' };
  });
  // The store fails when the delivered event is completed (a full disk, say).
  const complete = store.complete.bind(store);
  let failures = 1;
  store.complete = async (id) => {
    if (failures-- > 0) throw new Error('SQLITE_FULL');
    await complete(id);
  };
  worker.wake();
  await worker.idle();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(rejections, []);
  assert.ok(logged.some((l) => l.includes('SQLITE_FULL')), logged.join('\n'));
  // The event stays leased, then runs again once the lease ends, and completes.
  clock.time = (await store.nextDueAt())!;
  worker.wake();
  await worker.idle();
  assert.equal(calls, 2);
  assert.equal(await store.count(), 0);
  await worker.stop();
  process.off('unhandledRejection', onRejection);
});

test('on a queue shared with other nodes, start() voids no lease, a dead node\'s lease is taken over, and a running event keeps its own', async () => {
  let calls = 0;
  let finish = () => {};
  const success = { kind: 'success' as const, payload: Buffer.from('{}'), durationMs: 1, billedMs: 1, cold: false, maxMemoryUsedMb: 1, logText: '' };
  const { store, clock, worker } = await setup(
    () => {
      calls++;
      return new Promise((resolve) => (finish = () => resolve(success)));
    },
    { sharedQueue: { leaseMs: 3000 } },
  );
  await store.claim(T0, 3000); // another node runs the event
  await worker.start();
  await worker.idle();
  assert.equal(calls, 0, "another node's lease is left alone");
  // That node died: once its lease ended, this worker's next look at the queue takes the event.
  // (the worker's claim passes are not the timers' promises: time moves in small steps around them)
  for (let i = 0; i < 100 && calls === 0; i++) {
    await clock.advanceAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(calls, 1);
  assert.ok(clock.time >= T0 + 3000, 'not before the lease ended');
  // While it runs here its lease is renewed: nobody (this worker included) claims it again.
  await clock.advanceAsync(20_000);
  assert.ok((await store.nextDueAt())! > clock.time, 'still leased long after its first lease would have ended');
  assert.equal(calls, 1);
  finish();
  await worker.stop();
  assert.equal(await store.count(), 0);
});
