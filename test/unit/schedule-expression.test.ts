// Schedule expressions: AWS cron semantics checked against aws-cron-parser as an oracle, the
// edge cases (L, W, #, leap years, the year field), daylight-saving changes, rate() and at(),
// and the reasons invalid expressions are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import awsCron from 'aws-cron-parser';
import { nextRun, parseScheduleExpression } from '../../src/triggers/schedule/schedule-expression.js';

function runs(expression: string, from: string, count: number, timezone = 'UTC'): string[] {
  const expr = parseScheduleExpression(expression, timezone);
  const out: string[] = [];
  let after = new Date(from);
  for (let i = 0; i < count; i++) {
    const next = nextRun(expr, after, timezone, new Date(from));
    if (!next) break;
    out.push(next.toISOString());
    after = next;
  }
  return out;
}

function oracle(fields: string, from: string, count: number): string[] {
  const parsed = awsCron.parse(fields);
  const out: string[] = [];
  let after = new Date(from);
  for (let i = 0; i < count; i++) {
    const next = awsCron.next(parsed, new Date(after.getTime() + 1000));
    if (!next) break;
    out.push(next.toISOString());
    after = next;
  }
  return out;
}

test('cron agrees with aws-cron-parser on AWS semantics (UTC)', () => {
  const cases = [
    '0 12 * * ? *',
    '0/15 9-17 ? * MON-FRI *',
    '0 10 ? * 6L 2026-2028',
    '15 10 ? * 2#3 *',
    '0 9 L * ? *',
    '0 9 15W * ? *',
    '30 6 1,15 JAN,JUL ? *',
    '0 0 ? * 1 *',
    '5 4 ? * SUN-TUE 2027',
  ];
  for (const fields of cases) assert.deepEqual(runs(`cron(${fields})`, '2026-01-30T13:00:00Z', 8), oracle(fields, '2026-01-30T13:00:00Z', 8), fields);
});

test('LW is the last weekday of the month (the oracle cannot parse it)', () => {
  assert.deepEqual(runs('cron(0 9 LW * ? *)', '2026-01-30T13:00:00Z', 4), ['2026-02-27T09:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-04-30T09:00:00.000Z', '2026-05-29T09:00:00.000Z']);
});

