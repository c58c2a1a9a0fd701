// The instance's state machine and the pool's choices, driven step by step through a fake
// runtime (test/helpers/fake-sandbox.ts) that speaks the real Runtime API to real instances.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { FunctionRecord } from '../../src/control/function-record.js';
import type { Invocation } from '../../src/invoke/invocation.js';
import { Pool, type PoolOptions } from '../../src/invoke/pool.js';
import { FakeDriver, type FakeRuntime } from '../helpers/fake-sandbox.js';

const fn: FunctionRecord = {
  name: 'f', version: '1', runtime: 'nodejs20.x', handler: 'index.handler', role: 'r', description: '', memorySize: 128, timeout: 30,
  environment: {}, architectures: ['x86_64'], ephemeralStorageMb: 512, tags: {}, codeSha256: '', codeSize: 0, codeKey: 'k', revisionId: 'rev', lastModified: '',
};
const invocation = (payload = '{}'): Invocation => ({ requestId: randomUUID(), payload: Buffer.from(payload), invokedFunctionArn: 'arn', traceId: 't' });

const pools: Pool[] = [];
after(() => pools.forEach((p) => p.shutdown()));

function poolWith(driver: FakeDriver, options: Partial<PoolOptions> = {}) {
  const pool = new Pool({
    keepAliveMs: 60_000,
    returningPatienceMs: 60_000,
    driver,
    prepare: async () => ({
      logs: { append: () => {} },
      region: 'us-east-1',
      socketDir: '/tmp',
      launch: { cmd: [], env: {}, codeDir: '/tmp', readOnlyPaths: [], network: 'on', allowed: [], dropsPrivileges: false },
    }),
    ...options,
  });
  pools.push(pool);
  return pool;
}

test('parked on /next it is frozen; thawed before the event reaches the runtime; frozen again once back', async () => {
  const driver = new FakeDriver();
  const pool = poolWith(driver);
  const first = pool.run(fn, invocation('{"n":1}'));
  const runtime = await driver.started(1);
  const e1 = await runtime.next(); // the cold start: served at once, never frozen
  assert.equal(e1.body, '{"n":1}');
  assert.equal(await runtime.respond(e1.id, 'one'), 202);
  assert.equal((await first).payload.toString(), 'one');

  const parked = runtime.next();
  await runtime.whenFrozen();
  const second = pool.run(fn, invocation('{"n":2}'));
  const e2 = await parked;
  await runtime.respond(e2.id, 'two');
  assert.equal((await second).payload.toString(), 'two');
  assert.deepEqual(runtime.timeline, [`event ${e1.id}`, 'freeze', 'thaw', `event ${e2.id}`]);
  assert.equal(driver.runtimes.length, 1);
});

test('a call never goes to an instance between its response and its next /next: it waits for it', async () => {
  const driver = new FakeDriver();
  const pool = poolWith(driver);
  const first = pool.run(fn, invocation());
  const runtime = await driver.started(1);
  const e1 = await runtime.next();
  await runtime.respond(e1.id, 'one');
  await first; // answered; the runtime has not asked for /next yet
  let delivered = false;
  const second = pool.run(fn, invocation('{"n":2}')).then((o) => ((delivered = true), o));
  await new Promise((r) => setImmediate(r));
  assert.equal(delivered, false);
  const e2 = await runtime.next(); // only now does it take the call
  assert.equal(e2.body, '{"n":2}');
  await runtime.respond(e2.id, 'two');
  assert.equal((await second).payload.toString(), 'two');
  assert.equal(driver.runtimes.length, 1, 'no second instance was started');
});

test('a returning instance that dies instead of coming back is never given the waiting call', async () => {
  const driver = new FakeDriver();
  const pool = poolWith(driver);
  const first = pool.run(fn, invocation());
  const runtime = await driver.started(1);
  const e1 = await runtime.next();
  await runtime.fail(e1.id);
  assert.equal((await first).kind, 'error');
  const second = pool.run(fn, invocation('{"n":2}'));
  runtime.crash(); // e.g. an uncaught exception right after the response
  const replacement = await driver.started(2);
  const e2 = await replacement.next();
  assert.equal(e2.body, '{"n":2}');
  await replacement.respond(e2.id, 'two');
  assert.equal((await second).kind, 'success');
  assert.equal(runtime.timeline.some((t) => t.startsWith('event') && t.includes(e2.id)), false);
});

test('a late error report on an answered invocation stops the instance, even if it parks first', async () => {
  const driver = new FakeDriver();
  const pool = poolWith(driver);
  const first = pool.run(fn, invocation());
  const runtime = await driver.started(1);
  const e1 = await runtime.next();
  await runtime.respond(e1.id, 'one');
  await first;
  assert.equal(await runtime.fail(e1.id), 400, 'the report is refused (and answered)');
  await assert.rejects(runtime.next(), 'the dying runtime gets no /next');
  const second = pool.run(fn, invocation('{"n":2}'));
  const replacement = await driver.started(2);
  const e2 = await replacement.next();
  await replacement.respond(e2.id, 'two');
  assert.equal((await second).payload.toString(), 'two');
});

