// The invocation history in telemetry.db: payload and response of recent synchronous invocations,
// each cut to a size cap, kept for a number of days and at most N per function (the oldest go
// first). Appends are batched like the other telemetry rows; pruning runs in the same batch, but
// only as often as it has something worth deleting (reads apply both limits themselves).
import type { Db } from './database.js';
import { BatchWriter } from './batch-writer.js';

export interface HistoryEntry {
  requestId: string;
  functionName: string;
  qualifier: string;
  startedAt: number;
  /** Which trigger made it: api, http, schedule, s3, console replay… */
  source: string;
  payload: string;
  payloadTruncated: boolean;
  response?: string;
  responseTruncated: boolean;
  functionError?: string;
}

export interface HistoryLimits {
  /** Bytes kept of a payload and of a response; 0 turns the history off. */
  maxBytes: number;
  perFunction: number;
  maxAgeMs: number;
}

export interface HistoryRow {
  requestId: string;
  functionName: string;
  qualifier: string;
  startedAt: number;
  source: string;
  payload: string;
  payloadTruncated: number;
  response: string | null;
  responseTruncated: number;
  functionError: string | null;
}

const COLUMNS = `request_id AS requestId, function_name AS functionName, qualifier, started_at AS startedAt, source, payload,
  payload_truncated AS payloadTruncated, response, response_truncated AS responseTruncated, function_error AS functionError`;

/** The first `max` bytes of a UTF-8 text, never cutting a character in half. */
export function cutUtf8(text: Buffer, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text: text.toString('utf8'), truncated: false };
  let end = max;
  while (end > 0 && (text[end] & 0xc0) === 0x80) end--;
  return { text: text.subarray(0, end).toString('utf8'), truncated: true };
}

/** Expired entries are deleted at most this often (reads never show them anyway). */
export const EXPIRE_EVERY_MS = 60_000;

/** The history as the invoker and the console use it, on any backend (postgres-history-store.ts is the other). */
export type InvocationHistoryStore = { [K in keyof SqliteInvocationHistoryStore]: SqliteInvocationHistoryStore[K] };

/** The embedded history, on telemetry.db (`new InvocationHistoryStore(db, limits)` is this one). */
export class SqliteInvocationHistoryStore {
  private readonly batches: BatchWriter<HistoryEntry>;
  /** Entries written per function since its last prune. */
  private readonly sincePrune = new Map<string, number>();
  private lastExpiry = -Infinity;

  constructor(
    private readonly db: Db,
    readonly limits: HistoryLimits,
    private readonly now: () => number = Date.now,
  ) {
    const insert = db.prepare(`INSERT OR REPLACE INTO invocation_history
      (request_id, function_name, qualifier, started_at, source, payload, payload_truncated, response, response_truncated, function_error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const prune = db.prepare(`DELETE FROM invocation_history WHERE function_name = ? AND request_id NOT IN
      (SELECT request_id FROM invocation_history WHERE function_name = ? ORDER BY started_at DESC LIMIT ?)`);
    // A prune walks the function's kept entries: under load it runs once per tenth of them written,
    // not on every batch (at most 10 % more rows are on disk meanwhile; reads show `perFunction`).
    const pruneEvery = Math.max(1, Math.floor(this.limits.perFunction / 10));
    const expire = db.prepare('DELETE FROM invocation_history WHERE started_at < ?');
    this.batches = new BatchWriter(
      db.transaction((batch: HistoryEntry[]) => {
        for (const e of batch) {
          insert.run(e.requestId, e.functionName, e.qualifier, e.startedAt, e.source, e.payload, e.payloadTruncated ? 1 : 0, e.response ?? null, e.responseTruncated ? 1 : 0, e.functionError ?? null);
          this.sincePrune.set(e.functionName, (this.sincePrune.get(e.functionName) ?? 0) + 1);
        }
        for (const [name, written] of this.sincePrune) {
          if (written < pruneEvery) continue;
          prune.run(name, name, this.limits.perFunction);
          this.sincePrune.delete(name);
        }
        const now = this.now();
        if (now - this.lastExpiry >= EXPIRE_EVERY_MS) {
          this.lastExpiry = now;
          expire.run(now - this.limits.maxAgeMs);
        }
      }),
      db,
    );
  }

  get enabled(): boolean {
    return this.limits.maxBytes > 0;
  }

  record(entry: Omit<HistoryEntry, 'payload' | 'payloadTruncated' | 'response' | 'responseTruncated'> & { payload: Buffer; response?: Buffer }): void {
    if (!this.enabled) return;
    this.batches.add(cutHistoryEntry(entry, this.limits.maxBytes));
  }

  async flush(): Promise<void> {
    this.batches.flush();
  }

  /** The newest first, at most `limit`, started before `before` (for paging). */
  async list(functionName: string, limit: number, before = Number.MAX_SAFE_INTEGER): Promise<HistoryEntry[]> {
    await this.flush();
    const rows = this.db
      .prepare<unknown[], HistoryRow>(`SELECT ${COLUMNS} FROM invocation_history WHERE function_name = ? AND started_at < ? AND started_at >= ? ORDER BY started_at DESC LIMIT ?`)
      .all(functionName, before, this.now() - this.limits.maxAgeMs, Math.min(limit, this.limits.perFunction));
    return rows.map(fromRow);
  }

  async get(requestId: string): Promise<HistoryEntry | undefined> {
    await this.flush();
    const row = this.db.prepare<unknown[], HistoryRow>(`SELECT ${COLUMNS} FROM invocation_history WHERE request_id = ?`).get(requestId);
    return row && row.startedAt >= this.now() - this.limits.maxAgeMs ? fromRow(row) : undefined;
  }
}

export const InvocationHistoryStore = SqliteInvocationHistoryStore;

export function fromRow(r: HistoryRow): HistoryEntry {
  return {
    ...r,
    payloadTruncated: r.payloadTruncated === 1,
    response: r.response ?? undefined,
    responseTruncated: r.responseTruncated === 1,
    functionError: r.functionError ?? undefined,
  };
}

export type HistoryInput = Omit<HistoryEntry, 'payload' | 'payloadTruncated' | 'response' | 'responseTruncated'> & { payload: Buffer; response?: Buffer };

/** The entry as both engines store it: payload and response cut to the history's byte cap. */
export function cutHistoryEntry(entry: HistoryInput, maxBytes: number): HistoryEntry {
  const payload = cutUtf8(entry.payload, maxBytes);
  const response = entry.response === undefined ? undefined : cutUtf8(entry.response, maxBytes);
  return { ...entry, payload: payload.text, payloadTruncated: payload.truncated, response: response?.text, responseTruncated: response?.truncated ?? false };
}
