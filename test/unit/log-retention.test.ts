// Log retention and the size cap on a real telemetry.db, on fake time: events older than their
// group's retention go, a group over the cap keeps its newest events, byte counts stay true,
// streams left empty go, deletes run in bounded steps, and freed pages go back to the disk.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { LogStore } from '../../src/storage/log-store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { LogRetention, RETENTION_SWEEP_INTERVAL_MS } from '../../src/telemetry/log-retention.js';
import { tempDataDir } from '../helpers/gust-process.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const GROUP = '/aws/lambda/f';


async function setup(maxGroupBytes = Infinity) {
  const dbs = await openDatabases(tempDataDir());
  let overCap = 0;
  const store = new LogStore(dbs.telemetry, { maxGroupBytes, onOverCap: () => overCap++ });
  const clock = new FakeClock(T0);
  const retention = new LogRetention({ store, clock });
  return { dbs, store, clock, retention, overCapCalls: () => overCap };
}

const events = (store: LogStore, group = GROUP) => store.groupEvents(group, { afterId: 0, start: 0, end: Number.MAX_SAFE_INTEGER, limit: 1_000_000 });
const bytesOf = (messages: string[]) => messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
const group = async (store: LogStore, name = GROUP) => (await store.groups(name, '', 10)).find((g) => g.name === name);

test('retention deletes events older than the policy, keeps the rest, and drops streams left empty', async (t) => {
  const { dbs, store, clock, retention } = await setup();
  t.after(() => dbs.close());
  for (let i = 0; i < 5; i++) store.append(GROUP, 'old-stream', T0 + i, `old ${i}\n`);
  for (let i = 0; i < 3; i++) store.append(GROUP, 'mixed', T0 + i, `old mixed ${i}\n`);
  for (let i = 0; i < 4; i++) store.append(GROUP, 'mixed', T0 + 6 * DAY + i, `new é ${i}\n`);
  store.append('/aws/lambda/other', 's', T0, 'no policy here\n');
  await store.flush();
  assert.equal(await store.setRetention(GROUP, 7), true);
  assert.equal(await store.setRetention('/aws/lambda/none', 7), false);

  clock.time = T0 + 8 * DAY; // the first 8 events are 8 days old, the other 4 two days old
  const report = await retention.sweep();
  assert.equal(report.expired, 8);
  const left = (await events(store)).map((e) => e.message);
  assert.deepEqual(left, ['new é 0\n', 'new é 1\n', 'new é 2\n', 'new é 3\n']);
  assert.equal((await group(store))!.storedBytes, bytesOf(left), 'storedBytes counts what is left, in UTF-8 bytes');
  assert.equal((await group(store))!.retentionInDays, 7);
  assert.equal(await store.streamExists(GROUP, 'old-stream'), false, 'a stream left empty is removed');
  const mixed = (await store.streams(GROUP, { prefix: '', byLastEvent: false, descending: false, offset: 0, limit: 10 }));
  assert.deepEqual(mixed.map((s) => [s.streamName, s.firstEventAt, s.storedBytes]), [['mixed', T0 + 6 * DAY, bytesOf(left)]]);
  assert.equal((await events(store, '/aws/lambda/other')).length, 1, 'a group without a policy keeps everything');

  clock.time = T0 + 30 * DAY;
  await retention.sweep();
  assert.equal((await events(store)).length, 0);
  assert.equal(await store.groupExists(GROUP), true, 'the group and its policy outlive its events');
  assert.equal((await group(store))!.storedBytes, 0);
  assert.equal(await store.setRetention(GROUP, null), true);
  assert.equal((await group(store))!.retentionInDays, null);
});

test('the sweep runs on the clock: at start, then every interval', async (t) => {
  const { dbs, store, clock, retention } = await setup();
  t.after(() => {
    retention.stop();
    dbs.close();
  });
  store.append(GROUP, 's', T0, 'day 0\n');
  store.append(GROUP, 's', T0 + DAY, 'day 1\n');
  await store.flush();
  await store.setRetention(GROUP, 1);
  retention.start();
  clock.advance(0);
  await retention.sweep(); // joins the pass the timer started
  assert.equal((await events(store)).length, 2, 'nothing is a day old yet');
  assert.equal(clock.pending().length, 1, 'the next sweep is armed');
  assert.equal(clock.pending()[0].at, T0 + RETENTION_SWEEP_INTERVAL_MS);

  clock.time = T0 + DAY + 1000;
  clock.advance(RETENTION_SWEEP_INTERVAL_MS);
  await retention.sweep();
  assert.deepEqual((await events(store)).map((e) => e.message), ['day 1\n']);
  retention.stop();
  assert.equal(clock.pending().length, 0, 'stop() leaves no timer behind');
});

test('a big delete runs in bounded steps', async (t) => {
  const { dbs, store, clock, retention } = await setup();
  t.after(() => dbs.close());
  for (let i = 0; i < 5000; i++) store.append(GROUP, `s${i % 7}`, T0, `line ${i}\n`);
  await store.flush();
  const step = store.deletion.deleteOlderThan(GROUP, T0 + 1, { maxRows: 100, maxReadBytes: Infinity });
  assert.deepEqual([step.rows, step.more], [100, true]);
  const byBytes = store.deletion.deleteOlderThan(GROUP, T0 + 1, { maxRows: Infinity, maxReadBytes: 1000 });
  assert.ok(byBytes.rows > 0 && byBytes.rows < 200 && byBytes.more, `a step stops at its read budget (${byBytes.rows} rows)`);
  assert.equal((await group(store))!.storedBytes, bytesOf((await events(store)).map((e) => e.message)));

  await store.setRetention(GROUP, 1);
  clock.time = T0 + 2 * DAY;
  const report = await retention.sweep(); // more than one default step (500 rows)
  assert.equal(report.expired, 5000 - 100 - byBytes.rows);
  assert.equal((await events(store)).length, 0);
  assert.equal((await store.streams(GROUP, { prefix: '', byLastEvent: false, descending: false, offset: 0, limit: 50 })).length, 0);
});

