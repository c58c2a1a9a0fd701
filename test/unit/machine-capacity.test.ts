import assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineCapacity, readCpuTimes } from '../../src/invoke/machine-capacity.js';

test('capacity is the starts running plus the cores that sat idle since the last sample', () => {
  let t = 0;
  let times = { idle: 0, total: 0 };
  const capacity = machineCapacity({ cores: 2, windowMs: 10, read: () => times, now: () => t });
  assert.equal(capacity(0), 2, 'before any sample: every core');
  t = 20;
  times = { idle: 0, total: 200 }; // both cores busy
  assert.equal(capacity(1), 1);
  t = 25;
  times = { idle: 100, total: 400 }; // within the window: the last figure holds
  assert.equal(capacity(1), 1);
  t = 40;
  assert.equal(capacity(1), 2, 'one core idle');
});

test('the kernel CPU times are read', () => {
  const { idle, total } = readCpuTimes();
  assert.ok(total > 0 && idle >= 0 && idle <= total);
});
