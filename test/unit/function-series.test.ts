// The per-minute series the console draws: counts, percentiles, peak concurrency across minute
// boundaries, and throttles counted in memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttemptRow } from '../../src/storage/metering-store.js';
import { buildSeries, peakConcurrency, percentile, ThrottleCounts } from '../../src/telemetry/function-series.js';

const row = (startedAt: number, durationMs: number, outcome = 'success', functionName = 'f'): AttemptRow => ({
  requestId: `${startedAt}`, functionName, version: '$LATEST', startedAt, durationMs, billedMs: durationMs, memoryMb: 128, maxMemoryUsedMb: 30, cold: 0, initDurationMs: null, outcome,
});

test('percentile is nearest-rank', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([5], 99), 5);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
});

test('peak concurrency counts overlaps and carries a long invocation through later minutes', () => {
  const peaks = peakConcurrency([row(0, 150_000), row(10_000, 1000), row(10_500, 1000), row(200_000, 10)], 0, 4);
  assert.deepEqual(peaks, [3, 1, 1, 1]);
  assert.deepEqual(peakConcurrency([row(0, 100), row(100, 100)], 0, 1), [1], 'an end and a start at the same instant do not overlap');
});

test('series per function and minute, every named function present', () => {
  const throttles = new ThrottleCounts(60, () => 61_000);
  throttles.add('f');
  const s = buildSeries([row(1000, 10), row(2000, 30, 'error'), row(70_000, 20)], throttles, ['f', 'idle'], 0, 2);
  const f = s.functions.find((x) => x.functionName === 'f')!;
  assert.deepEqual(f.invocations, [2, 1]);
  assert.deepEqual(f.errors, [1, 0]);
  assert.deepEqual(f.throttles, [0, 1]);
  assert.deepEqual(f.p50, [10, 20]);
  assert.deepEqual(f.p99, [30, 20]);
  const idle = s.functions.find((x) => x.functionName === 'idle')!;
  assert.deepEqual(idle.invocations, [0, 0]);
  assert.deepEqual(idle.p50, [null, null]);
});
