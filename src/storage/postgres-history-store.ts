// The invocation history on PostgreSQL, shared by the nodes of a cluster (the console of any node
// shows every node's invocations). Same limits as invocation-history-store.ts: entries cut to a
// size, kept for a number of days and at most N per function; reads apply both limits themselves,
// and each node prunes, in its batches, the functions it wrote a tenth of the limit for.
import { sql, type Kysely, type Transaction } from 'kysely';
import { cutHistoryEntry, EXPIRE_EVERY_MS, fromRow, type HistoryEntry, type HistoryLimits, type HistoryRow, type InvocationHistoryStore } from './invocation-history-store.js';
import type { PostgresBatchGroup, PostgresBatchWriter } from './postgres-batch-writer.js';
import { pgText } from './postgres-text.js';

const COLUMNS = sql`request_id AS "requestId", function_name AS "functionName", qualifier, started_at AS "startedAt", source, payload,
  payload_truncated AS "payloadTruncated", response, response_truncated AS "responseTruncated", function_error AS "functionError"`;

export class PostgresInvocationHistoryStore implements InvocationHistoryStore {
  private readonly batches: PostgresBatchWriter<HistoryEntry>;
  private readonly sincePrune = new Map<string, number>();
  private lastExpiry = -Infinity;

  constructor(
    private readonly db: Kysely<any>,
    batches: PostgresBatchGroup,
    readonly limits: HistoryLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.batches = batches.writer<HistoryEntry>((e) => 200 + e.payload.length + (e.response?.length ?? 0), (tx, rows) => this.write(tx, rows));
  }

  get enabled(): boolean {
    return this.limits.maxBytes > 0;
  }

  record(entry: Omit<HistoryEntry, 'payload' | 'payloadTruncated' | 'response' | 'responseTruncated'> & { payload: Buffer; response?: Buffer }): void {
    if (!this.enabled) return;
    this.batches.add(cutHistoryEntry(entry, this.limits.maxBytes));
  }

  flush(): Promise<void> {
    return this.batches.flush();
  }

  private async write(tx: Transaction<any>, batch: HistoryEntry[]): Promise<void> {
    // One row per request id: a later entry of the same id in the batch wins, as INSERT OR REPLACE does.
    const rows = [...new Map(batch.map((e) => [e.requestId, e])).values()];
    const text = (f: (e: HistoryEntry) => string) => rows.map((e) => pgText(f(e)));
    const optional = (f: (e: HistoryEntry) => string | undefined) => rows.map((e) => (f(e) === undefined ? null : pgText(f(e)!)));
    await sql`
      INSERT INTO invocation_history (request_id, function_name, qualifier, started_at, source, payload, payload_truncated, response, response_truncated, function_error)
      SELECT * FROM unnest(${text((e) => e.requestId)}::text[], ${text((e) => e.functionName)}::text[], ${text((e) => e.qualifier)}::text[],
        ${rows.map((e) => e.startedAt)}::bigint[], ${text((e) => e.source)}::text[], ${text((e) => e.payload)}::text[], ${rows.map((e) => (e.payloadTruncated ? 1 : 0))}::int[],
        ${optional((e) => e.response)}::text[], ${rows.map((e) => (e.responseTruncated ? 1 : 0))}::int[], ${optional((e) => e.functionError)}::text[])
      ON CONFLICT (request_id) DO UPDATE SET function_name = excluded.function_name, qualifier = excluded.qualifier, started_at = excluded.started_at,
        source = excluded.source, payload = excluded.payload, payload_truncated = excluded.payload_truncated, response = excluded.response,
        response_truncated = excluded.response_truncated, function_error = excluded.function_error`.execute(tx);
    const pruneEvery = Math.max(1, Math.floor(this.limits.perFunction / 10));
    for (const e of rows) this.sincePrune.set(e.functionName, (this.sincePrune.get(e.functionName) ?? 0) + 1);
    for (const [name, written] of this.sincePrune) {
      if (written < pruneEvery) continue;
      await sql`DELETE FROM invocation_history WHERE function_name = ${name} AND request_id NOT IN
        (SELECT request_id FROM invocation_history WHERE function_name = ${name} ORDER BY started_at DESC LIMIT ${this.limits.perFunction})`.execute(tx);
      this.sincePrune.delete(name);
    }
    const now = this.now();
    if (now - this.lastExpiry >= EXPIRE_EVERY_MS) {
      this.lastExpiry = now;
      await sql`DELETE FROM invocation_history WHERE started_at < ${now - this.limits.maxAgeMs}::bigint`.execute(tx);
    }
  }

  async list(functionName: string, limit: number, before = Number.MAX_SAFE_INTEGER): Promise<HistoryEntry[]> {
    await this.flush();
    const { rows } = await sql<HistoryRow>`
      SELECT ${COLUMNS} FROM invocation_history WHERE function_name = ${functionName} AND started_at < ${before}::bigint AND started_at >= ${this.now() - this.limits.maxAgeMs}::bigint
      ORDER BY started_at DESC LIMIT ${Math.min(limit, this.limits.perFunction)}`.execute(this.db);
    return rows.map(fromRow);
  }

  async get(requestId: string): Promise<HistoryEntry | undefined> {
    await this.flush();
    const row = (await sql<HistoryRow>`SELECT ${COLUMNS} FROM invocation_history WHERE request_id = ${requestId}`.execute(this.db)).rows[0];
    return row && row.startedAt >= this.now() - this.limits.maxAgeMs ? fromRow(row) : undefined;
  }
}
