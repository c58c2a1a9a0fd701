// When a waiting invocation may count on busy instances instead of a start of its own: only once
// the version has as many instances as CPUs, and only as many waiters as the instances are seen
// to finish within one cold start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SupplyEstimate } from '../../src/invoke/supply-estimate.js';

/** An estimate that saw a 100 ms cold start and invocations finishing every `everyMs`. */
function learnt(everyMs: number, parallelism = 2): SupplyEstimate {
  const e = new SupplyEstimate(parallelism);
  e.observeColdStart(100);
  for (let t = 1000; t < 1000 + 200 * everyMs; t += everyMs) e.observeFinish(t - 2 * everyMs, t); // instances overlap: each started before the previous finish
  return e;
}

test('before anything is known (a new function, a burst) only returning instances count', () => {
  const e = new SupplyEstimate(2);
  assert.equal(e.covered(5, 0, 0), 0);
  assert.equal(e.covered(5, 3, 0), 3);
  e.observeColdStart(100);
  assert.equal(e.covered(5, 0, 0), 0, 'no finish seen yet');
});

test('fast finishes cover as many waiters as they serve within one cold start', () => {
  const e = learnt(1);
  assert.ok(Math.abs(e.covered(2, 0, 0) - 100) <= 2, `covered ${e.covered(2, 0, 0)}`);
});

test('fewer instances than CPUs: a start adds throughput, so busy ones do not count', () => {
  const e = learnt(1);
  assert.equal(e.covered(1, 0, 0), 0);
  assert.equal(e.covered(0, 1, 0), 1);
  assert.ok(e.covered(1, 0, 1) > 50, 'one on its way makes two');
});

test('slow invocations (a start is sooner) never make a waiter wait', () => {
  const e = learnt(500);
  assert.equal(e.covered(10, 0, 0), 0);
  assert.equal(e.covered(10, 2, 0), 2);
});

test('an idle spell and finishes seen while starts run are not taken as the serving rate', () => {
  const e = learnt(1);
  const before = e.covered(2, 0, 0);
  e.observeFinish(60_000, 60_040); // the first call after a minute idle took 40 ms (thaw, cold caches)
  assert.equal(e.covered(2, 0, 0), before);
  e.startsInFlight = 1;
  for (let t = 61_000; t < 61_100; t += 10) e.observeFinish(t - 1, t);
  e.startsInFlight = 0;
  assert.equal(e.covered(2, 0, 0), before);
});

test('a waiter counts on busy instances no longer than a cold start, within bounds', () => {
  assert.equal(learnt(1).patienceMs(200), 200);
  const slowStart = new SupplyEstimate(2);
  slowStart.observeColdStart(5000);
  assert.equal(slowStart.patienceMs(200), 1000);
});
