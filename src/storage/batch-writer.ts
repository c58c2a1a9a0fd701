// Buffers telemetry rows and writes them in one transaction every few milliseconds, so that many
// invocations share one commit. Writers on the same database share one timer and one transaction
// (log lines, meter readings and history rows of the same moment: one commit, not three). Readers
// call flush() first and so always see every row.
import type { Db } from './database.js';

/** How long telemetry waits to batch writes; a crash can lose at most this much of it. */
export const TELEMETRY_FLUSH_MS = 20;

/** The writers of one database, flushed together. */
class BatchGroup {
  readonly writers = new Set<BatchWriter<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly writeAll: () => void;

  constructor(db: Db | undefined) {
    const writeEach = () => {
      for (const writer of this.writers) writer.writePending();
    };
    this.writeAll = db ? db.transaction(writeEach) : writeEach;
  }

  schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), TELEMETRY_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writeAll();
  }
}

const groups = new WeakMap<Db, BatchGroup>();

export class BatchWriter<T> {
  private pending: T[] = [];
  private readonly group: BatchGroup;

  /**
   * `writeBatch` must write all rows in one transaction (nested in the group's, when `db` is
   * given: writers that name the same database are committed together).
   */
  constructor(
    private readonly writeBatch: (rows: T[]) => void,
    db?: Db,
  ) {
    let group = db ? groups.get(db) : undefined;
    if (!group) {
      group = new BatchGroup(db);
      if (db) groups.set(db, group);
    }
    this.group = group;
    group.writers.add(this as BatchWriter<unknown>);
  }

  add(row: T): void {
    this.pending.push(row);
    this.group.schedule();
  }

  /** Writes what every writer of this database has buffered. */
  flush(): void {
    this.group.flush();
  }

  /** @internal the group's flush: this writer's rows. */
  writePending(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.writeBatch(rows);
  }
}
