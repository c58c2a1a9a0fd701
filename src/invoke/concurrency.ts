// Concurrency controls, as Lambda's: a function with reserved concurrency runs at most that many
// invocations at once (0 stops it) and those are always available to it; every other function
// shares what is left of the account limit. Over a limit an invocation is throttled with 429
// and Lambda's Reason, instead of queueing without bound.
import { GustError, invalidParameter } from '../errors.js';
import type { Reservations } from './reservations.js';
import { InMemoryConcurrencyCounters, type ConcurrencyCounters } from './concurrency-counters.js';

export class Concurrency {
  constructor(
    readonly accountLimit: number,
    private readonly reservations: Reservations,
    /** The running counts: in this process's memory unless a cluster shares them. */
    private readonly counters: ConcurrencyCounters = new InMemoryConcurrencyCounters(),
  ) {}

  /** Reservations may not take the unreserved pool below this (100 of Lambda's default 1,000). */
  get minimumUnreserved(): number {
    return Math.max(1, Math.round(this.accountLimit / 10));
  }

  get unreservedLimit(): number {
    return this.accountLimit - this.reservations.total();
  }

  /** Invocations running now. */
  running(): Promise<number> {
    return this.counters.running();
  }

  /** Invocations running now per function, for metrics. */
  runningByFunction(): Promise<Map<string, number>> {
    return this.counters.runningByFunction();
  }

  reserved(name: string): number | undefined {
    return this.reservations.get(name);
  }

  async reserve(name: string, reserved: unknown): Promise<number> {
    if (typeof reserved !== 'number' || !Number.isInteger(reserved) || reserved < 0) {
      throw invalidParameter('ReservedConcurrentExecutions must be a whole number of 0 or more.');
    }
    const othersReserved = this.reservations.total() - (this.reservations.get(name) ?? 0);
    if (this.accountLimit - othersReserved - reserved < this.minimumUnreserved) {
      throw invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${this.minimumUnreserved}].`,
      );
    }
    await this.reservations.set(name, reserved);
    return reserved;
  }

  async unreserve(name: string): Promise<void> {
    await this.reservations.delete(name);
  }

  /** Forgets a deleted function's reservation, whose row went with the function's unit of work. */
  forgetFunction(name: string): void {
    this.reservations.forget(name);
  }

  /** Counts an invocation in, or throws TooManyRequestsException; returns its release. */
  async acquire(name: string): Promise<() => void> {
    const reserved = this.reservations.get(name);
    const result = await this.counters.tryAcquire(name, { reserved, unreservedLimit: this.unreservedLimit });
    if (result !== 'admitted') throw new GustError('TooManyRequestsException', 'Rate Exceeded.', { Reason: result });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The counters are in memory here; a shared one that fails to count out must not fail the
      // invocation that already ran (its count then expires with the node, as the cluster sees fit).
      void this.counters.release(name, reserved !== undefined).catch(() => {});
    };
  }
}
