// Keep-alive on fake time: the pool's sweeps and idle times run on its injected clock, so an idle
// instance's expiry is a step of the test, not a sleep.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { FunctionRecord } from '../../src/control/function-record.js';
import { Pool } from '../../src/invoke/pool.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeDriver, type FakeRuntime } from '../helpers/fake-sandbox.js';

const fn: FunctionRecord = {
  name: 'f', version: '1', runtime: 'nodejs20.x', handler: 'index.handler', role: 'r', description: '', memorySize: 128, timeout: 30,
  environment: {}, architectures: ['x86_64'], ephemeralStorageMb: 512, tags: {}, codeSha256: '', codeSize: 0, codeKey: 'k', revisionId: 'rev', lastModified: '',
};
const KEEP_ALIVE_MS = 60_000;
const pools: Pool[] = [];
after(() => pools.forEach((p) => p.shutdown()));

function setup() {
  const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
  const driver = new FakeDriver((runtime) => void runtime.serveForever());
  const pool = new Pool({
    keepAliveMs: KEEP_ALIVE_MS,
    driver,
    clock,
    prepare: async () => ({
      logs: { append: () => {} },
      region: 'us-east-1',
      socketDir: '/tmp',
      launch: { cmd: [], env: {}, codeDir: '/tmp', readOnlyPaths: [], network: 'on', allowed: [], dropsPrivileges: false },
    }),
  });
  pools.push(pool);
  const invoke = () => pool.run(fn, { requestId: randomUUID(), payload: Buffer.from('{}'), invokedFunctionArn: 'arn', traceId: 't' });
  return { clock, driver, pool, invoke };
}

const killed = (runtime: FakeRuntime) => runtime.timeline.includes('kill');

test('an idle instance lives through the keep-alive and is stopped by the first sweep after it', async () => {
  const { clock, driver, pool, invoke } = setup();
  await invoke();
  const runtime = await driver.started(1);
  await runtime.whenFrozen(); // parked again: idle from now on the fake clock

  clock.advance(KEEP_ALIVE_MS - 1);
  assert.equal(killed(runtime), false, 'still within its keep-alive');
  assert.deepEqual(pool.instanceCounts(), { f: 1 });

  clock.advance(KEEP_ALIVE_MS / 4); // one more sweep, past the keep-alive
  assert.equal(killed(runtime), true, 'stopped once idle for longer than the keep-alive');
});

test('a call within the keep-alive starts its idle time over: the warm instance serves it and lives on', async () => {
  const { clock, driver, invoke } = setup();
  await invoke();
  const runtime = await driver.started(1);
  await runtime.whenFrozen();
  clock.advance(KEEP_ALIVE_MS - 1_000);
  await invoke(); // warm: the same instance
  await runtime.whenFrozen();
  assert.equal(driver.runtimes.length, 1);

  clock.advance(KEEP_ALIVE_MS - 1_000);
  assert.equal(killed(runtime), false, 'idle for less than the keep-alive since its last call');
  clock.advance(KEEP_ALIVE_MS / 2);
  assert.equal(killed(runtime), true);
});
