// Function logs in telemetry.db, grouped as CloudWatch Logs groups them: group → stream → events.
// Lines are written in batches (see batch-writer.ts); every query flushes first. A group's total
// size is capped: a write that takes it over the cap drops its oldest events in the same batch.
// Appends are synchronous and batched, as the hot path needs; flush and every read return
// promises, so that a backend that is not embedded can stand behind the same methods.
import type { Db } from './database.js';
import type { LogSink } from '../invoke/instance.js';
import { BatchWriter } from './batch-writer.js';
import { LogDeletion, type LogTrimmer } from './log-deletion.js';

export interface LogEvent {
  id: number;
  streamName: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

export interface LogStreamInfo {
  streamName: string;
  createdAt: number;
  firstEventAt: number | null;
  lastEventAt: number | null;
  lastIngestedAt: number | null;
  storedBytes: number;
}

interface Pending {
  group: string;
  stream: string;
  timestamp: number;
  message: string;
}

interface EventRow {
  id: number;
  stream_name: string;
  timestamp: number;
  ingested_at: number;
  message: string;
}

const toEvent = (r: EventRow): LogEvent => ({ id: r.id, streamName: r.stream_name, timestamp: r.timestamp, ingestionTime: r.ingested_at, message: r.message });

export interface LogGroupInfo {
  name: string;
  createdAt: number;
  storedBytes: number;
  retentionInDays: number | null;
}

export interface LogStoreOptions {
  /** Most message bytes (UTF-8) a group keeps; the oldest events go first. Infinity: no cap. */
  maxGroupBytes: number;
  /** Called when a write left a group over its cap (the rest is deleted in later steps). */
  onOverCap(): void;
}

/**
 * What the API, retention and the console use of a log store, on any backend: the public members
 * of the SQLite one (postgres-log-store.ts is the other).
 */
export type LogStore = Omit<{ [K in keyof SqliteLogStore]: SqliteLogStore[K] }, 'deletion'> & { readonly deletion: LogTrimmer };

/** The embedded log store, on telemetry.db (`new LogStore(db)` is this one). */
export class SqliteLogStore implements LogSink {
  private readonly insertEvent;
  private readonly upsertStream;
  private readonly upsertGroup;
  private readonly batches: BatchWriter<Pending>;
  readonly deletion: LogDeletion;

  constructor(
    private readonly db: Db,
    private readonly options: LogStoreOptions = { maxGroupBytes: Infinity, onOverCap: () => {} },
  ) {
    this.deletion = new LogDeletion(db);
    this.upsertGroup = db.prepare<[string, number, number], { stored_bytes: number }>(`
      INSERT INTO log_groups (group_name, created_at, stored_bytes) VALUES (?, ?, ?)
      ON CONFLICT (group_name) DO UPDATE SET stored_bytes = stored_bytes + excluded.stored_bytes
      RETURNING stored_bytes`);
    this.insertEvent = db.prepare('INSERT INTO log_events (group_name, stream_name, timestamp, ingested_at, message) VALUES (?, ?, ?, ?, ?)');
    this.upsertStream = db.prepare(`
      INSERT INTO log_streams (group_name, stream_name, created_at, first_event_at, last_event_at, last_ingested_at, stored_bytes)
      VALUES (@group, @stream, @now, @first, @last, @now, @bytes)
      ON CONFLICT (group_name, stream_name) DO UPDATE SET
        first_event_at = coalesce(first_event_at, excluded.first_event_at),
        last_event_at = max(coalesce(last_event_at, 0), excluded.last_event_at),
        last_ingested_at = excluded.last_ingested_at,
        stored_bytes = stored_bytes + excluded.stored_bytes`);
    const writeBatch = db.transaction((batch: Pending[]) => {
      const now = Date.now();
      const streams = new Map<string, { group: string; stream: string; first: number; last: number; bytes: number }>();
      const groups = new Map<string, number>();
      for (const e of batch) {
        this.insertEvent.run(e.group, e.stream, e.timestamp, now, e.message);
        const bytes = Buffer.byteLength(e.message, 'utf8');
        groups.set(e.group, (groups.get(e.group) ?? 0) + bytes);
        const key = `${e.group}\0${e.stream}`;
        const s = streams.get(key);
        if (s) {
          s.last = Math.max(s.last, e.timestamp);
          s.bytes += bytes;
        } else streams.set(key, { group: e.group, stream: e.stream, first: e.timestamp, last: e.timestamp, bytes });
      }
      for (const s of streams.values()) this.upsertStream.run({ ...s, now });
      let overCap = false;
      for (const [group, bytes] of groups) {
        const stored = this.upsertGroup.get(group, now, bytes)!.stored_bytes;
        // Usually one bounded step frees what this batch added; a flood larger than that is
        // finished by the retention sweeper (onOverCap), in steps that let other work run.
        const excess = stored - this.options.maxGroupBytes;
        if (excess > 0 && this.deletion.deleteOldestBytesInTransaction(group, excess).more) overCap = true;
      }
      return overCap;
    });
    this.batches = new BatchWriter((rows) => {
      if (writeBatch(rows)) this.options.onOverCap();
    }, db);
  }


  append(group: string, stream: string, timestamp: number, message: string): void {
    this.batches.add({ group, stream, timestamp, message });
  }

  /** Writes what is buffered; reads see every line appended before. */
  async flush(): Promise<void> {
    this.batches.flush();
  }

