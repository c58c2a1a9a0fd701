// Keeps telemetry.db bounded: every minute (on an injected clock) deletes the events older than
// their group's retention policy and whatever a group holds over the size cap, then gives freed
// pages back to the file system. Every part runs in bounded steps with a turn of the event loop
// between them, so a big delete never stalls invocations or API calls.
import type { Clock } from '../clock.js';
import type { LogStore } from '../storage/log-store.js';


export interface SweepReport {
  /** Events deleted because they were older than their group's retention. */
  expired: number;
  /** Events deleted because their group was over the size cap. */
  trimmed: number;
}

export const RETENTION_SWEEP_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LogRetention {
  private timer: { clear(): void } | null = null;
  private running: Promise<SweepReport> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: LogStore;
      clock: Clock;
      intervalMs?: number;
      log?: (line: string) => void;
    },
  ) {}

  /** Sweeps now, then every interval. */
  start(): void {
    this.started = true;
    this.stopped = false;
    this.arm(0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.clear();
    this.timer = null;
  }

  /** A write left a group over its cap: sweep at once rather than at the next interval. */
  wake(): void {
    if (this.started && !this.stopped) this.arm(0);
  }

  /** One full pass. A call while a pass runs makes that pass go round once more and shares its result. */
  sweep(): Promise<SweepReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.passes().finally(() => (this.running = null));
    return this.running;
  }

  private arm(ms: number): void {
    this.timer?.clear();
    this.timer = this.deps.clock.setTimeout(() => {
      // The next sweep is armed first: if this one is still running then, it goes round once more.
      this.arm(this.deps.intervalMs ?? RETENTION_SWEEP_INTERVAL_MS);
      this.sweep().catch((err) => this.deps.log?.(`log retention sweep failed: ${(err as Error)?.stack ?? err}`));
    }, ms);
  }

  private async passes(): Promise<SweepReport> {
    const total: SweepReport = { expired: 0, trimmed: 0 };
    do {
      this.again = false;
      const report = await this.pass();
      total.expired += report.expired;
      total.trimmed += report.trimmed;
    } while (this.again && !this.stopped);
    return total;
  }

  private async pass(): Promise<SweepReport> {
    const { store } = this.deps;
    const report: SweepReport = { expired: 0, trimmed: 0 };
    if (this.stopped) return report;
    await store.flush();
    const now = this.deps.clock.now();
    for (const { group, days } of await store.retentionPolicies()) {
      await this.inSteps(async () => {
        const step = await store.deletion.deleteOlderThan(group, now - days * DAY_MS);
        report.expired += step.rows;
        return step.more;
      });
    }
    for (const { group } of this.stopped ? [] : await store.groupsOverCap()) {
      await this.inSteps(async () => {
        // The excess is read again at each step: writes may have come in between.
        const step = await store.deletion.deleteOldestBytes(group, await store.groupExcess(group));
        report.trimmed += step.rows;
        return step.more;
      });
    }
    await this.inSteps(() => store.deletion.releaseFreePages());
    return report;
  }

  /** Runs `step` until it reports no more, yielding to the event loop before each; stops with the sweeper. */
  private async inSteps(step: () => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      await nextTurn();
      if (this.stopped || !(await step())) return;
    }
  }
}
