// Metering: one row per attempt with what it cost (an async event retried twice is billed three
// times, as on Lambda), and usage reports priced like Lambda (GB-seconds of billed duration ×
// memory, plus a price per million requests). Telemetry's own store (prepared statements on
// telemetry.db, not storage/): records are buffered synchronously and written in batches, as the
// hot path needs; flush and the usage report return promises.
import type { Db } from '../storage/database.js';
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
  cold: boolean;
  initDurationMs?: number;
  outcome: string;
}

export interface FunctionUsage {
  functionName: string;
  requests: number;
  errors: number;
  coldStarts: number;
  durationMs: number;
  billedMs: number;
  gbSeconds: number;
  requestCost: number;
  computeCost: number;
  cost: number;
}

export interface Prices {
  pricePerGbSecond: number;
  pricePerMillionRequests: number;
}

export const gbSeconds = (billedMs: number, memoryMb: number) => (billedMs / 1000) * (memoryMb / 1024);

export class Metering {
  private readonly insert;
  private readonly batches: BatchWriter<InvocationRecord>;

  constructor(
    private readonly db: Db,
    private readonly prices: Prices,
  ) {
    this.insert = db.prepare(`INSERT INTO invocations
      (request_id, function_name, version, started_at, duration_ms, billed_ms, memory_mb, max_memory_used_mb, gb_seconds, cold, init_duration_ms, outcome)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.batches = new BatchWriter(db.transaction((batch: InvocationRecord[]) => batch.forEach((r) => this.write(r))));
  }

  /** Buffers a record; it is written with the others of the next few milliseconds. */
  record(r: InvocationRecord): void {
    this.batches.add(r);
  }

  /** Writes what is buffered. */
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
      gbSeconds(r.billedMs, r.memoryMb),
      r.cold ? 1 : 0,
      r.initDurationMs ?? null,
      r.outcome,
    );
  }

  /** Usage per function between two times (ms since the epoch, end exclusive). */
  async usage(opts: { functionName?: string; start: number; end: number }): Promise<FunctionUsage[]> {
    await this.flush();
    const rows = this.db
      .prepare<unknown[], { functionName: string; requests: number; errors: number; coldStarts: number; durationMs: number; billedMs: number; gbSeconds: number }>(
        `SELECT function_name AS functionName, count(*) AS requests, sum(outcome != 'success') AS errors, sum(cold) AS coldStarts,
                sum(duration_ms) AS durationMs, sum(billed_ms) AS billedMs, sum(gb_seconds) AS gbSeconds
         FROM invocations WHERE started_at >= ? AND started_at < ? AND (? IS NULL OR function_name = ?)
         GROUP BY function_name ORDER BY function_name`,
      )
      .all(opts.start, opts.end, opts.functionName ?? null, opts.functionName ?? null);
    return rows.map((row) => {
      const requestCost = (row.requests / 1e6) * this.prices.pricePerMillionRequests;
      const computeCost = row.gbSeconds * this.prices.pricePerGbSecond;
      return { ...row, requestCost, computeCost, cost: requestCost + computeCost };
    });
  }
}
