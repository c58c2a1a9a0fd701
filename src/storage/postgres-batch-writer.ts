// Telemetry rows bound for PostgreSQL (a cluster's shared telemetry): buffered in memory and written
// every few milliseconds, off the request path, by one transaction holding one multi-row statement
// per table. An invocation never waits on PostgreSQL: appending only pushes to an array. While the
// database is unreachable, rows stay buffered up to a byte bound and are retried with backoff;
// beyond the bound new rows are dropped, counted, with a warning at most every few seconds. A batch
// that PostgreSQL refuses for what it holds (not for being unreachable) is dropped the same way, so
// one bad row cannot block the rest for ever.
import type { Kysely, Transaction } from 'kysely';
import { TELEMETRY_FLUSH_MS } from './batch-writer.js';

export interface PostgresBatchOptions {
  /** Bytes of rows kept while PostgreSQL does not take them (default 64 MB). */
  maxBufferedBytes?: number;
  log?: (line: string) => void;
  /** Told of every row dropped (the metrics count them). */
  onDropped?: (rows: number) => void;
}

/** Rows per table in one transaction: a backlog after an outage goes out in several. */
const MAX_ROWS_PER_WRITE = 5000;
const MAX_BACKOFF_MS = 5000;
const WARN_EVERY_MS = 10_000;

/** Whether an error says PostgreSQL could not be reached (retry) rather than refused the rows. */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // SQLSTATE classes: 08 connection, 40 rollback (deadlock, serialization), 53 resources, 57 shutdown.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return /^(08|40|53|57)/.test(code);
  return true; // ECONNREFUSED, a connection terminated, a pool timeout: no SQLSTATE at all
}

interface Writer {
  rows: unknown[];
  bytes: number;
  sizeOf(row: unknown): number;
  write(tx: Transaction<any>, rows: unknown[]): Promise<void>;
}

/** The writers of one PostgreSQL database: flushed together, one transaction per round. */
export class PostgresBatchGroup {
  private readonly writers: Writer[] = [];
  private readonly maxBytes: number;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private failures = 0;
  private closed = false;
  private droppedSinceWarning = 0;
  private lastWarning = -Infinity;
  /** Rows dropped since start: over the bound, or refused by PostgreSQL. */
  dropped = 0;

  constructor(
    private readonly db: Kysely<any>,
    private readonly options: PostgresBatchOptions = {},
  ) {
    this.maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  }

  /** A writer for one table: `write` must put every row in one statement on `tx`. */
  writer<T>(sizeOf: (row: T) => number, write: (tx: Transaction<any>, rows: T[]) => Promise<void>): PostgresBatchWriter<T> {
    const w: Writer = { rows: [], bytes: 0, sizeOf: sizeOf as (row: unknown) => number, write: write as Writer['write'] };
    this.writers.push(w);
    return new PostgresBatchWriter<T>(this, w);
  }

  /** @internal */
  add(w: Writer, row: unknown): void {
    const size = w.sizeOf(row);
    if (this.bufferedBytes() + size > this.maxBytes || this.closed) {
      this.drop(1, this.closed ? 'the database is closed' : 'PostgreSQL is not taking telemetry as fast as it comes (buffer full)');
      return;
    }
    w.rows.push(row);
    w.bytes += size;
    this.schedule(TELEMETRY_FLUSH_MS);
  }

  /** Writes everything buffered when called; rejects if PostgreSQL did not take it. */
  async flush(): Promise<void> {
    do await this.round();
    while (this.writers.some((w) => w.rows.length >= MAX_ROWS_PER_WRITE));
  }

  private async round(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => {});
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const round = this.writers.map((w) => w.rows.splice(0, MAX_ROWS_PER_WRITE));
    this.writers.forEach((w, i) => (w.bytes -= round[i].reduce((n: number, r) => n + w.sizeOf(r), 0)));
    if (round.every((rows) => rows.length === 0)) return;
    this.inFlight = this.write(round).finally(() => {
      this.inFlight = null;
      if (this.bufferedRows() > 0) this.schedule(this.failures > 0 ? Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.failures) : 0);
    });
    return this.inFlight;
  }

  /** Stops writing: what is still buffered is counted as dropped. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const left = this.bufferedRows();
    for (const w of this.writers) (w.rows = []), (w.bytes = 0);
    if (left > 0) this.drop(left, 'the database closed before they were written');
  }

  private async write(round: unknown[][]): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        for (let i = 0; i < round.length; i++) if (round[i].length > 0) await this.writers[i].write(tx, round[i]);
      });
      this.failures = 0;
    } catch (err) {
      const rows = round.reduce((n, r) => n + r.length, 0);
      if (isUnavailable(err) && !this.closed) {
        // Back in front of what came meanwhile, as far as the bound allows.
        this.failures++;
        this.writers.forEach((w, i) => {
          w.rows.unshift(...round[i]);
          w.bytes += round[i].reduce((n: number, r) => n + w.sizeOf(r), 0);
        });
        this.trimToBound();
        this.warn(`telemetry: PostgreSQL did not take ${rows} rows (${(err as Error)?.message ?? err}); retrying`);
      } else {
        this.drop(rows, `PostgreSQL refused them: ${(err as Error)?.message ?? err}`);
      }
      throw err;
    }
  }

  private schedule(ms: number): void {
    if (this.timer || this.inFlight || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => {});
    }, ms);
    // Retries must not keep a stopping process alive.
    this.timer.unref();
  }

  private trimToBound(): void {
    // The newest rows go first: those buffered longest are the oldest gap in the record.
    let dropped = 0;
    for (const w of [...this.writers].reverse()) {
      while (this.bufferedBytes() > this.maxBytes && w.rows.length > 0) {
        w.bytes -= w.sizeOf(w.rows.pop());
        dropped++;
      }
    }
    if (dropped > 0) this.drop(dropped, 'the buffer is full while PostgreSQL is unreachable');
  }

  private drop(rows: number, why: string): void {
    this.dropped += rows;
    this.droppedSinceWarning += rows;
    this.options.onDropped?.(rows);
    this.warn(`telemetry: dropped ${this.droppedSinceWarning} rows (${why}); ${this.dropped} since start`, true);
  }

  private warn(line: string, resetsDropCount = false): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    if (resetsDropCount) this.droppedSinceWarning = 0;
    (this.options.log ?? console.error)(line);
  }

  private bufferedBytes(): number {
    return this.writers.reduce((n, w) => n + w.bytes, 0);
  }

  private bufferedRows(): number {
    return this.writers.reduce((n, w) => n + w.rows.length, 0);
  }
}

export class PostgresBatchWriter<T> {
  /** @internal */
  constructor(
    private readonly group: PostgresBatchGroup,
    private readonly w: Writer,
  ) {}

  add(row: T): void {
    this.group.add(this.w, row);
  }

  flush(): Promise<void> {
    return this.group.flush();
  }
}
