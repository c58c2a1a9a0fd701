import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billedMilliseconds, logStreamName, reportLine } from '../../src/telemetry/lambda-log-lines.js';
import { matchesFilterPattern, parseFilterPattern } from '../../src/api/logs/filter-pattern.js';
import { gbSeconds } from '../../src/telemetry/metering.js';

test('REPORT lines have Lambda’s fields, tab separated', () => {
  const line = reportLine({ requestId: 'r1', durationMs: 12.345, billedMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 40, initDurationMs: 150.5 });
  assert.equal(line, 'REPORT RequestId: r1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 150.50 ms\t\n');
  const timeout = reportLine({ requestId: 'r2', durationMs: 1000, billedMs: 1000, memorySizeMb: 128, maxMemoryUsedMb: 40, status: { status: 'timeout' } });
  assert.match(timeout, /Status: timeout\t\n$/);
});

test('billing rounds up to the millisecond with a 1 ms minimum; GB-seconds', () => {
  assert.equal(billedMilliseconds(0.2), 1);
  assert.equal(billedMilliseconds(10.0001), 11);
  assert.equal(billedMilliseconds(10), 10);
  assert.equal(gbSeconds(1000, 1024), 1);
  assert.equal(gbSeconds(500, 512), 0.25);
});

test('log stream names look like Lambda’s', () => {
  assert.equal(logStreamName('$LATEST', 'abc', new Date('2026-11-28T10:00:00Z')), '2026/11/28/[$LATEST]abc');
});

test('filter patterns: terms, phrases, optional and excluded terms', () => {
  const m = (p: string, s: string) => matchesFilterPattern(parseFilterPattern(p), s);
  assert.ok(m('', 'anything'));
  assert.ok(m('ERROR timeout', 'ERROR: a timeout happened'));
  assert.ok(!m('ERROR timeout', 'ERROR only'));
  assert.ok(m('"Task timed out"', 'x Task timed out after 3.00 seconds'));
  assert.ok(!m('"Task timed out"', 'Task has timed out'));
  assert.ok(m('?WARN ?ERROR', 'an ERROR'));
  assert.ok(!m('?WARN ?ERROR', 'info'));
  assert.ok(!m('REPORT -Init', 'REPORT ... Init Duration'));
  assert.ok(!m('error', 'ERROR'), 'case-sensitive like CloudWatch');
});
