// What the telemetry stores must do, whatever their backend: logs read back as CloudWatch Logs
// groups them, and metering sums attempts per function.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogStore } from '../../src/storage/log-store.js';
import type { Metering } from '../../src/telemetry/metering.js';

export function logStoreContract(backend: string, open: () => Promise<LogStore>) {
  test(`${backend} LogStore: appended lines read back by group, stream and time once flushed`, async () => {
    const store = await open();
    store.append('/aws/lambda/f', 's1', 100, 'one\n');
    store.append('/aws/lambda/f', 's2', 200, 'two\n');
    store.append('/aws/lambda/g', 's1', 300, 'three\n');
    await store.flush();
    assert.deepEqual((await store.groups('/aws/lambda/', '', 10)).map((g) => [g.name, g.storedBytes]), [['/aws/lambda/f', 8], ['/aws/lambda/g', 6]]);
    assert.deepEqual((await store.groups('', '', 10, 'G')).map((g) => g.name), ['/aws/lambda/g'], 'the pattern is a case-insensitive substring');
    assert.equal(await store.groupExists('/aws/lambda/f'), true);
    assert.equal(await store.groupExists('/aws/lambda/none'), false);
    assert.deepEqual((await store.streams('/aws/lambda/f', { prefix: '', byLastEvent: true, descending: true, offset: 0, limit: 10 })).map((s) => s.streamName), ['s2', 's1']);
    assert.equal(await store.streamExists('/aws/lambda/f', 's2'), true);
    const all = await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 0, end: 1000, limit: 10 });
    assert.deepEqual(all.map((e) => e.message), ['one\n', 'two\n']);
    assert.deepEqual((await store.groupEvents('/aws/lambda/f', { afterId: 0, start: 150, end: 1000, limit: 10 })).map((e) => e.message), ['two\n']);
    const newest = await store.streamEvents('/aws/lambda/f', 's1', { afterId: 0, beforeId: Number.MAX_SAFE_INTEGER, start: 0, end: 1000, limit: 1, fromEnd: true });
    assert.deepEqual(newest.map((e) => e.message), ['one\n']);
  });

  test(`${backend} LogStore: retention is set and removed per group`, async () => {
    const store = await open();
    store.append('/aws/lambda/f', 's', 1, 'x\n');
    await store.flush();
    assert.equal(await store.setRetention('/aws/lambda/f', 7), true);
    assert.equal(await store.setRetention('/aws/lambda/none', 7), false);
    assert.deepEqual(await store.retentionPolicies(), [{ group: '/aws/lambda/f', days: 7 }]);
    await store.setRetention('/aws/lambda/f', null);
    assert.deepEqual(await store.retentionPolicies(), []);
  });
}

export function meteringContract(backend: string, open: () => Promise<Metering>) {
  test(`${backend} Metering: attempts summed per function within the time range`, async () => {
    const metering = await open();
    const attempt = { requestId: 'r', functionName: 'f', version: '$LATEST', startedAt: 1000, durationMs: 10, billedMs: 10, memoryMb: 1024, maxMemoryUsedMb: 50, cold: true, outcome: 'success' };
    metering.record(attempt);
    metering.record({ ...attempt, startedAt: 2000, cold: false, outcome: 'error' });
    metering.record({ ...attempt, functionName: 'g', startedAt: 5000 });
    const usage = await metering.usage({ start: 0, end: 3000 });
    assert.deepEqual(usage.map((u) => [u.functionName, u.requests, u.errors, u.coldStarts, u.billedMs]), [['f', 2, 1, 1, 20]]);
    assert.equal(usage[0].gbSeconds, 0.02);
    assert.deepEqual((await metering.usage({ functionName: 'g', start: 0, end: 10_000 })).map((u) => u.functionName), ['g']);
  });
}
