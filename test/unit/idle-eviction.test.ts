// The memory-pressure evictor against a real pool and real instances (fake runtimes speaking the
// Runtime API): with memory short, the least recently used idle instances go first, and a running
// one is never chosen, however long ago it was last idle.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { FunctionRecord } from '../../src/control/function-record.js';
import { IdleEvictor, memAvailableBytes } from '../../src/invoke/idle-eviction.js';
import { Pool } from '../../src/invoke/pool.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeDriver } from '../helpers/fake-sandbox.js';

const fn = (name: string): FunctionRecord => ({
  name, version: '1', runtime: 'nodejs20.x', handler: 'index.handler', role: 'r', description: '', memorySize: 128, timeout: 30,
  environment: {}, architectures: ['x86_64'], ephemeralStorageMb: 512, tags: {}, codeSha256: '', codeSize: 0, codeKey: 'k', revisionId: 'rev', lastModified: '',
});
const invocation = () => ({ requestId: randomUUID(), payload: Buffer.from('{}'), invokedFunctionArn: 'arn', traceId: 't' });
const MB = 1024 * 1024;

const pools: Pool[] = [];
after(() => pools.forEach((p) => p.shutdown()));

test('under the memory floor, idle instances stop least recently used first; a running one never', async () => {
  const clock = new FakeClock(1_000_000);
  const driver = new FakeDriver();
  const pool = new Pool({
    keepAliveMs: 3_600_000,
    driver,
    clock,
    prepare: async () => ({ logs: { append: () => {} }, region: 'us-east-1', socketDir: '/tmp', launch: { cmd: [], env: {}, codeDir: '/tmp', readOnlyPaths: [], network: 'on', allowed: [], dropsPrivileges: false } }),
  });
  pools.push(pool);
  // Three functions, one instance each: 'busy' is used first (the least recent), then 'old', then 'new'.
  const runtimes = new Map<string, Awaited<ReturnType<FakeDriver['started']>>>();
  const parked = new Map<string, Promise<{ id: string }>>();
  for (const name of ['busy', 'old', 'new']) {
    const call = pool.run(fn(name), invocation());
    const runtime = await driver.started(runtimes.size + 1);
    runtimes.set(name, runtime);
    const event = await runtime.next();
    await runtime.respond(event.id, 'ok');
    await call;
    const waiting = runtime.next(); // parks again: idle since now (an evicted one never answers)
    waiting.catch(() => {});
    parked.set(name, waiting);
    while (!pool.idleInstances().some((i) => i.fn.name === name)) await new Promise((r) => setImmediate(r));
    clock.advance(1000);
  }
  // 'busy' is running again when memory runs short.
  const running = pool.run(fn('busy'), invocation());
  assert.deepEqual(pool.idleInstances().map((i) => i.fn.name).sort(), ['new', 'old']);

  let available = 100 * MB;
  const evicted: number[] = [];
  const evictor = new IdleEvictor({ pool, clock, floorBytes: 200 * MB, availableBytes: () => available, bytesPerInstance: 100 * MB, onEvicted: (n) => evicted.push(n) });
  assert.equal(evictor.check(), 1, '100 MB short, 100 MB per instance: one goes');
  assert.deepEqual(pool.instanceCounts(), { busy: 1, new: 1 }, 'the least recently used idle one went, not the running one');

  available = 0; // far short: every idle instance goes, and still not the running one
  assert.equal(evictor.check(), 1);
  assert.deepEqual(pool.instanceCounts(), { busy: 1 });
  assert.equal(evictor.check(), 0, 'nothing idle is left; the running instance stays');
  assert.deepEqual(evicted, [1, 1]);

  const event = await parked.get('busy')!;
  await runtimes.get('busy')!.respond(event.id, 'finished');
  assert.equal((await running).payload.toString(), 'finished', 'the running invocation completed');

  available = 300 * MB; // above the floor: nothing is stopped
  runtimes.get('busy')!.next().catch(() => {}); // parks; hung up when the pool shuts down
  while (pool.idleInstances().length === 0) await new Promise((r) => setImmediate(r));
  assert.equal(evictor.check(), 0);
});

test('the evictor looks on its clock, and MemAvailable is read from the kernel', async () => {
  const clock = new FakeClock(0);
  const stopped: number[] = [];
  const evictor = new IdleEvictor({ pool: { idleInstances: () => [{ idleSince: 5, stop: () => stopped.push(5) }] }, clock, floorBytes: 10, availableBytes: () => 0, intervalMs: 1000 });
  evictor.start();
  assert.deepEqual(stopped, []);
  clock.advance(1000);
  assert.deepEqual(stopped, [5]);
  evictor.stop();
  clock.advance(5000);
  assert.deepEqual(stopped, [5]);
  const real = memAvailableBytes();
  assert.ok(real > 0);
});
