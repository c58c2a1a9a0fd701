// Function logs on PostgreSQL, shared by the nodes of a cluster: the same groups, streams and
// events as log-store.ts keeps in telemetry.db, so that any node answers the CloudWatch Logs API
// with every node's lines. Appends are buffered and written by postgres-batch-writer.ts, one
// multi-row statement per table per batch; reads flush this node's buffer first.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LogSink } from '../invoke/instance.js';
import type { LogEvent, LogGroupInfo, LogStore, LogStoreOptions, LogStreamInfo } from './log-store.js';
import { DEFAULT_STEP_BUDGET } from './log-deletion.js';
import type { PostgresBatchGroup, PostgresBatchWriter } from './postgres-batch-writer.js';
import { PostgresLogDeletion } from './postgres-log-deletion.js';
import { pgText } from './postgres-text.js';

interface Pending {
  group: string;
  stream: string;
  timestamp: number;
  message: string;
}

const EVENT_COLUMNS = sql`id, stream_name AS "streamName", timestamp, ingested_at AS "ingestionTime", message`;

export class PostgresLogStore implements LogStore, LogSink {
  readonly deletion: PostgresLogDeletion;
  private readonly batches: PostgresBatchWriter<Pending>;

  constructor(
    private readonly db: Kysely<any>,
    batches: PostgresBatchGroup,
    private readonly options: LogStoreOptions = { maxGroupBytes: Infinity, onOverCap: () => {} },
  ) {
    this.deletion = new PostgresLogDeletion(db);
    this.batches = batches.writer<Pending>((e) => e.message.length + e.stream.length + 64, (tx, rows) => this.write(tx, rows));
  }

  append(group: string, stream: string, timestamp: number, message: string): void {
    this.batches.add({ group, stream, timestamp, message });
  }

  flush(): Promise<void> {
    return this.batches.flush();
  }

