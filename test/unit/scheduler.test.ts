// The scheduler on fake time: runs fire on time, once each; after downtime a missed run fires
// once or is skipped, as configured; one-time schedules can delete themselves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabases } from '../../src/storage/database.js';
import { SqlScheduleStore, sqlScheduleFiringTransaction, type ScheduleRecord, type ScheduleStore } from '../../src/storage/schedule-store.js';
import { Schedules } from '../../src/control/schedules.js';
import { GustError } from '../../src/errors.js';
import type { Clock } from '../../src/clock.js';
import { computeFirstRun, computeNextRun, RETRY_AFTER_FAILURE_MS, Scheduler } from '../../src/triggers/schedule/scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { tempDataDir } from '../helpers/gust-process.js';

const T0 = Date.parse('2026-03-01T00:00:30Z');

async function schedule(store: ScheduleStore, expression: string, extra: Partial<ScheduleRecord> = {}, now = T0) {
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
  await store.put(record, computeFirstRun(record, now));
}

async function setup(clock: FakeClock, dataDir = tempDataDir()) {
  const db = (await openDatabases(dataDir)).metadataSql;
  const store = new SqlScheduleStore(db);
  const transaction = sqlScheduleFiringTransaction(db);
  const fired: { name: string; at: number; firedAt: number }[] = [];
  const scheduler = new Scheduler({ store, transaction, clock, log: () => {}, afterFire: () => {}, fire: (s, at) => fired.push({ name: s.name, at, firedAt: clock.now() }) });
  return { store, transaction, fired, scheduler, dataDir };
}

test('a rate(1 minute) schedule fires 100 times, on time and once each', async () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = await setup(clock);
  await schedule(store, 'rate(1 minute)');
  await scheduler.start();
  await clock.advanceAsync(100 * 60_000 + 1);
  assert.equal(fired.length, 100);
  assert.equal(new Set(fired.map((f) => f.at)).size, 100);
  assert.ok(fired.every((f, i) => f.at === T0 + (i + 1) * 60_000 && f.firedAt === f.at), 'no lateness on fake time');
});

test('after downtime a missed run fires once (not once per missed run), or is skipped', async () => {
  const clock = new FakeClock(T0);
  const first = await setup(clock);
  await schedule(first.store, 'rate(1 minute)', { name: 'catch-up', missedRuns: 'fire' });
  await schedule(first.store, 'rate(1 minute)', { name: 'skipper', missedRuns: 'skip' });
  await first.scheduler.start();
  await clock.advanceAsync(60_000);
  assert.equal(first.fired.length, 2);
  first.scheduler.stop();

  clock.time += 10 * 60_000; // Gust is down for ten minutes
  const second = await setup(clock, first.dataDir);
  await second.scheduler.start();
  assert.deepEqual(second.fired.map((f) => f.name), ['catch-up'], 'one catch-up run, nothing for the skipper');
  await clock.advanceAsync(60_000);
  assert.deepEqual(second.fired.map((f) => f.name).sort(), ['catch-up', 'catch-up', 'skipper'], 'then both run on schedule again');
});

test('a run is never fired twice, even by two schedulers over the same store', async () => {
  const clock = new FakeClock(T0);
  const a = await setup(clock);
  const b = new Scheduler({ store: a.store, transaction: a.transaction, clock, log: () => {}, afterFire: () => {}, fire: (s, at) => a.fired.push({ name: s.name, at, firedAt: clock.now() }) });
  await schedule(a.store, 'rate(5 minutes)');
  await a.scheduler.start();
  await b.start();
  await clock.advanceAsync(5 * 60_000);
  assert.equal(a.fired.length, 1);
});