test('stop() ends a sweep between steps, so the database can close under it', async () => {
  const { dbs, store, clock, retention } = await setup(100);
  for (let i = 0; i < 3000; i++) store.append(GROUP, 's', T0, `line ${i}\n`);
  store.append('/aws/lambda/g2', 's', T0, 'old\n');
  await store.flush();
  await store.setRetention(GROUP, 1);
  await store.setRetention('/aws/lambda/g2', 1);
  clock.time = T0 + 2 * DAY;
  const sweeping = retention.sweep();
  retention.stop();
  dbs.close();
  assert.deepEqual(await sweeping, { expired: 0, trimmed: 0 });
});

test('a group over the cap keeps its newest events, within the cap, at every read', async (t) => {
  const cap = 10_000;
  const { dbs, store, overCapCalls } = await setup(cap);
  t.after(() => dbs.close());
  const line = (i: number) => `${String(i).padStart(4, '0')} ${'x'.repeat(994)}\n`; // 1,000 bytes
  for (let i = 0; i < 35; i++) {
    store.append(GROUP, `stream-${Math.floor(i / 10)}`, T0 + i, line(i));
    if (i % 3 === 2) await store.flush();
    const total = (await group(store))?.storedBytes ?? 0;
    assert.ok(total <= cap, `after line ${i}: ${total} bytes stored`);
  }
  store.append('/aws/lambda/small', 's', T0, 'kept\n');
  await store.flush();
  const left = (await events(store)).map((e) => e.message);
  assert.deepEqual(left, [25, 26, 27, 28, 29, 30, 31, 32, 33, 34].map(line), 'the newest events, as many as fit');
  assert.equal((await group(store))!.storedBytes, bytesOf(left));
  assert.deepEqual(
    (await store.streams(GROUP, { prefix: '', byLastEvent: false, descending: false, offset: 0, limit: 50 })).map((s) => s.streamName),
    ['stream-2', 'stream-3'],
    'streams left empty are removed',
  );
  assert.equal((await events(store, '/aws/lambda/small')).length, 1, 'other groups are not touched');
  assert.equal(overCapCalls(), 0, 'each write was trimmed in its own batch');
});

test('a flood larger than one step is finished by the sweeper', async (t) => {
  const cap = 1000;
  const { dbs, store, retention, overCapCalls } = await setup(cap);
  t.after(() => dbs.close());
  for (let i = 0; i < 6000; i++) store.append(GROUP, 's', T0 + i, `${String(i).padStart(9, '0')}\n`); // 10 bytes each
  await store.flush();
  assert.equal(overCapCalls(), 1, 'the write asked for a sweep');
  assert.ok((await group(store))!.storedBytes > cap, 'one bounded step was not enough');
  const report = await retention.sweep();
  assert.ok(report.trimmed > 0);
  const left = (await events(store)).map((e) => e.message);
  assert.equal((await group(store))!.storedBytes, bytesOf(left));
  assert.ok((await group(store))!.storedBytes <= cap);
  assert.equal(left.length, 100);
  assert.equal(left.at(-1), '000005999\n');
});

test('deleted pages go back to the file system', async (t) => {
  const { dbs, store, clock, retention } = await setup();
  t.after(() => dbs.close());
  const big = 'y'.repeat(4000);
  for (let i = 0; i < 2000; i++) store.append(GROUP, 's', T0, big); // ~8 MB
  store.append(GROUP, 's', T0 + 10 * DAY, 'recent\n');
  await store.flush();
  const pages = () => dbs.telemetry.pragma('page_count', { simple: true }) as number;
  const before = pages();
  await store.setRetention(GROUP, 3);
  clock.time = T0 + 11 * DAY;
  await retention.sweep();
  assert.ok(pages() < before / 4, `page count ${before} → ${pages()}`);
  assert.ok((dbs.telemetry.pragma('freelist_count', { simple: true }) as number) <= 256);
  assert.deepEqual((await events(store)).map((e) => e.message), ['recent\n']);
});

test('an older telemetry.db gains log groups and incremental vacuum when opened', async (t) => {
  const dir = tempDataDir();
  const old = new Database(path.join(dir, 'telemetry.db'));
  old.pragma('journal_mode = WAL');
  old.exec(`
    CREATE TABLE log_streams (group_name TEXT NOT NULL, stream_name TEXT NOT NULL, created_at INTEGER NOT NULL, first_event_at INTEGER,
      last_event_at INTEGER, last_ingested_at INTEGER, stored_bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (group_name, stream_name));
    INSERT INTO log_streams VALUES ('/aws/lambda/a', 's1', 100, 100, 100, 100, 10), ('/aws/lambda/a', 's2', 50, 50, 50, 50, 5);`);
  old.close();
  let dbs: Databases | undefined;
  t.after(() => {
    void dbs?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  dbs = await openDatabases(dir);
  assert.equal(dbs.telemetry.pragma('auto_vacuum', { simple: true }), 2);
  const store = new LogStore(dbs.telemetry);
  assert.deepEqual(await store.groups('', '', 10), [{ name: '/aws/lambda/a', createdAt: 50, storedBytes: 15, retentionInDays: null }]);
});
