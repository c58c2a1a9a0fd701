// The scheduler on fake time: runs fire on time, once each; after downtime a missed run fires
// once or is skipped, as configured; one-time schedules can delete themselves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabases } from '../../src/storage/database.js';
import { ScheduleStore, type ScheduleRecord } from '../../src/storage/schedule-store.js';
import { computeNextRun, Scheduler, type Clock } from '../../src/triggers/schedule/scheduler.js';
import { tempDataDir } from '../helpers/gust-process.js';

class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; active: boolean }[] = [];
  constructor(public time: number) {}
  now = () => this.time;
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.time + ms, fn, active: true };
    this.timers.push(timer);
    return { clear: () => (timer.active = false) };
  }
  /** Moves time forward, running timers in order as they come due. */
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.active && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.active = false;
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
  }
}

const T0 = Date.parse('2026-03-01T00:00:30Z');

function schedule(store: ScheduleStore, expression: string, extra: Partial<ScheduleRecord> = {}, now = T0) {
  const record: ScheduleRecord = {
    name: extra.name ?? 's',
    groupName: 'default',
    arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/s',
    expression,
    timezone: 'UTC',
    state: 'ENABLED',
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    roleArn: 'arn:aws:iam::000000000000:role/x',
    actionAfterCompletion: 'NONE',
    missedRuns: 'fire',
    creationDate: now,
    lastModificationDate: now,
    ...extra,
  };
  store.put(record, computeNextRun(record, now));
}

function setup(clock: FakeClock, dataDir = tempDataDir()) {
  const store = new ScheduleStore(openDatabases(dataDir).metadata);
  const fired: { name: string; at: number; firedAt: number }[] = [];
  const scheduler = new Scheduler({ store, clock, log: () => {}, afterFire: () => {}, fire: (s, at) => fired.push({ name: s.name, at, firedAt: clock.now() }) });
  return { store, fired, scheduler, dataDir };
}

test('a rate(1 minute) schedule fires 100 times, on time and once each', () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = setup(clock);
  schedule(store, 'rate(1 minute)');
  scheduler.start();
  clock.advance(100 * 60_000 + 1);
  assert.equal(fired.length, 100);
  assert.equal(new Set(fired.map((f) => f.at)).size, 100);
  assert.ok(fired.every((f, i) => f.at === T0 + (i + 1) * 60_000 && f.firedAt === f.at), 'no lateness on fake time');
});

test('after downtime a missed run fires once (not once per missed run), or is skipped', () => {
  const clock = new FakeClock(T0);
  const first = setup(clock);
  schedule(first.store, 'rate(1 minute)', { name: 'catch-up', missedRuns: 'fire' });
  schedule(first.store, 'rate(1 minute)', { name: 'skipper', missedRuns: 'skip' });
  first.scheduler.start();
  clock.advance(60_000);
  assert.equal(first.fired.length, 2);
  first.scheduler.stop();

  clock.time += 10 * 60_000; // Gust is down for ten minutes
  const second = setup(clock, first.dataDir);
  second.scheduler.start();
  assert.deepEqual(second.fired.map((f) => f.name), ['catch-up'], 'one catch-up run, nothing for the skipper');
  clock.advance(60_000);
  assert.deepEqual(second.fired.map((f) => f.name).sort(), ['catch-up', 'catch-up', 'skipper'], 'then both run on schedule again');
});

test('a run is never fired twice, even by two schedulers over the same store', () => {
  const clock = new FakeClock(T0);
  const a = setup(clock);
  const b = new Scheduler({ store: a.store, clock, log: () => {}, afterFire: () => {}, fire: (s, at) => a.fired.push({ name: s.name, at, firedAt: clock.now() }) });
  schedule(a.store, 'rate(5 minutes)');
  a.scheduler.start();
  b.start();
  clock.advance(5 * 60_000);
  assert.equal(a.fired.length, 1);
});

test('a one-time at() schedule fires once and deletes itself when asked', () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = setup(clock);
  schedule(store, 'at(2026-03-01T00:02:00)', { actionAfterCompletion: 'DELETE' });
  scheduler.start();
  clock.advance(10 * 60_000);
  assert.equal(fired.length, 1);
  assert.equal(fired[0].at, Date.parse('2026-03-01T00:02:00Z'));
  assert.equal(store.get('default', 's'), undefined);
});

test('a disabled schedule does not fire', () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = setup(clock);
  schedule(store, 'rate(1 minute)', { state: 'DISABLED' });
  scheduler.start();
  clock.advance(5 * 60_000);
  assert.equal(fired.length, 0);
});