test('a node re-reads the schedules it was not told of (another node made them), when asked to', async () => {
  const clock = new FakeClock(T0);
  const a = await setup(clock);
  const others = new Scheduler({ store: a.store, transaction: a.transaction, clock, log: () => {}, afterFire: () => {}, fire: (s, at) => a.fired.push({ name: s.name, at, firedAt: clock.now() }), rereadEveryMs: 10_000 });
  await others.start(); // an empty store: nothing to wait for yet
  await schedule(a.store, 'rate(1 minute)'); // written by another node: this scheduler is not told
  await clock.advanceAsync(60_000);
  assert.deepEqual(a.fired.map((f) => f.at), [T0 + 60_000], 'fired at its time, found by a re-read');
  await a.scheduler.start(); // one told of nothing either, and not re-reading: it finds the schedule only at start
  await clock.advanceAsync(60_000);
  assert.deepEqual(a.fired.map((f) => f.at), [T0 + 60_000, T0 + 120_000], 'still once per run with two schedulers');
  others.stop();
  a.scheduler.stop();
});

test('a one-time at() schedule fires once and deletes itself when asked', async () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = await setup(clock);
  await schedule(store, 'at(2026-03-01T00:02:00)', { actionAfterCompletion: 'DELETE' });
  await scheduler.start();
  await clock.advanceAsync(10 * 60_000);
  assert.equal(fired.length, 1);
  assert.equal(fired[0].at, Date.parse('2026-03-01T00:02:00Z'));
  assert.equal((await store.get('default', 's')), undefined);
});

test('a disabled schedule does not fire', async () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = await setup(clock);
  await schedule(store, 'rate(1 minute)', { state: 'DISABLED' });
  await scheduler.start();
  await clock.advanceAsync(5 * 60_000);
  assert.equal(fired.length, 0);
});

test('a cron limited to a year far ahead fires then, not never', async () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = await setup(clock);
  await schedule(store, 'cron(0 * * * ? 2030)');
  assert.equal((await store.get('default', 's'))?.nextRunAt, Date.parse('2030-01-01T00:00:00Z'));
  await scheduler.start();
  await clock.advanceAsync(Date.parse('2030-01-01T02:00:00Z') - T0);
  assert.deepEqual(fired.map((f) => new Date(f.at).toISOString()), ['2030-01-01T00:00:00.000Z', '2030-01-01T01:00:00.000Z', '2030-01-01T02:00:00.000Z']);
});

test('a one-time at() already in the past runs once, at once, as on EventBridge Scheduler', async () => {
  const clock = new FakeClock(T0);
  const { store, fired, scheduler } = await setup(clock);
  await scheduler.start();
  await schedule(store, 'at(2026-02-01T00:00:00)', { actionAfterCompletion: 'DELETE' });
  await scheduler.refresh();
  await clock.advanceAsync(0);
  assert.deepEqual(fired.map((f) => f.at), [Date.parse('2026-02-01T00:00:00Z')]);
  assert.equal((await store.get('default', 's')), undefined, 'then deleted itself');
  await clock.advanceAsync(60 * 60_000);
  assert.equal(fired.length, 1);
});

test('StartDate and EndDate do not apply to a one-time schedule', async () => {
  const record = { expression: 'at(2026-03-02T00:00:00)', timezone: 'UTC', state: 'ENABLED', startDate: T0 + 7 * 86_400_000, endDate: T0 + 60_000, creationDate: T0 } as ScheduleRecord;
  assert.equal(computeNextRun(record, T0), Date.parse('2026-03-02T00:00:00Z'));
});

