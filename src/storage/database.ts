// Opens the embedded SQLite databases. metadata.db holds what Gust acknowledged to a client
// (functions, queued async events) and syncs every commit; telemetry.db holds logs and metering,
// which are written far more often, so it syncs less (WAL survives kill -9 either way).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

const METADATA_SCHEMA = `
CREATE TABLE IF NOT EXISTS function_versions (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS reserved_concurrency (
  function_name TEXT PRIMARY KEY,
  reserved INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS event_invoke_configs (
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  request_id TEXT NOT NULL,
  condition TEXT NOT NULL,
  record TEXT NOT NULL,
  payload BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  function_name TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (function_name, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_age ON idempotency_keys (created_at);
CREATE TABLE IF NOT EXISTS http_routes (
  id TEXT PRIMARY KEY,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  route_shape TEXT NOT NULL UNIQUE,
  function_name TEXT NOT NULL,
  payload_format TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS function_urls (
  url_id TEXT PRIMARY KEY,
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  config TEXT NOT NULL,
  UNIQUE (function_name, qualifier)
);
CREATE TABLE IF NOT EXISTS gateway_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedules (
  group_name TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  next_run_at INTEGER,
  PRIMARY KEY (group_name, name)
);
CREATE INDEX IF NOT EXISTS schedules_next ON schedules (next_run_at);
CREATE TABLE IF NOT EXISTS aliases (
  function_name TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (function_name, name)
);
CREATE TABLE IF NOT EXISTS provisioned_concurrency (
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  requested INTEGER NOT NULL,
  last_modified TEXT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);
CREATE TABLE IF NOT EXISTS async_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  payload BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- times it was put back without running (throttled, failed to start): its backoff grows with it
  throttles INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS async_events_due ON async_events (due_at, id);
CREATE TABLE IF NOT EXISTS function_policies (
  function_name TEXT NOT NULL,
  -- '$LATEST' for the function itself (the unqualified ARN), a version number or an alias
  qualifier TEXT NOT NULL,
  revision_id TEXT NOT NULL,
  -- the Statement list of the policy document, as GetPolicy returns it
  statements TEXT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);
CREATE TABLE IF NOT EXISTS access_keys (
  access_key_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  -- 'admin', or 'function:NAME' for the credentials a function runs with
  scope TEXT NOT NULL DEFAULT 'admin',
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
`;

/** One row per attempt: an async event retried twice is three rows with the same request id. */
const INVOCATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS invocations (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  version TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  billed_ms INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  max_memory_used_mb INTEGER NOT NULL,
  gb_seconds REAL NOT NULL,
  cold INTEGER NOT NULL,
  init_duration_ms REAL,
  outcome TEXT NOT NULL
);`;

const TELEMETRY_SCHEMA = `
-- A group outlives its streams (retention and the size cap may empty it); stored_bytes is the
-- UTF-8 size of its events' messages, kept in step with log_events by the log store.
CREATE TABLE IF NOT EXISTS log_groups (
  group_name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  retention_days INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS log_streams (
  group_name TEXT NOT NULL,
  stream_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  first_event_at INTEGER,
  last_event_at INTEGER,
  last_ingested_at INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_name, stream_name)
);
CREATE TABLE IF NOT EXISTS log_events (
  id INTEGER PRIMARY KEY,
  group_name TEXT NOT NULL,
  stream_name TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  ingested_at INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_events_stream ON log_events (group_name, stream_name, id);
CREATE INDEX IF NOT EXISTS log_events_group_time ON log_events (group_name, timestamp, id);
${INVOCATIONS_TABLE}
CREATE INDEX IF NOT EXISTS invocations_function_time ON invocations (function_name, started_at);
CREATE INDEX IF NOT EXISTS invocations_request ON invocations (request_id);
-- Data directories from before log_groups existed: their groups were implied by their streams.
INSERT OR IGNORE INTO log_groups (group_name, created_at, stored_bytes)
  SELECT group_name, min(created_at), sum(stored_bytes) FROM log_streams GROUP BY group_name;
`;

function open(file: string, synchronous: 'FULL' | 'NORMAL', schema: string, opts: { incrementalVacuum?: boolean; upgrade?: (db: Db) => void } = {}): Db {
  const db = new Database(file);
  // Must come before the first table exists to take effect without a VACUUM (see below).
  if (opts.incrementalVacuum) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  opts.upgrade?.(db);
  db.exec(schema);
  return db;
}

/**
 * Log retention deletes from telemetry.db all the time. Freed pages are reused by SQLite anyway;
 * with auto_vacuum=INCREMENTAL the log store can also give them back to the file system in small
 * steps (`PRAGMA incremental_vacuum(N)`), so the file shrinks after a big delete. A database
 * created before this setting is converted once, by a VACUUM at start-up (it rewrites the file:
 * time and temporary space in proportion to its size). The WAL is truncated back to 64 MB after
 * checkpoints, so it does not keep the space either.
 */
function useIncrementalVacuum(db: Db): void {
  const INCREMENTAL = 2;
  if (db.pragma('auto_vacuum', { simple: true }) !== INCREMENTAL) {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  }
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}

const columnsOf = (db: Db, table: string) => db.prepare<[string], { name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?)').all(table);

/** Data directories from before throttled async events counted their own retries. */
function addThrottleCount(db: Db) {
  const columns = columnsOf(db, 'async_events');
  if (columns.length > 0 && !columns.some((c) => c.name === 'throttles')) db.exec('ALTER TABLE async_events ADD COLUMN throttles INTEGER NOT NULL DEFAULT 0');
}

/** Data directories from before metering kept one row per attempt (request_id was the key). */
function keyInvocationsByRow(db: Db) {
  if (!columnsOf(db, 'invocations').some((c) => c.name === 'request_id' && c.pk === 1)) return;
  const columns = 'request_id, function_name, version, started_at, duration_ms, billed_ms, memory_mb, max_memory_used_mb, gb_seconds, cold, init_duration_ms, outcome';
  db.transaction(() => {
    db.exec(`DROP INDEX IF EXISTS invocations_function_time; ALTER TABLE invocations RENAME TO invocations_by_request;`);
    db.exec(INVOCATIONS_TABLE);
    db.exec(`INSERT INTO invocations (${columns}) SELECT ${columns} FROM invocations_by_request; DROP TABLE invocations_by_request;`);
  })();
}

export interface Databases {
  metadata: Db;
  telemetry: Db;
  close(): void;
}

export function openDatabases(dataDir: string): Databases {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Access keys and function code live here: readable by Gust's user only.
  fs.chmodSync(dataDir, 0o700);
  const metadata = open(path.join(dataDir, 'metadata.db'), 'FULL', METADATA_SCHEMA, { upgrade: addThrottleCount });
  const telemetry = open(path.join(dataDir, 'telemetry.db'), 'NORMAL', TELEMETRY_SCHEMA, { incrementalVacuum: true, upgrade: keyInvocationsByRow });
  useIncrementalVacuum(telemetry);
  return {
    metadata,
    telemetry,
    close() {
      metadata.close();
      telemetry.close();
    },
  };
}
