import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartGate, type ReleaseSlot } from '../../src/invoke/start-gate.js';

const flush = () => new Promise((r) => setImmediate(r));

test('at most `slots` starts run at once; the others wait in order and go as slots free up', async () => {
  const gate = new StartGate(2);
  const got: string[] = [];
  const releases = new Map<string, ReleaseSlot>();
  for (const name of ['a1', 'a2', 'a3', 'a4']) void gate.acquire('a').then((r) => (got.push(name), releases.set(name, r)));
  await flush();
  assert.deepEqual(got, ['a1', 'a2']);
  assert.equal(gate.running, 2);
  assert.equal(gate.waiting, 2);
  releases.get('a1')!();
  releases.get('a1')!(); // a second release of the same slot changes nothing
  await flush();
  assert.deepEqual(got, ['a1', 'a2', 'a3']);
  assert.equal(gate.running, 2);
  releases.get('a2')!();
  releases.get('a3')!();
  await flush();
  assert.deepEqual(got, ['a1', 'a2', 'a3', 'a4']);
  assert.equal(gate.running, 1);
});

test("keys take turns, so one function's burst does not hold back another's start", async () => {
  const gate = new StartGate(1);
  const order: string[] = [];
  const first = await gate.acquire('x');
  const done: Promise<void>[] = [];
  for (const name of ['burst1', 'burst2', 'burst3']) done.push(gate.acquire('burst').then((release) => (order.push(name), release())));
  done.push(gate.acquire('single').then((release) => (order.push('single'), release())));
  first();
  await Promise.all(done);
  assert.deepEqual(order, ['burst1', 'single', 'burst2', 'burst3']);
});

test('a gate needs at least one slot', () => {
  assert.throws(() => new StartGate(0));
});

test('below the ceiling, the machine capacity decides; never fewer than one start', async () => {
  let capacity = 0;
  const gate = new StartGate(4, { capacity: () => capacity, recheckMs: 1 });
  const got: ReleaseSlot[] = [];
  for (let i = 0; i < 4; i++) void gate.acquire('k').then((r) => got.push(r));
  await flush();
  assert.equal(gate.running, 1, 'one start goes even with no spare CPU');
  capacity = 3; // the load eased: the waiting starts go without any release
  while (gate.running < 3) await new Promise((r) => setTimeout(r, 2));
  assert.equal(gate.waiting, 1);
  capacity = 100; // never above the ceiling
  for (const r of got.splice(0)) r();
  while (gate.waiting > 0) await new Promise((r) => setTimeout(r, 2));
  assert.equal(gate.running, 1);
});
