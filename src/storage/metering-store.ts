// The metering rows in telemetry.db: one per attempt (an async event retried twice is three
// rows). Records are buffered synchronously and written in batches, because the invocation path
// must not wait for a write; flush and the usage sums return promises.
import type { Db } from './database.js';
import { BatchWriter } from './batch-writer.js';

export interface InvocationRecord {
  requestId: string;
  functionName: string;
  version: string;
  startedAt: number;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  gbSeconds: number;
  cold: boolean;
  initDurationMs?: number;
  outcome: string;
}

/** What one function used in a period, before pricing. */
export interface UsageSums {
  functionName: string;
  requests: number;
  errors: number;
  coldStarts: number;
  durationMs: number;
  billedMs: number;
  gbSeconds: number;
}

/** What metering asks of its rows' store, on any backend (postgres-metering-store.ts is the other). */
export interface MeteringBackend {
  record(r: InvocationRecord): void;
  flush(): Promise<void>;
  sums(opts: { functionName?: string; start: number; end: number }): Promise<UsageSums[]>;
  attempts(opts: { functionName?: string; start: number; end: number; limit: number }): Promise<AttemptRow[]>;
  dailySums(opts: { functionName?: string; start: number; end: number }): Promise<(UsageSums & { day: number })[]>;
}

export class MeteringStore implements MeteringBackend {
  private readonly insert;
  private readonly batches: BatchWriter<InvocationRecord>;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO invocations
      (request_id, function_name, version, started_at, duration_ms, billed_ms, memory_mb, max_memory_used_mb, gb_seconds, cold, init_duration_ms, outcome)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.batches = new BatchWriter(db.transaction((batch: InvocationRecord[]) => batch.forEach((r) => this.write(r))), db);
  }

  /** Buffers a record; it is written with the others of the next few milliseconds. */
  record(r: InvocationRecord): void {
    this.batches.add(r);
  }

  async flush(): Promise<void> {
    this.batches.flush();
  }

  private write(r: InvocationRecord): void {
    this.insert.run(
      r.requestId,
      r.functionName,
      r.version,
      r.startedAt,
      r.durationMs,
      r.billedMs,
      r.memoryMb,
      r.maxMemoryUsedMb,
      r.gbSeconds,
      r.cold ? 1 : 0,
      r.initDurationMs ?? null,
      r.outcome,
    );
  }

  /** Sums per function between two times (ms since the epoch, end exclusive). */
  async sums(opts: { functionName?: string; start: number; end: number }): Promise<UsageSums[]> {
    await this.flush();
    return this.db
      .prepare<unknown[], UsageSums>(
        `SELECT function_name AS functionName, count(*) AS requests, sum(outcome != 'success') AS errors, sum(cold) AS coldStarts,
                sum(duration_ms) AS durationMs, sum(billed_ms) AS billedMs, sum(gb_seconds) AS gbSeconds
         FROM invocations WHERE started_at >= ? AND started_at < ? AND (? IS NULL OR function_name = ?)
         GROUP BY function_name ORDER BY function_name`,
      )
      .all(opts.start, opts.end, opts.functionName ?? null, opts.functionName ?? null);
  }

  /** The attempts of a period, oldest first (the console's charts and history), at most `limit`. */
  async attempts(opts: { functionName?: string; start: number; end: number; limit: number }): Promise<AttemptRow[]> {
    await this.flush();
    return this.db
      .prepare<unknown[], AttemptRow>(
        `SELECT request_id AS requestId, function_name AS functionName, version, started_at AS startedAt, duration_ms AS durationMs,
                billed_ms AS billedMs, memory_mb AS memoryMb, max_memory_used_mb AS maxMemoryUsedMb, cold, init_duration_ms AS initDurationMs, outcome
         FROM invocations WHERE started_at >= ? AND started_at < ? AND (? IS NULL OR function_name = ?)
         ORDER BY started_at DESC LIMIT ?`,
      )
      .all(opts.start, opts.end, opts.functionName ?? null, opts.functionName ?? null, opts.limit)
      .reverse();
  }

  /** Sums per function and UTC day (`day` is the day's first millisecond). */
  async dailySums(opts: { functionName?: string; start: number; end: number }): Promise<(UsageSums & { day: number })[]> {
    await this.flush();
    return this.db
      .prepare<unknown[], UsageSums & { day: number }>(
        `SELECT (started_at / 86400000) * 86400000 AS day, function_name AS functionName, count(*) AS requests, sum(outcome != 'success') AS errors,
                sum(cold) AS coldStarts, sum(duration_ms) AS durationMs, sum(billed_ms) AS billedMs, sum(gb_seconds) AS gbSeconds
         FROM invocations WHERE started_at >= ? AND started_at < ? AND (? IS NULL OR function_name = ?)
         GROUP BY day, function_name ORDER BY day, function_name`,
      )
      .all(opts.start, opts.end, opts.functionName ?? null, opts.functionName ?? null);
  }
}

/** One metering row as read back (cold is 0 or 1; GB-seconds are summed, not read). */
export type AttemptRow = Omit<InvocationRecord, 'cold' | 'initDurationMs' | 'gbSeconds'> & { cold: number; initDurationMs: number | null };
