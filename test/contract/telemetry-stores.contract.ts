// What the telemetry stores must do, whatever their backend (telemetry.db on one node, PostgreSQL
// for a cluster): logs read back as CloudWatch Logs groups them, retention and the size cap delete
// oldest first and keep the byte counts true, metering sums attempts per function, and the
// invocation history keeps its limits. Each suite opens fresh stores through openTelemetryStores.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryLimits } from '../../src/storage/invocation-history-store.js';
import type { LogStoreOptions } from '../../src/storage/log-store.js';
import type { TelemetryStores } from '../../src/storage/telemetry-stores.js';
import { Metering } from '../../src/telemetry/metering.js';

export type OpenTelemetry = (opts?: { logs?: LogStoreOptions; history?: HistoryLimits }) => Promise<TelemetryStores>;

const HISTORY: HistoryLimits = { maxBytes: 1024, perFunction: 10, maxAgeMs: 86_400_000 };

export function telemetryStoreSuites(backend: string, open: OpenTelemetry) {
  const logStore = async (logs?: LogStoreOptions) => (await open({ logs })).logs;

  test(`${backend} LogStore: appended lines read back by group, stream and time once flushed`, async () => {
    const store = await logStore();
    store.append('/aws/lambda/f', 's1', 100, 'one\n');
    store.append('/aws/lambda/f', 's2', 200, 'two\n');
    store.append('/aws/lambda/g', 's1', 300, 'three\n');
    await store.flush();
    assert.deepEqual((await store.groups('/aws/lambda/', '', 10)).map((g) => [g.name, g.storedBytes]), [['/aws/lambda/f', 8], ['/aws/lambda/g', 6]]);
    assert.deepEqual((await store.groups('', '', 10, 'G')).map((g) => g.name), ['/aws/lambda/g'], 'the pattern is a case-insensitive substring');
    assert.deepEqual((await store.groups('', '/aws/lambda/f', 10)).map((g) => g.name), ['/aws/lambda/g'], 'paged after a name');
    assert.equal(await store.groupExists('/aws/lambda/f'), true);
    assert.equal(await store.groupExists('/aws/lambda/none'), false);
    const streams = await store.streams('/aws/lambda/f', { prefix: '', byLastEvent: true, descending: true, offset: 0, limit: 10 });
    assert.deepEqual(streams.map((s) => [s.streamName, s.firstEventAt, s.lastEventAt, s.storedBytes]), [['s2', 200, 200, 4], ['s1', 100, 100, 4]]);
    assert.equal(await store.streamExists('/aws/lambda/f', 's2'), true);
    const all = await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 1000, limit: 10 });
    assert.deepEqual(all.map((e) => [e.streamName, e.timestamp, e.message]), [['s1', 100, 'one\n'], ['s2', 200, 'two\n']]);
    assert.equal(typeof all[0].id, 'number');
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: all[0].id, start: 0, end: 1000, limit: 10 })).map((e) => e.message), ['two\n'], 'paged by id');
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 150, end: 1000, limit: 10 })).map((e) => e.message), ['two\n']);
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 1000, streams: ['s1'], limit: 10 })).map((e) => e.message), ['one\n']);
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 1000, streamPrefix: 's2', limit: 10 })).map((e) => e.message), ['two\n']);
    const newest = await store.streamEvents('/aws/lambda/f', 's1', { afterId: 0, beforeId: Number.MAX_SAFE_INTEGER, start: 0, end: 1000, limit: 1, fromEnd: true });
    assert.deepEqual(newest.map((e) => e.message), ['one\n']);
  });

  test(`${backend} LogStore: a message keeps every character a function may print`, async () => {
    const store = await logStore();
    store.append('/aws/lambda/f', 's', 1, 'é ✓ 🎉\n');
    store.append('/aws/lambda/f', 's', 2, 'nul:\0:end\n');
    await store.flush();
    const events = await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 10, limit: 10 });
    assert.equal(events[0].message, 'é ✓ 🎉\n');
    assert.match(events[1].message, /^nul:.:end\n$/u, 'a NUL is kept (SQLite) or replaced by one character (PostgreSQL); the batch is written either way');
  });

  test(`${backend} LogStore: retention is set and removed per group`, async () => {
    const store = await logStore();
    store.append('/aws/lambda/f', 's', 1, 'x\n');
    await store.flush();
    assert.equal(await store.setRetention('/aws/lambda/f', 7), true);
    assert.equal(await store.setRetention('/aws/lambda/none', 7), false);
    assert.deepEqual(await store.retentionPolicies(), [{ group: '/aws/lambda/f', days: 7 }]);
    await store.setRetention('/aws/lambda/f', null);
    assert.deepEqual(await store.retentionPolicies(), []);
  });

  test(`${backend} LogStore: expired events are deleted oldest first in bounded steps, counts kept true`, async () => {
    const store = await logStore();
    for (let t = 1; t <= 5; t++) store.append('/aws/lambda/f', 'old', t, 'abcd');
    store.append('/aws/lambda/f', 'new', 100, 'xy');
    await store.flush();
    const first = await store.deletion.deleteOlderThan('/aws/lambda/f', 50, { maxRows: 3, maxReadBytes: 1 << 20 });
    assert.deepEqual(first, { rows: 3, bytes: 12, more: true });
    const old = (await store.streams('/aws/lambda/f', { prefix: 'old', byLastEvent: false, descending: false, offset: 0, limit: 10 }))[0];
    assert.deepEqual([old.firstEventAt, old.storedBytes], [4, 8], "the stream's first event and bytes follow the delete");
    assert.deepEqual(await store.deletion.deleteOlderThan('/aws/lambda/f', 50, { maxRows: 3, maxReadBytes: 1 << 20 }), { rows: 2, bytes: 8, more: false });
    assert.equal(await store.streamExists('/aws/lambda/f', 'old'), false, 'an emptied stream goes');
    assert.equal(await store.streamExists('/aws/lambda/f', 'new'), true);
    assert.deepEqual((await store.groups('', '', 10)).map((g) => g.storedBytes), [2]);
    assert.deepEqual((await store.deletion.deleteOlderThan('/aws/lambda/f', 50)).rows, 0);
    assert.equal(typeof (await store.deletion.releaseFreePages()), 'boolean');
  });

  test(`${backend} LogStore: a group over its size cap loses its oldest events`, async () => {
    let overCap = 0;
    const store = await logStore({ maxGroupBytes: 10, onOverCap: () => overCap++ });
    for (let t = 1; t <= 4; t++) store.append('/aws/lambda/f', 's', t, 'abcd');
    await store.flush();
    const left = await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 10, limit: 10 });
    assert.deepEqual(left.map((e) => e.timestamp), [3, 4], 'the oldest went in the same batch');
    assert.deepEqual((await store.groups('', '', 10)).map((g) => g.storedBytes), [8]);
    assert.equal(await store.groupExcess('/aws/lambda/f'), 0);
    assert.deepEqual(await store.groupsOverCap(), []);
    assert.equal(overCap, 0, 'one step freed enough');
  });

  test(`${backend} LogStore: a whole stream, then a whole group, is deleted with what describes it`, async () => {
    const store = await logStore();
    for (let t = 1; t <= 3; t++) store.append('/aws/lambda/f', 'a', t, 'abcd');
    store.append('/aws/lambda/f', 'b', 5, 'xy');
    store.append('/aws/lambda/g', 'a', 5, 'kept');
    await store.flush();
    await store.setRetention('/aws/lambda/f', 7);
    assert.equal(await store.deletion.deleteAll('/aws/lambda/f', 'none'), false);
    assert.equal(await store.deletion.deleteAll('/aws/lambda/f', 'a'), true);
    assert.equal(await store.streamExists('/aws/lambda/f', 'a'), false);
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 10, limit: 10 })).map((e) => e.streamName), ['b']);
    assert.deepEqual((await store.groups('', '', 10)).map((g) => [g.name, g.storedBytes]), [['/aws/lambda/f', 2], ['/aws/lambda/g', 4]]);
    assert.equal(await store.deletion.deleteAll('/aws/lambda/f'), true);
    assert.equal(await store.deletion.deleteAll('/aws/lambda/f'), false);
    assert.deepEqual((await store.groups('', '', 10)).map((g) => g.name), ['/aws/lambda/g']);
    assert.deepEqual(await store.retentionPolicies(), [], 'its retention goes with it');
    store.append('/aws/lambda/f', 'c', 9, 'again');
    await store.flush();
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 10, limit: 10 })).map((e) => e.message), ['again'], 'a new group starts empty');
  });

  test(`${backend} Metering: attempts summed per function and per day within the time range`, async () => {
    const metering = new Metering((await open()).metering, { pricePerGbSecond: 0, pricePerMillionRequests: 0 });
    const attempt = { requestId: 'r', functionName: 'f', version: '$LATEST', startedAt: 1000, durationMs: 10.5, billedMs: 11, memoryMb: 1024, maxMemoryUsedMb: 50, cold: true, outcome: 'success' };
    metering.record(attempt);
    metering.record({ ...attempt, startedAt: 2000, cold: false, outcome: 'error', initDurationMs: 3.25 });
    metering.record({ ...attempt, functionName: 'g', startedAt: 5000 });
    metering.record({ ...attempt, startedAt: 86_400_000 + 5 });
    const usage = await metering.usage({ start: 0, end: 3000 });
    assert.deepEqual(usage.map((u) => [u.functionName, u.requests, u.errors, u.coldStarts, u.durationMs, u.billedMs]), [['f', 2, 1, 1, 21, 22]]);
    assert.equal(usage[0].gbSeconds, 0.022);
    assert.deepEqual((await metering.usage({ functionName: 'g', start: 0, end: 10_000 })).map((u) => u.functionName), ['g']);
    const daily = await metering.dailyUsage({ functionName: 'f', start: 0, end: 2 * 86_400_000 });
    assert.deepEqual(daily.map((d) => [d.day, d.requests]), [[0, 2], [86_400_000, 1]]);
    const attempts = await metering.attempts({ functionName: 'f', start: 0, end: 3000, limit: 10 });
    assert.deepEqual(attempts.map((a) => [a.startedAt, a.cold, a.initDurationMs, a.outcome]), [[1000, 1, null, 'success'], [2000, 0, 3.25, 'error']]);
  });

  test(`${backend} InvocationHistoryStore: newest first, cut to size, at most N per function`, async () => {
    const history = (await open({ history: { ...HISTORY, maxBytes: 4, perFunction: 3 } })).history;
    const now = Date.now();
    for (let i = 0; i < 5; i++) history.record({ requestId: `r${i}`, functionName: 'f', qualifier: '$LATEST', startedAt: now - 100 + i, source: 'api', payload: Buffer.from(`p${i}-long`), response: i === 0 ? undefined : Buffer.from('ok') });
    history.record({ requestId: 'g1', functionName: 'g', qualifier: '1', startedAt: now, source: 'http', payload: Buffer.from('{}'), functionError: 'Unhandled' });
    const list = await history.list('f', 10);
    assert.deepEqual(list.map((e) => [e.requestId, e.payload, e.payloadTruncated, e.response]), [['r4', 'p4-l', true, 'ok'], ['r3', 'p3-l', true, 'ok'], ['r2', 'p2-l', true, 'ok']]);
    assert.deepEqual(await history.list('f', 1, now - 100 + 4), [list[1]], 'paged by start time');
    const g = await history.get('g1');
    assert.deepEqual([g?.functionName, g?.functionError, g?.response, g?.responseTruncated], ['g', 'Unhandled', undefined, false]);
    assert.equal(await history.get('none'), undefined);
  });
}