test('a failing run neither stops the scheduler nor the other schedules; it is tried again a minute later', async () => {
  const clock = new FakeClock(T0);
  const db = (await openDatabases(tempDataDir())).metadataSql;
  const store = new SqlScheduleStore(db);
  const fired: string[] = [];
  const logged: string[] = [];
  let failuresLeft = 3;
  const scheduler = new Scheduler({
    store,
    transaction: sqlScheduleFiringTransaction(db),
    clock,
    log: (line) => logged.push(line),
    afterFire: () => {},
    fire: (s) => {
      if (s.name === 'flaky' && failuresLeft-- > 0) throw new Error('disk full');
      fired.push(s.name);
    },
  });
  await schedule(store, 'rate(1 minute)', { name: 'steady' });
  await schedule(store, 'at(2026-03-01T00:01:00)', { name: 'flaky' });
  // A record that can no longer be read as a schedule (written by an older Gust, say).
  await store.put({ ...(await store.get('default', 'steady'))!, name: 'broken', expression: 'rate(0 minutes)' }, T0 + 60_000);
  await scheduler.start();
  await clock.advanceAsync(10 * 60_000);
  assert.equal(fired.filter((n) => n === 'steady').length, 10, 'the steady schedule kept its pace');
  assert.deepEqual(fired.filter((n) => n === 'flaky'), ['flaky'], 'the flaky run fired once it could');
  assert.ok(logged.some((l) => l.includes('default/flaky') && l.includes('disk full')), logged.join('\n'));
  assert.ok(logged.some((l) => l.includes('default/broken')), 'the broken record is reported');
  const brokenNext = (await store.get('default', 'broken'))!.nextRunAt!;
  assert.ok(brokenNext > clock.now() && brokenNext <= clock.now() + RETRY_AFTER_FAILURE_MS, 'and tried again later, not in a tight loop');
});

test('a recurring schedule with no run left is refused as EventBridge Scheduler refuses it', async () => {
  const store = new SqlScheduleStore((await openDatabases(tempDataDir())).metadataSql);
  const schedules = new Schedules(store, { region: 'us-east-1', accountId: '000000000000' }, () => true, () => {});
  const body = (ScheduleExpression: string, extra: Record<string, unknown> = {}) => ({
    ScheduleExpression,
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', RoleArn: 'arn:aws:iam::000000000000:role/x' },
    ...extra,
  });
  for (const expression of ['cron(0 * * * ? 2020)', 'cron(0 0 30 2 ? *)', 'cron(0 0 31 4 ? *)']) {
    await assert.rejects(
      schedules.create('never', body(expression)),
      (err: unknown) => err instanceof GustError && err.code === 'ValidationException' && err.message.startsWith(`Invalid Schedule Expression ${expression}.`),
      expression,
    );
  }
  assert.equal((await store.get('default', 'never')), undefined, 'nothing was stored');
  await assert.rejects(schedules.create('backwards', body('rate(1 hour)', { StartDate: '2027-01-02T00:00:00Z', EndDate: '2027-01-01T00:00:00Z' })), /must come before the EndDate/);
  await assert.rejects(schedules.create('huge', body('rate(1 hour)', { StartDate: 1e20 })), /StartDate is not a valid timestamp/);
  await schedules.create('far', body('cron(0 * * * ? 2150)'));
  assert.equal((await store.get('default', 'far'))?.nextRunAt, Date.parse('2150-01-01T00:00:00Z'));
  await schedules.create('past', body('at(2020-01-01T00:00:00)'));
  assert.equal((await store.get('default', 'past'))?.nextRunAt, Date.parse('2020-01-01T00:00:00Z'), 'accepted, due at once');
});

test('when the store itself fails, the scheduler waits a minute and carries on', async () => {
  const clock = new FakeClock(T0);
  const db = (await openDatabases(tempDataDir())).metadataSql;
  const real = new SqlScheduleStore(db);
  let failingReads = 2;
  const store = Object.create(real) as ScheduleStore;
  store.due = async (now) => {
    if (failingReads-- > 0) throw new Error('SQLITE_IOERR');
    return real.due(now);
  };
  const fired: number[] = [];
  const logged: string[] = [];
  const scheduler = new Scheduler({ store, transaction: sqlScheduleFiringTransaction(db), clock, log: (l) => logged.push(l), afterFire: () => {}, fire: (_s, at) => fired.push(at) });
  await schedule(real, 'rate(1 minute)');
  await scheduler.start();
  await clock.advanceAsync(5 * 60_000);
  assert.equal(logged.filter((l) => l.includes('SQLITE_IOERR')).length, 2);
  assert.ok(fired.length >= 3, `fires again once the store answers (${fired.length})`);
});