  /** One batch: groups, then streams, then events (the lock order every writer and sweeper keeps). */
  private async write(tx: Transaction<any>, batch: Pending[]): Promise<void> {
    const now = Date.now();
    const streams = new Map<string, { group: string; stream: string; first: number; last: number; bytes: number }>();
    const groups = new Map<string, number>();
    const events = { groups: [] as string[], streams: [] as string[], times: [] as number[], messages: [] as string[] };
    for (const e of batch) {
      const group = pgText(e.group);
      const stream = pgText(e.stream);
      const message = pgText(e.message);
      events.groups.push(group);
      events.streams.push(stream);
      events.times.push(e.timestamp);
      events.messages.push(message);
      const bytes = Buffer.byteLength(message, 'utf8');
      groups.set(group, (groups.get(group) ?? 0) + bytes);
      const key = `${group}\0${stream}`;
      const s = streams.get(key);
      if (s) {
        s.first = Math.min(s.first, e.timestamp);
        s.last = Math.max(s.last, e.timestamp);
        s.bytes += bytes;
      } else streams.set(key, { group, stream, first: e.timestamp, last: e.timestamp, bytes });
    }
    const groupNames = [...groups.keys()].sort();
    const stored = await sql<{ group_name: string; stored_bytes: number }>`
      INSERT INTO log_groups (group_name, created_at, stored_bytes)
      SELECT g, ${now}::bigint, b FROM unnest(${groupNames}::text[], ${groupNames.map((g) => groups.get(g)!)}::bigint[]) AS d(g, b)
      ON CONFLICT (group_name) DO UPDATE SET stored_bytes = log_groups.stored_bytes + excluded.stored_bytes
      RETURNING group_name, stored_bytes`.execute(tx);
    const s = [...streams.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    await sql`
      INSERT INTO log_streams (group_name, stream_name, created_at, first_event_at, last_event_at, last_ingested_at, stored_bytes)
      SELECT g, st, ${now}::bigint, f, l, ${now}::bigint, b
      FROM unnest(${s.map((x) => x.group)}::text[], ${s.map((x) => x.stream)}::text[], ${s.map((x) => x.first)}::bigint[], ${s.map((x) => x.last)}::bigint[], ${s.map((x) => x.bytes)}::bigint[]) AS d(g, st, f, l, b)
      ON CONFLICT (group_name, stream_name) DO UPDATE SET
        first_event_at = coalesce(log_streams.first_event_at, excluded.first_event_at),
        last_event_at = greatest(coalesce(log_streams.last_event_at, 0), excluded.last_event_at),
        last_ingested_at = excluded.last_ingested_at,
        stored_bytes = log_streams.stored_bytes + excluded.stored_bytes`.execute(tx);
    await sql`
      INSERT INTO log_events (group_name, stream_name, timestamp, ingested_at, message)
      SELECT g, st, t, ${now}::bigint, m FROM unnest(${events.groups}::text[], ${events.streams}::text[], ${events.times}::bigint[], ${events.messages}::text[]) AS d(g, st, t, m)`.execute(tx);
    let overCap = false;
    for (const row of stored.rows) {
      const excess = row.stored_bytes - this.options.maxGroupBytes;
      if (excess > 0 && (await this.deletion.step(tx, row.group_name, Number.MAX_SAFE_INTEGER, excess, DEFAULT_STEP_BUDGET)).more) overCap = true;
    }
    if (overCap) setImmediate(() => this.options.onOverCap());
  }

  async groups(prefix: string, afterName: string, limit: number, pattern = ''): Promise<LogGroupInfo[]> {
    await this.flush();
    const { rows } = await sql<LogGroupInfo>`
      SELECT group_name AS name, created_at AS "createdAt", stored_bytes AS "storedBytes", retention_days AS "retentionInDays" FROM log_groups
      WHERE left(group_name, length(${prefix})) = ${prefix} AND strpos(lower(group_name), lower(${pattern})) > 0 AND group_name > ${afterName}
      ORDER BY group_name LIMIT ${limit}`.execute(this.db);
    return rows;
  }

  async groupExists(group: string): Promise<boolean> {
    await this.flush();
    return (await sql`SELECT 1 FROM log_groups WHERE group_name = ${group}`.execute(this.db)).rows.length > 0;
  }

  async setRetention(group: string, days: number | null): Promise<boolean> {
    await this.flush();
    return Number((await sql`UPDATE log_groups SET retention_days = ${days} WHERE group_name = ${group}`.execute(this.db)).numAffectedRows) === 1;
  }

  async retentionPolicies(): Promise<{ group: string; days: number }[]> {
    return (await sql<{ group: string; days: number }>`SELECT group_name AS "group", retention_days AS days FROM log_groups WHERE retention_days IS NOT NULL ORDER BY group_name`.execute(this.db)).rows;
  }

  async groupExcess(group: string): Promise<number> {
    if (!Number.isFinite(this.options.maxGroupBytes)) return 0;
    const row = (await sql<{ stored_bytes: number }>`SELECT stored_bytes FROM log_groups WHERE group_name = ${group}`.execute(this.db)).rows[0];
    return Math.max(0, (row?.stored_bytes ?? 0) - this.options.maxGroupBytes);
  }

  async groupsOverCap(): Promise<{ group: string; excess: number }[]> {
    if (!Number.isFinite(this.options.maxGroupBytes)) return [];
    const cap = this.options.maxGroupBytes;
    return (await sql<{ group: string; excess: number }>`SELECT group_name AS "group", stored_bytes - ${cap}::bigint AS excess FROM log_groups WHERE stored_bytes > ${cap}::bigint`.execute(this.db)).rows;
  }

  async streams(group: string, opts: { prefix: string; byLastEvent: boolean; descending: boolean; offset: number; limit: number }): Promise<LogStreamInfo[]> {
    await this.flush();
    const direction = sql.raw(opts.descending ? 'DESC' : 'ASC');
    const order = opts.byLastEvent ? sql`coalesce(last_event_at, 0) ${direction}, stream_name` : sql`stream_name ${direction}, stream_name`;
    return (
      await sql<LogStreamInfo>`
        SELECT stream_name AS "streamName", created_at AS "createdAt", first_event_at AS "firstEventAt", last_event_at AS "lastEventAt",
               last_ingested_at AS "lastIngestedAt", stored_bytes AS "storedBytes"
        FROM log_streams WHERE group_name = ${group} AND left(stream_name, length(${opts.prefix})) = ${opts.prefix}
        ORDER BY ${order} LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(this.db)
    ).rows;
  }

  async streamExists(group: string, stream: string): Promise<boolean> {
    await this.flush();
    return (await sql`SELECT 1 FROM log_streams WHERE group_name = ${group} AND stream_name = ${stream}`.execute(this.db)).rows.length > 0;
  }

  async streamEvents(group: string, stream: string, q: { afterId: number; beforeId: number; start: number; end: number; limit: number; fromEnd: boolean }): Promise<LogEvent[]> {
    await this.flush();
    const { rows } = await sql<LogEvent>`
      SELECT ${EVENT_COLUMNS} FROM log_events
      WHERE group_name = ${group} AND stream_name = ${stream} AND id > ${q.afterId}::bigint AND id < ${q.beforeId}::bigint
        AND timestamp >= ${q.start}::bigint AND timestamp < ${q.end}::bigint
      ORDER BY id ${sql.raw(q.fromEnd ? 'DESC' : 'ASC')} LIMIT ${q.limit}`.execute(this.db);
    if (q.fromEnd) rows.reverse();
    return rows;
  }

  async groupEvents(group: string, q: { afterId: number; start: number; end: number; streams?: string[]; streamPrefix?: string; limit: number }): Promise<LogEvent[]> {
    await this.flush();
    const streams = q.streams ? sql`AND stream_name = ANY(${q.streams}::text[])` : sql``;
    const prefix = q.streamPrefix ? sql`AND left(stream_name, length(${q.streamPrefix})) = ${q.streamPrefix}` : sql``;
    return (
      await sql<LogEvent>`
        SELECT ${EVENT_COLUMNS} FROM log_events
        WHERE group_name = ${group} AND id > ${q.afterId}::bigint AND timestamp >= ${q.start}::bigint AND timestamp < ${q.end}::bigint ${streams} ${prefix}
        ORDER BY id LIMIT ${q.limit}`.execute(this.db)
    ).rows;
  }
}
