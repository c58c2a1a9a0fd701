// What every ScheduleStore must do, whatever its backend, and the unit of work a schedule's run
// fires in: advancing the schedule and queueing its event commit together or not at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScheduleFiringTransaction, ScheduleRecord, ScheduleStore } from '../../src/storage/schedule-store.js';

export function scheduleStoreContract(backend: string, open: () => Promise<{ store: ScheduleStore; transaction: ScheduleFiringTransaction; queued(): Promise<number> }>) {
  const record = (name: string, extra: Partial<ScheduleRecord> = {}): ScheduleRecord => ({
    name,
    groupName: 'default',
    arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/default/${name}`,
    expression: 'rate(1 minute)',
    timezone: 'UTC',
    state: 'ENABLED',
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    roleArn: 'arn:aws:iam::000000000000:role/x',
    actionAfterCompletion: 'NONE',
    missedRuns: 'fire',
    creationDate: 1,
    lastModificationDate: 1,
    ...extra,
  });

  test(`${backend} ScheduleStore: put, get, replace, delete`, async () => {
    const { store } = await open();
    assert.equal(await store.get('default', 'a'), undefined);
    await store.put(record('a', { input: '{"x":1}' }), 100);
    assert.deepEqual(await store.get('default', 'a'), { ...record('a', { input: '{"x":1}' }), nextRunAt: 100 });
    await store.put(record('a', { state: 'DISABLED' }), null);
    assert.deepEqual(await store.get('default', 'a'), { ...record('a', { state: 'DISABLED' }), nextRunAt: null }, 'a second put replaces');
    assert.equal(await store.delete('default', 'a'), true);
    assert.equal(await store.delete('default', 'a'), false, 'gone already');
    assert.equal(await store.get('default', 'a'), undefined);
  });

  test(`${backend} ScheduleStore: list by name; due and earliest by next run`, async () => {
    const { store } = await open();
    assert.equal(await store.earliest(), null);
    await store.put(record('c'), 300);
    await store.put(record('a'), 200);
    await store.put(record('b'), null);
    assert.deepEqual((await store.list()).map((s) => s.name), ['a', 'b', 'c']);
    assert.equal(await store.earliest(), 200);
    assert.deepEqual((await store.due(199)).map((s) => s.name), []);
    assert.deepEqual((await store.due(300)).map((s) => [s.name, s.nextRunAt]), [['a', 200], ['c', 300]], 'the earliest first; none without a next run');
  });

  test(`${backend} ScheduleStore: advance moves a run on only from the run it expects (one firing wins)`, async () => {
    const { store } = await open();
    await store.put(record('a'), 100);
    assert.equal(await store.advance('default', 'a', 100, 160), true);
    assert.equal(await store.advance('default', 'a', 100, 160), false, 'a second firing of the same run loses');
    assert.equal((await store.get('default', 'a'))?.nextRunAt, 160);
    assert.equal(await store.advance('default', 'a', 160, null), true);
    assert.equal((await store.get('default', 'a'))?.nextRunAt, null);
    assert.equal(await store.advance('default', 'nope', 1, 2), false);
  });

  test(`${backend} ScheduleStore: a firing commits the advance and the queued event together, or neither`, async () => {
    const { store, transaction, queued } = await open();
    await store.put(record('a'), 100);
    const event = { requestId: 'r', functionName: 'f', qualifier: '$LATEST', payload: Buffer.from('{}') };
    await assert.rejects(
      transaction(async ({ schedules, asyncEvents }) => {
        await schedules.advance('default', 'a', 100, 160);
        await asyncEvents.enqueue(event);
        throw new Error('the run failed after both writes');
      }),
      /the run failed/,
    );
    assert.equal((await store.get('default', 'a'))?.nextRunAt, 100, 'not moved on: the run is still due');
    assert.equal(await queued(), 0, 'and nothing was queued');
    await transaction(async ({ schedules, asyncEvents }) => {
      await schedules.advance('default', 'a', 100, 160);
      await asyncEvents.enqueue(event);
    });
    assert.equal((await store.get('default', 'a'))?.nextRunAt, 160);
    assert.equal(await queued(), 1);
  });
}