  /** `pattern`: DescribeLogGroups' logGroupNamePattern, a case-insensitive substring ('' matches all). */
  async groups(prefix: string, afterName: string, limit: number, pattern = ''): Promise<LogGroupInfo[]> {
    return this.db
      .prepare<[{ prefix: string; after: string; limit: number; pattern: string }], LogGroupInfo>(
        `SELECT group_name AS name, created_at AS createdAt, stored_bytes AS storedBytes, retention_days AS retentionInDays FROM log_groups
         WHERE substr(group_name, 1, length(@prefix)) = @prefix AND instr(lower(group_name), lower(@pattern)) > 0 AND group_name > @after ORDER BY group_name LIMIT @limit`,
      )
      .all({ prefix, after: afterName, limit, pattern });
  }

  async groupExists(group: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM log_groups WHERE group_name = ?').get(group) !== undefined;
  }

  /** Sets (days) or removes (null) a group's retention; false if the group does not exist. */
  async setRetention(group: string, days: number | null): Promise<boolean> {
    return this.db.prepare('UPDATE log_groups SET retention_days = ? WHERE group_name = ?').run(days, group).changes === 1;
  }

  /** Groups that keep their events for a limited time. */
  async retentionPolicies(): Promise<{ group: string; days: number }[]> {
    return this.db.prepare<[], { group: string; days: number }>('SELECT group_name AS "group", retention_days AS days FROM log_groups WHERE retention_days IS NOT NULL').all();
  }

  /** Bytes `group` holds over the cap (0 when within it). */
  async groupExcess(group: string): Promise<number> {
    if (!Number.isFinite(this.options.maxGroupBytes)) return 0;
    const row = this.db.prepare<[string], { stored_bytes: number }>('SELECT stored_bytes FROM log_groups WHERE group_name = ?').get(group);
    return Math.max(0, (row?.stored_bytes ?? 0) - this.options.maxGroupBytes);
  }

  /** Groups holding more than the cap, with how much too much. */
  async groupsOverCap(): Promise<{ group: string; excess: number }[]> {
    if (!Number.isFinite(this.options.maxGroupBytes)) return [];
    return this.db
      .prepare<[{ cap: number }], { group: string; excess: number }>('SELECT group_name AS "group", stored_bytes - @cap AS excess FROM log_groups WHERE stored_bytes > @cap')
      .all({ cap: this.options.maxGroupBytes });
  }

  async streams(group: string, opts: { prefix: string; byLastEvent: boolean; descending: boolean; offset: number; limit: number }): Promise<LogStreamInfo[]> {
    const order = `${opts.byLastEvent ? 'coalesce(last_event_at, 0)' : 'stream_name'} ${opts.descending ? 'DESC' : 'ASC'}, stream_name`;
    return this.db
      .prepare<[{ group: string; prefix: string; limit: number; offset: number }], LogStreamInfo>(
        `SELECT stream_name AS streamName, created_at AS createdAt, first_event_at AS firstEventAt, last_event_at AS lastEventAt,
                last_ingested_at AS lastIngestedAt, stored_bytes AS storedBytes
         FROM log_streams WHERE group_name = @group AND substr(stream_name, 1, length(@prefix)) = @prefix ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      )
      .all({ group, prefix: opts.prefix, limit: opts.limit, offset: opts.offset });
  }

  async streamExists(group: string, stream: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM log_streams WHERE group_name = ? AND stream_name = ?').get(group, stream) !== undefined;
  }

  /** Events of one stream with ids in (afterId, beforeId), oldest first; `fromEnd` takes the newest. */
  async streamEvents(group: string, stream: string, q: { afterId: number; beforeId: number; start: number; end: number; limit: number; fromEnd: boolean }): Promise<LogEvent[]> {
    const rows = this.db
      .prepare<unknown[], EventRow>(
        `SELECT id, stream_name, timestamp, ingested_at, message FROM log_events
         WHERE group_name = ? AND stream_name = ? AND id > ? AND id < ? AND timestamp >= ? AND timestamp < ?
         ORDER BY id ${q.fromEnd ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(group, stream, q.afterId, q.beforeId, q.start, q.end, q.limit);
    if (q.fromEnd) rows.reverse();
    return rows.map(toEvent);
  }

  /** Events of a group in id order after `afterId`, in time range, from the given streams. */
  async groupEvents(group: string, q: { afterId: number; start: number; end: number; streams?: string[]; streamPrefix?: string; limit: number }): Promise<LogEvent[]> {
    const params: unknown[] = [group, q.afterId, q.start, q.end];
    let where = 'group_name = ? AND id > ? AND timestamp >= ? AND timestamp < ?';
    if (q.streams) {
      where += ` AND stream_name IN (${q.streams.map(() => '?').join(',')})`;
      params.push(...q.streams);
    }
    if (q.streamPrefix) {
      where += ' AND substr(stream_name, 1, length(?)) = ?';
      params.push(q.streamPrefix, q.streamPrefix);
    }
    params.push(q.limit);
    return this.db
      .prepare<unknown[], EventRow>(`SELECT id, stream_name, timestamp, ingested_at, message FROM log_events WHERE ${where} ORDER BY id LIMIT ?`)
      .all(...params)
      .map(toEvent);
  }
}

export const LogStore = SqliteLogStore;
