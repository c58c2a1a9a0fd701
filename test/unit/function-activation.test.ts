// Function states: a change written Pending / InProgress settles to Active / Successful, or to
// Failed with the reason; a record changed meanwhile is left to its own settling; a restart
// settles what kill -9 left behind.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FunctionActivation, markChanging } from '../../src/control/function-activation.js';
import type { FunctionRecord } from '../../src/control/function-record.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { InMemoryFunctionCache } from '../../src/storage/function-cache.js';
import { SqlFunctionStore } from '../../src/storage/function-store.js';
import { tempDataDir } from '../helpers/gust-process.js';
import { functionRecord } from '../contract/function-records.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));

async function setup(prepare: (fn: FunctionRecord) => Promise<void> = async () => {}) {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  const store = new SqlFunctionStore(dbs.metadataSql, new InMemoryFunctionCache());
  const settled: string[] = [];
  const activation = new FunctionActivation({ store, prepare, onSettled: (fn) => settled.push(fn.revisionId), log: () => {} });
  return { store, activation, settled };
}

test('a new function is Pending, then Active with a new RevisionId', async () => {
  const { store, activation, settled } = await setup();
  const pending = markChanging(functionRecord('f', '$LATEST'), true);
  assert.equal(pending.state, 'Pending');
  await store.put(pending);
  activation.start('f');
  await activation.settled('f');
  const active = (await store.get('f', '$LATEST'))!;
  assert.equal(active.state, undefined);
  assert.equal(active.lastUpdateStatus, undefined);
  assert.notEqual(active.revisionId, pending.revisionId);
  assert.deepEqual(settled, [active.revisionId]);
});

test('a check that fails leaves the function Failed, or its update Failed, with the reason', async () => {
  const { store, activation } = await setup(async () => {
    throw new Error('no such runtime');
  });
  await store.put(markChanging(functionRecord('f', '$LATEST'), true));
  activation.start('f');
  await activation.settled('f');
  assert.deepEqual(pick(await store.get('f', '$LATEST')), { state: 'Failed', failureReason: 'no such runtime' });
  await store.put(markChanging(functionRecord('g', '$LATEST'), false));
  activation.start('g');
  await activation.settled('g');
  assert.deepEqual(pick(await store.get('g', '$LATEST')), { lastUpdateStatus: 'Failed', failureReason: 'no such runtime' });
});

test('a record changed while it was being checked is not overwritten', async () => {
  let release = () => {};
  let checking = () => {};
  const checked = new Promise<void>((r) => (checking = r));
  const { store, activation } = await setup(() => (checking(), new Promise<void>((r) => (release = r))));
  await store.put(markChanging(functionRecord('f', '$LATEST'), true));
  activation.start('f');
  await checked;
  await store.put({ ...markChanging(functionRecord('f', '$LATEST'), false), revisionId: 'newer' });
  release();
  await activation.settled('f');
  const now = (await store.get('f', '$LATEST'))!;
  assert.equal(now.revisionId, 'newer');
  assert.equal(now.lastUpdateStatus, 'InProgress', 'the newer change settles on its own turn');
});

test('resumeAll settles what a restart found Pending or InProgress', async () => {
  const { store, activation } = await setup();
  await store.put(markChanging(functionRecord('a', '$LATEST'), true));
  await store.put(markChanging(functionRecord('b', '$LATEST'), false));
  await store.put(functionRecord('c', '$LATEST'));
  await activation.resumeAll();
  for (const name of ['a', 'b']) await activation.settled(name);
  for (const name of ['a', 'b', 'c']) assert.deepEqual(pick(await store.get(name, '$LATEST')), {}, name);
});

function pick(fn: FunctionRecord | undefined) {
  return Object.fromEntries(Object.entries(fn ?? {}).filter(([k]) => ['state', 'lastUpdateStatus', 'failureReason'].includes(k)));
}
