// Log deletion on PostgreSQL, as log-deletion.ts does it on SQLite: oldest first, in bounded steps,
// keeping stream and group byte counts true. Several nodes may sweep the same group at once: a step
// locks the group's row first (the order the writers take too, so no deadlock), and counts only the
// bytes of the rows its own DELETE removed.
import { sql, type Kysely, type Transaction } from 'kysely';
import { DEFAULT_STEP_BUDGET, DELETE_ALL_STEP_ROWS, type LogTrimmer, type StepBudget, type StepResult } from './log-deletion.js';

type Sql = Kysely<any> | Transaction<any>;

export class PostgresLogDeletion implements LogTrimmer {
  constructor(private readonly db: Kysely<any>) {}

  deleteOlderThan(group: string, before: number, budget = DEFAULT_STEP_BUDGET): Promise<StepResult> {
    return this.db.transaction().execute((tx) => this.step(tx, group, before, Infinity, budget));
  }

  async deleteOldestBytes(group: string, bytesToFree: number, budget = DEFAULT_STEP_BUDGET): Promise<StepResult> {
    if (bytesToFree <= 0) return { rows: 0, bytes: 0, more: false };
    return this.db.transaction().execute((tx) => this.step(tx, group, Number.MAX_SAFE_INTEGER, bytesToFree, budget));
  }

  /** PostgreSQL's autovacuum gives dead rows' space back for reuse: nothing to do here. */
  async releaseFreePages(): Promise<boolean> {
    return false;
  }

  /** One step inside the caller's transaction (the log store's write batch uses it for the cap). */
  async step(tx: Sql, group: string, before: number, bytesToFree: number, budget: StepBudget): Promise<StepResult> {
    await sql`SELECT 1 FROM log_groups WHERE group_name = ${group} FOR UPDATE`.execute(tx);
    const candidates = await sql<{ id: number; bytes: number }>`
      SELECT id, octet_length(message) AS bytes FROM log_events
      WHERE group_name = ${group} AND timestamp < ${before} ORDER BY timestamp, id LIMIT ${budget.maxRows + 1}`.execute(tx);
    const ids: number[] = [];
    let read = 0;
    let budgetSpent = false;
    for (const row of candidates.rows) {
      if (ids.length >= budget.maxRows || read >= budget.maxReadBytes) {
        budgetSpent = true;
        break;
      }
      ids.push(row.id);
      read += row.bytes;
      if (read >= bytesToFree) break;
    }
    if (ids.length === 0) return { rows: 0, bytes: 0, more: false };
    return this.deleteIds(tx, group, ids, budgetSpent, bytesToFree);
  }

  async deleteAll(group: string, stream?: string): Promise<boolean> {
    const exists = stream === undefined
      ? await sql`SELECT 1 FROM log_groups WHERE group_name = ${group}`.execute(this.db)
      : await sql`SELECT 1 FROM log_streams WHERE group_name = ${group} AND stream_name = ${stream}`.execute(this.db);
    if (exists.rows.length === 0) return false;
    const only = stream ?? null;
    for (;;) {
      const step = await sql`DELETE FROM log_events WHERE id IN
        (SELECT id FROM log_events WHERE group_name = ${group} AND (${only}::text IS NULL OR stream_name = ${only}) LIMIT ${DELETE_ALL_STEP_ROWS})`.execute(this.db);
      if (Number(step.numAffectedRows) < DELETE_ALL_STEP_ROWS) break;
    }
    // What came in meanwhile goes with the rest; the group's row is locked first, as writers lock it.
    await this.db.transaction().execute(async (tx) => {
      await sql`SELECT 1 FROM log_groups WHERE group_name = ${group} FOR UPDATE`.execute(tx);
      await sql`DELETE FROM log_events WHERE group_name = ${group} AND (${only}::text IS NULL OR stream_name = ${only})`.execute(tx);
      if (stream === undefined) {
        await sql`DELETE FROM log_streams WHERE group_name = ${group}`.execute(tx);
        await sql`DELETE FROM log_groups WHERE group_name = ${group}`.execute(tx);
      } else {
        const gone = await sql<{ stored_bytes: number }>`DELETE FROM log_streams WHERE group_name = ${group} AND stream_name = ${stream} RETURNING stored_bytes`.execute(tx);
        await sql`UPDATE log_groups SET stored_bytes = greatest(0, stored_bytes - ${gone.rows[0]?.stored_bytes ?? 0}::bigint) WHERE group_name = ${group}`.execute(tx);
      }
    });
    return true;
  }

  private async deleteIds(tx: Sql, group: string, ids: number[], budgetSpent: boolean, bytesToFree: number): Promise<StepResult> {
    const deleted = await sql<{ stream_name: string; bytes: number }>`
      DELETE FROM log_events WHERE id = ANY(${ids}::bigint[]) RETURNING stream_name, octet_length(message) AS bytes`.execute(tx);
    const perStream = new Map<string, number>();
    let bytes = 0;
    for (const r of deleted.rows) {
      bytes += r.bytes;
      perStream.set(r.stream_name, (perStream.get(r.stream_name) ?? 0) + r.bytes);
    }
    const streams = [...perStream.keys()].sort();
    if (streams.length > 0) {
      const streamBytes = streams.map((s) => perStream.get(s)!);
      await sql`
        UPDATE log_streams s SET stored_bytes = greatest(0, s.stored_bytes - d.bytes),
          first_event_at = (SELECT e.timestamp FROM log_events e WHERE e.group_name = s.group_name AND e.stream_name = s.stream_name ORDER BY e.id LIMIT 1)
        FROM unnest(${streams}::text[], ${streamBytes}::bigint[]) AS d(stream, bytes)
        WHERE s.group_name = ${group} AND s.stream_name = d.stream`.execute(tx);
      await sql`DELETE FROM log_streams WHERE group_name = ${group} AND stream_name = ANY(${streams}::text[]) AND first_event_at IS NULL`.execute(tx);
      await sql`UPDATE log_groups SET stored_bytes = greatest(0, stored_bytes - ${bytes}) WHERE group_name = ${group}`.execute(tx);
    }
    return { rows: deleted.rows.length, bytes, more: budgetSpent && bytes < bytesToFree };
  }
}
