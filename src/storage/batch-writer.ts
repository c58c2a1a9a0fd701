// Buffers telemetry rows and writes them in one transaction every few milliseconds, so that many
// invocations share one commit. Readers call flush() first and so always see every row.

/** How long telemetry waits to batch writes; a crash can lose at most this much of it. */
export const TELEMETRY_FLUSH_MS = 20;

export class BatchWriter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** `writeBatch` must write all rows in one transaction. */
  constructor(private readonly writeBatch: (rows: T[]) => void) {}

  add(row: T): void {
    this.pending.push(row);
    this.timer ??= setTimeout(() => this.flush(), TELEMETRY_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.writeBatch(rows);
  }
}