test('with no patience for returning instances, a waiting call gets a new instance', async () => {
  const driver = new FakeDriver();
  const pool = poolWith(driver, { returningPatienceMs: 0 });
  const first = pool.run(fn, invocation());
  const runtime = await driver.started(1);
  const e1 = await runtime.next();
  await runtime.respond(e1.id, 'one');
  await first;
  const second = pool.run(fn, invocation('{"n":2}'));
  const replacement = await driver.started(2);
  const e2 = await replacement.next();
  assert.equal(e2.body, '{"n":2}');
  await replacement.respond(e2.id, 'two');
  await second;
});

test('instance starts are bounded: with one slot, a second start waits until the first runtime is initialised', async () => {
  // Every runtime but the first serves at once; the first is held in its init by the test.
  const driver = new FakeDriver((runtime) => {
    if (driver.runtimes.indexOf(runtime) > 0) void runtime.serveForever();
  });
  const pool = poolWith(driver, { maxConcurrentStarts: 1 });
  const calls = [1, 2, 3].map((n) => pool.run(fn, invocation(`{"n":${n}}`)));
  const one = await driver.started(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(driver.runtimes.length, 1, 'the second start waits for the slot');
  // The first runtime's init ends with its first /next; then the next start may go.
  void one.serveForever();
  const outcomes = await Promise.all(calls);
  assert.deepEqual(outcomes.map((o) => o.payload.toString()), ['{"n":1}', '{"n":2}', '{"n":3}']);
});

test('an init failure is reported to the call that waited for that start', async () => {
  const driver = new FakeDriver((runtime) => runtime.crash(1));
  const pool = poolWith(driver);
  const outcome = await pool.run(fn, invocation());
  assert.equal(outcome.kind, 'init-error');
  assert.equal(outcome.errorType, 'Runtime.ExitError');
});

test('provisioned concurrency is kept per configuration: a version and an alias add up', async () => {
  const driver = new FakeDriver((runtime: FakeRuntime) => void runtime.serveForever());
  const pool = poolWith(driver);
  pool.setProvisioned(fn, '1', 2);
  pool.setProvisioned(fn, 'live', 1);
  await driver.started(3);
  const ready = async (config: string, n: number) => {
    while (pool.provisionedStatus(fn, config).available < n) await new Promise((r) => setTimeout(r, 5));
  };
  await Promise.all([ready('1', 2), ready('live', 1)]);
  assert.deepEqual(pool.instanceCounts(), { f: 3 });
  pool.setProvisioned(fn, 'live', 0);
  assert.equal(pool.provisionedStatus(fn, '1').available, 2, "the version's own instances stay");
  assert.equal(pool.provisionedStatus(fn, 'live').available, 0);
  assert.equal(driver.runtimes.length, 3, 'nothing was started again');
});

test('a waiting call takes whichever instance frees first: a start still queued for a slot is dropped', async () => {
  const driver = new FakeDriver();
  const pool = poolWith(driver, { maxConcurrentStarts: 1, returningPatienceMs: 0 });
  const first = pool.run(fn, invocation('{"n":1}'));
  const second = pool.run(fn, invocation('{"n":2}'));
  const runtime = await driver.started(1);
  const e1 = await runtime.next(); // its init ends here; the second call's start now gets the slot
  await runtime.respond(e1.id, 'one');
  await first;
  const e2 = await runtime.next(); // back first: it serves the second call
  assert.equal(e2.body, '{"n":2}');
  await runtime.respond(e2.id, 'two');
  assert.equal((await second).payload.toString(), 'two');
  // The start made for the second call may have launched meanwhile; it serves no one and idles.
  assert.ok(driver.runtimes.length <= 2);
});

test('with starts held back by load, a call still gets an instance that frees first', async () => {
  const driver = new FakeDriver();
  // The machine reports no spare CPU: one start at a time, whatever the ceiling.
  const pool = poolWith(driver, { maxConcurrentStarts: 4, startCapacity: (running) => running });
  const calls = [1, 2, 3].map((n) => pool.run(fn, invocation(`{"n":${n}}`)));
  const runtime = await driver.started(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(driver.runtimes.length, 1, 'one start at a time under load');
  for (let n = 1; n <= 3; n++) {
    const event = await runtime.next();
    await runtime.respond(event.id, `r${n}`);
  }
  assert.deepEqual((await Promise.all(calls)).map((o) => o.payload.toString()), ['r1', 'r2', 'r3']);
});
