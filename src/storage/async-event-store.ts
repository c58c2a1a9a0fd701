// The durable queue of asynchronous (Event) invocations in metadata.db. An event is committed
// before the client gets its 202, leased while it runs, and deleted only once it is done.
import type { Db } from './database.js';

export interface AsyncEvent {
  id: number;
  requestId: string;
  functionName: string;
  qualifier: string;
  payload: Buffer;
  /** How many times the event was handed to a function, this one included. */
  attempts: number;
  /** How many times it was put back without running (throttled, failed to start). */
  throttles: number;
  createdAt: number;
}

interface Row {
  id: number;
  request_id: string;
  function_name: string;
  qualifier: string;
  payload: Buffer;
  attempts: number;
  throttles: number;
  created_at: number;
}

export class AsyncEventStore {
  private readonly insertStmt;
  private readonly claimStmt;
  private readonly deleteStmt;
  private readonly retryStmt;
  private readonly nextDueStmt;
  private readonly countStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO async_events (request_id, function_name, qualifier, payload, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.claimStmt = db.prepare<[{ now: number; lease: number }], Row>(`
      UPDATE async_events SET lease_until = @now + @lease, attempts = attempts + 1
      WHERE id = (SELECT id FROM async_events WHERE due_at <= @now AND lease_until <= @now ORDER BY due_at, id LIMIT 1)
      RETURNING id, request_id, function_name, qualifier, payload, attempts, throttles, created_at`);
    this.deleteStmt = db.prepare('DELETE FROM async_events WHERE id = ?');
    this.retryStmt = db.prepare('UPDATE async_events SET due_at = ?, lease_until = 0, attempts = attempts - ?, throttles = throttles + ? WHERE id = ?');
    this.nextDueStmt = db.prepare<[], { due: number | null }>('SELECT min(max(due_at, lease_until)) AS due FROM async_events');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM async_events');
  }

  enqueue(e: { requestId: string; functionName: string; qualifier: string; payload: Buffer }, now = Date.now()): void {
    this.insertStmt.run(e.requestId, e.functionName, e.qualifier, e.payload, now, now);
  }

  /**
   * Queues an event unless one with the same idempotency key was queued for the function within
   * `windowMs`; returns the request id that stands for it (the earlier one for a duplicate).
   * Check and insert are one transaction, so two racing requests cannot both get through.
   */
  enqueueOnce(e: { requestId: string; functionName: string; qualifier: string; payload: Buffer }, key: string, windowMs: number, now = Date.now()): { requestId: string; duplicate: boolean } {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(now - windowMs);
      const seen = this.db
        .prepare<[string, string], { request_id: string }>('SELECT request_id FROM idempotency_keys WHERE function_name = ? AND idempotency_key = ?')
        .get(e.functionName, key);
      if (seen) return { requestId: seen.request_id, duplicate: true };
      this.db.prepare('INSERT INTO idempotency_keys (function_name, idempotency_key, request_id, created_at) VALUES (?, ?, ?, ?)').run(e.functionName, key, e.requestId, now);
      this.enqueue(e, now);
      return { requestId: e.requestId, duplicate: false };
    })();
  }

  /** Takes the next due event and leases it for `leaseMs`; undefined when none is due. */
  claim(now: number, leaseMs: number): AsyncEvent | undefined {
    const row = this.claimStmt.get({ now, lease: leaseMs });
    if (!row) return undefined;
    return {
      id: row.id,
      requestId: row.request_id,
      functionName: row.function_name,
      qualifier: row.qualifier,
      payload: row.payload,
      attempts: row.attempts,
      throttles: row.throttles,
      createdAt: row.created_at,
    };
  }

  complete(id: number): void {
    this.deleteStmt.run(id);
  }

  /**
   * Puts an event back; a throttled one (`ran` false) does not count as an attempt, but counts
   * as a throttle, so that its backoff grows.
   */
  retryAt(id: number, dueAt: number, ran = true): void {
    this.retryStmt.run(dueAt, ran ? 0 : 1, ran ? 0 : 1, id);
  }

  /**
   * After a restart no event is running: every lease held by the previous process is void.
   * Returns how many events were running then; they run again, so each may be a duplicate.
   */
  releaseAllLeases(): number {
    return this.db.prepare('UPDATE async_events SET lease_until = 0 WHERE lease_until > 0').run().changes;
  }

  nextDueAt(): number | null {
    return this.nextDueStmt.get()!.due;
  }

  count(): number {
    return this.countStmt.get()!.n;
  }
}
