// A data directory written before metering kept a row per attempt, and before throttled async
// events counted their throttles, opens with its rows kept and the new shape in place.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SqlAsyncEventStore } from '../../src/storage/async-event-store.js';
import { openDatabases } from '../../src/storage/database.js';
import { Metering } from '../../src/telemetry/metering.js';
import { tempDataDir } from '../helpers/gust-process.js';

test('an older data directory is upgraded in place', async () => {
  const dir = tempDataDir();
  const oldTelemetry = new Database(path.join(dir, 'telemetry.db'));
  oldTelemetry.exec(`CREATE TABLE invocations (request_id TEXT PRIMARY KEY, function_name TEXT NOT NULL, version TEXT NOT NULL, started_at INTEGER NOT NULL,
    duration_ms REAL NOT NULL, billed_ms INTEGER NOT NULL, memory_mb INTEGER NOT NULL, max_memory_used_mb INTEGER NOT NULL, gb_seconds REAL NOT NULL,
    cold INTEGER NOT NULL, init_duration_ms REAL, outcome TEXT NOT NULL);
    CREATE INDEX invocations_function_time ON invocations (function_name, started_at);
    INSERT INTO invocations VALUES ('r-old', 'f', '$LATEST', 1000, 5, 5, 128, 40, 0.000625, 1, 80, 'success');`);
  oldTelemetry.close();
  const oldMetadata = new Database(path.join(dir, 'metadata.db'));
  oldMetadata.exec(`CREATE TABLE async_events (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
    payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
    INSERT INTO async_events (request_id, function_name, qualifier, payload, due_at, created_at) VALUES ('e-old', 'f', '$LATEST', X'7B7D', 0, 0);`);
  oldMetadata.close();

  const dbs = await openDatabases(dir);
  const event = await new SqlAsyncEventStore(dbs.metadataSql).claim(1, 1000);
  assert.equal(event?.requestId, 'e-old');
  assert.equal(event?.throttles, 0);

  const metering = new Metering(dbs.telemetry, { pricePerGbSecond: 0, pricePerMillionRequests: 0 });
  const attempt = { requestId: 'r-new', functionName: 'f', version: '$LATEST', startedAt: 2000, durationMs: 3, billedMs: 3, memoryMb: 128, maxMemoryUsedMb: 40, cold: false, outcome: 'error' };
  metering.record(attempt);
  metering.record({ ...attempt, startedAt: 3000 });
  const [usage] = await metering.usage({ start: 0, end: 10_000 });
  assert.equal(usage.requests, 3, 'the old row and both attempts of the new request');
  await dbs.close();
  // Opening it again changes nothing more.
  const again = await openDatabases(dir);
  assert.equal((await new Metering(again.telemetry, { pricePerGbSecond: 0, pricePerMillionRequests: 0 }).usage({ start: 0, end: 10_000 }))[0].requests, 3);
  await again.close();
});
