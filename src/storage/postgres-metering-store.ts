// Metering rows on PostgreSQL, shared by the nodes of a cluster, so that usage reports and budgets
// count every node's invocations. Same rows and sums as metering-store.ts; each batch is one
// multi-row INSERT (unnest of one array per column) written off the request path.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AttemptRow, InvocationRecord, MeteringBackend, UsageSums } from './metering-store.js';
import type { PostgresBatchGroup, PostgresBatchWriter } from './postgres-batch-writer.js';
import { pgText } from './postgres-text.js';

const SUMS = sql`count(*) AS requests, sum(CASE WHEN outcome <> 'success' THEN 1 ELSE 0 END) AS errors, sum(cold) AS "coldStarts",
  sum(duration_ms) AS "durationMs", sum(billed_ms) AS "billedMs", sum(gb_seconds) AS "gbSeconds"`;

export class PostgresMeteringStore implements MeteringBackend {
  private readonly batches: PostgresBatchWriter<InvocationRecord>;

  constructor(
    private readonly db: Kysely<any>,
    batches: PostgresBatchGroup,
  ) {
    this.batches = batches.writer<InvocationRecord>((r) => 200 + r.functionName.length, (tx, rows) => this.write(tx, rows));
  }

  record(r: InvocationRecord): void {
    this.batches.add(r);
  }

  flush(): Promise<void> {
    return this.batches.flush();
  }

  private async write(tx: Transaction<any>, rows: InvocationRecord[]): Promise<void> {
    const col = <K extends keyof InvocationRecord>(k: K) => rows.map((r) => r[k]);
    await sql`
      INSERT INTO invocations (request_id, function_name, version, started_at, duration_ms, billed_ms, memory_mb, max_memory_used_mb, gb_seconds, cold, init_duration_ms, outcome)
      SELECT * FROM unnest(${rows.map((r) => pgText(r.requestId))}::text[], ${rows.map((r) => pgText(r.functionName))}::text[], ${rows.map((r) => pgText(r.version))}::text[],
        ${col('startedAt')}::bigint[], ${col('durationMs')}::float8[], ${col('billedMs')}::bigint[], ${col('memoryMb')}::int[], ${col('maxMemoryUsedMb')}::int[],
        ${col('gbSeconds')}::float8[], ${rows.map((r) => (r.cold ? 1 : 0))}::int[], ${rows.map((r) => r.initDurationMs ?? null)}::float8[], ${rows.map((r) => pgText(r.outcome))}::text[])`.execute(tx);
  }

  async sums(opts: { functionName?: string; start: number; end: number }): Promise<UsageSums[]> {
    await this.flush();
    return (
      await sql<UsageSums>`
        SELECT function_name AS "functionName", ${SUMS} FROM invocations
        WHERE started_at >= ${opts.start}::bigint AND started_at < ${opts.end}::bigint AND (${opts.functionName ?? null}::text IS NULL OR function_name = ${opts.functionName ?? null})
        GROUP BY function_name ORDER BY function_name`.execute(this.db)
    ).rows;
  }

  async attempts(opts: { functionName?: string; start: number; end: number; limit: number }): Promise<AttemptRow[]> {
    await this.flush();
    const { rows } = await sql<AttemptRow>`
      SELECT request_id AS "requestId", function_name AS "functionName", version, started_at AS "startedAt", duration_ms AS "durationMs",
             billed_ms AS "billedMs", memory_mb AS "memoryMb", max_memory_used_mb AS "maxMemoryUsedMb", cold, init_duration_ms AS "initDurationMs", outcome
      FROM invocations WHERE started_at >= ${opts.start}::bigint AND started_at < ${opts.end}::bigint AND (${opts.functionName ?? null}::text IS NULL OR function_name = ${opts.functionName ?? null})
      ORDER BY started_at DESC LIMIT ${opts.limit}`.execute(this.db);
    return rows.reverse();
  }

  async dailySums(opts: { functionName?: string; start: number; end: number }): Promise<(UsageSums & { day: number })[]> {
    await this.flush();
    return (
      await sql<UsageSums & { day: number }>`
        SELECT (started_at / 86400000) * 86400000 AS day, function_name AS "functionName", ${SUMS} FROM invocations
        WHERE started_at >= ${opts.start}::bigint AND started_at < ${opts.end}::bigint AND (${opts.functionName ?? null}::text IS NULL OR function_name = ${opts.functionName ?? null})
        GROUP BY day, function_name ORDER BY day, function_name`.execute(this.db)
    ).rows;
  }
}