test('leap years and the year field', () => {
  assert.deepEqual(runs('cron(0 0 29 2 ? *)', '2026-01-01T00:00:00Z', 2), ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']);
  assert.deepEqual(runs('cron(0 0 1 1 ? 2027/2)', '2026-01-01T00:00:00Z', 2), ['2027-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z']);
  assert.deepEqual(runs('cron(0 0 1 1 ? 2026)', '2026-06-01T00:00:00Z', 1), [], 'no run after the last year');
});

test('a year far ahead is found by year, not by stepping run by run', () => {
  // Hourly, but only in 2150: some 1.1 million hourly runs away. Stepping gave up after 1,000.
  assert.deepEqual(runs('cron(0 * * * ? 2150)', '2026-03-01T00:00:30Z', 3), ['2150-01-01T00:00:00.000Z', '2150-01-01T01:00:00.000Z', '2150-01-01T02:00:00.000Z']);
  assert.deepEqual(runs('cron(0 * * * ? 2030)', '2026-03-01T00:00:30Z', 2), oracle('0 * * * ? 2030', '2026-03-01T00:00:30Z', 2));
  // In a zone, the year starts at local midnight.
  assert.deepEqual(runs('cron(0 0 * * ? 2150)', '2026-03-01T00:00:00Z', 1, 'Europe/Paris'), ['2149-12-31T23:00:00.000Z']);
  // A list with a gap of years, then nothing after the last one.
  assert.deepEqual(runs('cron(0 12 1 JAN ? 2027,2035)', '2026-03-01T00:00:00Z', 3), ['2027-01-01T12:00:00.000Z', '2035-01-01T12:00:00.000Z']);
  // The last year there is, and the 5th Monday of February (a leap year starting on a Monday).
  assert.deepEqual(runs('cron(0 0 31 12 ? 2199)', '2026-03-01T00:00:00Z', 2), ['2199-12-31T00:00:00.000Z']);
  assert.deepEqual(runs('cron(0 0 ? 2 2#5 2045-2199)', '2026-03-01T00:00:00Z', 1), ['2072-02-29T00:00:00.000Z']);
});

test('an expression with no run left gives none', () => {
  assert.deepEqual(runs('cron(0 * * * ? 2020)', '2026-03-01T00:00:00Z', 1), [], 'its only year has passed');
  assert.deepEqual(runs('cron(0 0 30 2 ? *)', '2026-03-01T00:00:00Z', 1), [], '30 February never comes');
  assert.deepEqual(runs('at(2020-01-01T00:00:00)', '2026-03-01T00:00:00Z', 1), [], 'at() in the past has no run after now');
});

test('daylight saving in Europe/Berlin: no skipped and no doubled run', () => {
  // 29 March 2026: 02:00 → 03:00. 02:30 does not exist that day; the run still happens once.
  const spring = runs('cron(30 2 * * ? *)', '2026-03-27T12:00:00Z', 3, 'Europe/Berlin');
  assert.equal(spring.length, 3);
  assert.deepEqual(spring.map((t) => t.slice(0, 10)), ['2026-03-28', '2026-03-29', '2026-03-30']);
  // 25 October 2026: 03:00 → 02:00. 02:30 happens twice; it runs once.
  const fall = runs('cron(30 2 * * ? *)', '2026-10-24T12:00:00Z', 3, 'Europe/Berlin');
  assert.deepEqual(fall, ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  // An hourly schedule keeps firing every real hour across the change.
  const hourly = runs('cron(0 * * * ? *)', '2026-10-24T22:30:00Z', 6, 'Europe/Berlin');
  assert.equal(new Set(hourly).size, 6);
});

test('daylight saving in America/New_York', () => {
  // 8 March 2026: 02:00 → 03:00; 1 November 2026: 02:00 → 01:00.
  const spring = runs('cron(0 9 * * ? *)', '2026-03-07T00:00:00Z', 2, 'America/New_York');
  assert.deepEqual(spring, ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z'], '09:00 local, EST then EDT');
  const fall = runs('cron(30 1 * * ? *)', '2026-10-31T12:00:00Z', 2, 'America/New_York');
  assert.deepEqual(fall, ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'], '01:30 runs once on the day it repeats');
});

test('rate() counts from its anchor; at() is a local time in the zone', () => {
  assert.deepEqual(runs('rate(5 minutes)', '2026-01-01T00:00:00Z', 3), ['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z']);
  const expr = parseScheduleExpression('rate(1 hour)');
  assert.equal(nextRun(expr, new Date('2026-01-01T05:30:00Z'), 'UTC', new Date('2026-01-01T00:00:00Z'))?.toISOString(), '2026-01-01T06:00:00.000Z');
  assert.deepEqual(runs('at(2026-07-01T09:00:00)', '2026-01-01T00:00:00Z', 2, 'Europe/Berlin'), ['2026-07-01T07:00:00.000Z']);
});

test('invalid expressions are refused with the field and value', () => {
  const reason = (e: string) => {
    try {
      parseScheduleExpression(e);
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.match(reason('cron(0 12 * * * *)'), /exactly one of day-of-month and day-of-week/);
  assert.match(reason('cron(60 * * * ? *)'), /minutes has an invalid value '60'/);
  assert.match(reason('cron(0 25 * * ? *)'), /hours has an invalid value '25'/);
  assert.match(reason('cron(0 1 ? * 8 *)'), /day-of-week has an invalid value '8'/);
  assert.match(reason('cron(0 1 * * ? 1969)'), /year has an invalid value '1969'/);
  assert.match(reason('cron(0 12 * * ?)'), /needs 6 fields/);
  assert.match(reason('rate(1 minutes)'), /singular/);
  assert.match(reason('rate(5 minute)'), /plural/);
  assert.match(reason('rate(0 minutes)'), /positive/);
  assert.match(reason('rate(5 weeks)'), /minute\(s\), hour\(s\) or day\(s\)/);
  assert.match(reason('at(2026-13-01T00:00:00)'), /not a valid/);
  assert.match(reason('every day'), /use rate/);
});
