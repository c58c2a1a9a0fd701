// Metering: what each attempt cost (an async event retried twice is billed three times, as on
// Lambda), and usage reports priced like Lambda (GB-seconds of billed duration × memory, plus a
// price per million requests). The rows live in storage/metering-store.ts.
import type { Db } from '../storage/database.js';
import { MeteringStore, type AttemptRow, type MeteringBackend, type InvocationRecord as StoredRecord, type UsageSums } from '../storage/metering-store.js';

export type InvocationRecord = Omit<StoredRecord, 'gbSeconds'>;

export interface FunctionUsage extends UsageSums {
  requestCost: number;
  computeCost: number;
  cost: number;
}

export interface Prices {
  pricePerGbSecond: number;
  pricePerMillionRequests: number;
}

export const gbSeconds = (billedMs: number, memoryMb: number) => (billedMs / 1000) * (memoryMb / 1024);

export class Metering {
  private readonly store: MeteringBackend;

  /** `source`: telemetry.db (the embedded store over it) or another backend (a cluster's PostgreSQL). */
  constructor(
    source: Db | MeteringBackend,
    private readonly prices: Prices,
  ) {
    this.store = 'prepare' in source ? new MeteringStore(source) : source;
  }

  /** Buffers a record; it is written with the others of the next few milliseconds. */
  record(r: InvocationRecord): void {
    this.store.record({ ...r, gbSeconds: gbSeconds(r.billedMs, r.memoryMb) });
  }

  /** Writes what is buffered. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /** Usage per function between two times (ms since the epoch, end exclusive). */
  async usage(opts: { functionName?: string; start: number; end: number }): Promise<FunctionUsage[]> {
    return (await this.store.sums(opts)).map((row) => this.price(row));
  }

  /** Usage per function and UTC day, priced. */
  async dailyUsage(opts: { functionName?: string; start: number; end: number }): Promise<(FunctionUsage & { day: number })[]> {
    return (await this.store.dailySums(opts)).map((row) => this.price(row));
  }

  /** The attempts of a period (newest `limit`), oldest first. */
  attempts(opts: { functionName?: string; start: number; end: number; limit: number }): Promise<AttemptRow[]> {
    return this.store.attempts(opts);
  }

  private price<T extends UsageSums>(row: T): T & { requestCost: number; computeCost: number; cost: number } {
    const requestCost = (row.requests / 1e6) * this.prices.pricePerMillionRequests;
    const computeCost = row.gbSeconds * this.prices.pricePerGbSecond;
    return { ...row, requestCost, computeCost, cost: requestCost + computeCost };
  }
}
