// Deletes log events oldest first, in bounded steps, and keeps what describes them true: stream
// and group byte counts, a stream's first event time, and no stream left without events. Each
// step is one short transaction, so a big delete never holds the database or the event loop long.
import type { Db } from './database.js';

/** What one step may do at most: rows deleted, and message bytes read to find them. */
export interface StepBudget {
  maxRows: number;
  maxReadBytes: number;
}

// Measured on 2 shared cores: a step of 500 one-KB events takes ≈5 ms (≈30–50 ms when a WAL checkpoint lands in it).
export const DEFAULT_STEP_BUDGET: StepBudget = { maxRows: 500, maxReadBytes: 4 * 1024 * 1024 };

export interface StepResult {
  rows: number;
  bytes: number;
  /** True when the step stopped at its budget: there may be more to delete. */
  more: boolean;
}

/** What retention and the size cap ask of a log store's deletion, on any backend. */
export interface LogTrimmer {
  deleteOlderThan(group: string, before: number, budget?: StepBudget): StepResult | Promise<StepResult>;
  deleteOldestBytes(group: string, bytesToFree: number, budget?: StepBudget): StepResult | Promise<StepResult>;
  /** Gives freed space back to the file system, in a bounded step; true when there is more. */
  releaseFreePages(): boolean | Promise<boolean>;
  /**
   * Deletes a whole stream, or (no stream) a whole group with its retention setting: events in
   * bounded steps, then what describes them. False when it did not exist.
   */
  deleteAll(group: string, stream?: string): Promise<boolean>;
}

/** Events per step of a whole-group or whole-stream delete. */
export const DELETE_ALL_STEP_ROWS = 2000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Candidate {
  id: number;
  stream_name: string;
  bytes: number;
}

export class LogDeletion implements LogTrimmer {
  private readonly oldest;
  private readonly deleteIds;
  private readonly shrinkStream;
  private readonly dropEmptyStream;
  private readonly shrinkGroup;
  private readonly deleteStep;

  constructor(private readonly db: Db) {
    // Ordered by the (group_name, timestamp, id) index: no sort, no scan of newer events.
    this.oldest = db.prepare<[string, number], Candidate>(
      `SELECT id, stream_name, length(CAST(message AS BLOB)) AS bytes FROM log_events
       WHERE group_name = ? AND timestamp < ? ORDER BY timestamp, id`,
    );
    this.deleteIds = db.prepare('DELETE FROM log_events WHERE id IN (SELECT value FROM json_each(?))');
    this.shrinkStream = db.prepare(
      `UPDATE log_streams SET stored_bytes = max(0, stored_bytes - @bytes),
         first_event_at = (SELECT timestamp FROM log_events WHERE group_name = @group AND stream_name = @stream ORDER BY id LIMIT 1)
       WHERE group_name = @group AND stream_name = @stream`,
    );
    this.dropEmptyStream = db.prepare('DELETE FROM log_streams WHERE group_name = ? AND stream_name = ? AND first_event_at IS NULL');
    this.shrinkGroup = db.prepare('UPDATE log_groups SET stored_bytes = max(0, stored_bytes - ?) WHERE group_name = ?');
    this.deleteStep = db.transaction((group: string, before: number, bytesToFree: number, budget: StepBudget) => this.step(group, before, bytesToFree, budget));
  }

  /** Deletes events of `group` older than `before`, oldest first: at most one budget's worth. */
  deleteOlderThan(group: string, before: number, budget = DEFAULT_STEP_BUDGET): StepResult {
    return this.deleteStep(group, before, Infinity, budget);
  }

  /** Deletes the group's oldest events until `bytesToFree` message bytes are gone, or the budget is spent. */
  deleteOldestBytes(group: string, bytesToFree: number, budget = DEFAULT_STEP_BUDGET): StepResult {
    if (bytesToFree <= 0) return { rows: 0, bytes: 0, more: false };
    return this.deleteStep(group, Number.MAX_SAFE_INTEGER, bytesToFree, budget);
  }

  /** Call inside a transaction (the log store's write batch does). */
  deleteOldestBytesInTransaction(group: string, bytesToFree: number, budget = DEFAULT_STEP_BUDGET): StepResult {
    if (bytesToFree <= 0) return { rows: 0, bytes: 0, more: false };
    return this.step(group, Number.MAX_SAFE_INTEGER, bytesToFree, budget);
  }

  /**
   * Gives free pages beyond `keepPages` back to the file system, at most `maxPages` per call
   * (telemetry.db uses auto_vacuum=INCREMENTAL). Returns true when more could be released.
   */
  releaseFreePages(maxPages = 256, keepPages = 256): boolean {
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const release = Math.min(maxPages, free - keepPages);
    if (release <= 0) return false;
    this.db.pragma(`incremental_vacuum(${release})`);
    return free - release > keepPages;
  }

  async deleteAll(group: string, stream?: string): Promise<boolean> {
    const exists = stream === undefined
      ? this.db.prepare('SELECT 1 FROM log_groups WHERE group_name = ?').get(group)
      : this.db.prepare('SELECT 1 FROM log_streams WHERE group_name = ? AND stream_name = ?').get(group, stream);
    if (!exists) return false;
    const some = this.db.prepare(`DELETE FROM log_events WHERE id IN
      (SELECT id FROM log_events WHERE group_name = ? AND (? IS NULL OR stream_name = ?) LIMIT ${DELETE_ALL_STEP_ROWS})`);
    while (some.run(group, stream ?? null, stream ?? null).changes === DELETE_ALL_STEP_ROWS) await nextTurn();
    // What came in meanwhile (a running function still writes) goes with the rest, in one transaction.
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM log_events WHERE group_name = ? AND (? IS NULL OR stream_name = ?)').run(group, stream ?? null, stream ?? null);
      if (stream === undefined) {
        this.db.prepare('DELETE FROM log_streams WHERE group_name = ?').run(group);
        this.db.prepare('DELETE FROM log_groups WHERE group_name = ?').run(group);
      } else {
        const row = this.db.prepare<[string, string], { stored_bytes: number }>('DELETE FROM log_streams WHERE group_name = ? AND stream_name = ? RETURNING stored_bytes').get(group, stream);
        this.shrinkGroup.run(row?.stored_bytes ?? 0, group);
      }
    })();
    return true;
  }

  private step(group: string, before: number, bytesToFree: number, budget: StepBudget): StepResult {
    const ids: number[] = [];
    const perStream = new Map<string, number>();
    let bytes = 0;
    let read = 0;
    let budgetSpent = false;
    for (const row of this.oldest.iterate(group, before)) {
      if (ids.length >= budget.maxRows || read >= budget.maxReadBytes) {
        budgetSpent = true;
        break;
      }
      ids.push(row.id);
      read += row.bytes;
      bytes += row.bytes;
      perStream.set(row.stream_name, (perStream.get(row.stream_name) ?? 0) + row.bytes);
      if (bytes >= bytesToFree) break;
    }
    if (ids.length === 0) return { rows: 0, bytes: 0, more: false };
    this.deleteIds.run(JSON.stringify(ids));
    for (const [stream, streamBytes] of perStream) {
      this.shrinkStream.run({ group, stream, bytes: streamBytes });
      this.dropEmptyStream.run(group, stream);
    }
    this.shrinkGroup.run(bytes, group);
    return { rows: ids.length, bytes, more: budgetSpent && bytes < bytesToFree };
  }
}
