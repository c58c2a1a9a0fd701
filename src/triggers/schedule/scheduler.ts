// Fires schedules: sleeps until the earliest next run, then queues each due run as a durable
// async invocation in the same transaction that moves the schedule on, so a run fires once even
// if Gust crashes. After downtime a missed run fires once or is skipped, as the schedule says.
// Time comes from an injected clock so that tests run on fake time.
import type { ScheduleRecord, ScheduleStore } from '../../storage/schedule-store.js';
import { nextRun, parseScheduleExpression } from './schedule-expression.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { clear(): void };
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    t.unref();
    return { clear: () => clearTimeout(t) };
  },
};

export interface SchedulerDeps {
  store: ScheduleStore;
  /** Queues the run durably; called inside the store's transaction. */
  fire(schedule: ScheduleRecord, scheduledAt: number): void;
  /** Called after a transaction that fired, e.g. to wake the async worker. */
  afterFire(): void;
  clock: Clock;
  log(message: string): void;
}

/** The run after `after`, within the schedule's start and end dates; null when there is none. */
export function computeNextRun(s: ScheduleRecord, after: number): number | null {
  if (s.state !== 'ENABLED') return null;
  const anchor = s.startDate ?? s.creationDate;
  const from = Math.max(after, (s.startDate ?? 0) - 1);
  const next = nextRun(parseScheduleExpression(s.expression, s.timezone), new Date(from), s.timezone, new Date(anchor));
  if (!next || (s.endDate !== undefined && next.getTime() > s.endDate)) return null;
  return next.getTime();
}

export class Scheduler {
  private timer: { clear(): void } | null = null;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Catches up on runs missed while Gust was down, then waits for the next one. */
  start(): void {
    const now = this.deps.clock.now();
    for (const s of this.deps.store.due(now)) {
      if (s.missedRuns === 'fire') this.fireOne(s, s.nextRunAt, now);
      else {
        this.deps.log(`Schedule ${s.groupName}/${s.name}: skipped the run missed at ${new Date(s.nextRunAt).toISOString()}`);
        this.deps.store.advance(s.groupName, s.name, s.nextRunAt, computeNextRun(s, now));
      }
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.clear();
  }

  /** Re-reads the earliest run; call after any schedule changed. */
  refresh(): void {
    if (!this.stopped) this.arm();
  }

  private arm() {
    this.timer?.clear();
    this.timer = null;
    const earliest = this.deps.store.earliest();
    if (earliest === null) return;
    this.timer = this.deps.clock.setTimeout(() => this.tick(), Math.max(0, earliest - this.deps.clock.now()));
  }

  private tick() {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    for (const s of this.deps.store.due(now)) this.fireOne(s, s.nextRunAt, now);
    this.arm();
  }

  private fireOne(s: ScheduleRecord & { nextRunAt: number }, scheduledAt: number, now: number) {
    const next = computeNextRun(s, Math.max(now, scheduledAt));
    const fired = this.deps.store.transaction(() => {
      if (!this.deps.store.advance(s.groupName, s.name, s.nextRunAt, next)) return false;
      this.deps.fire(s, scheduledAt);
      if (next === null && s.actionAfterCompletion === 'DELETE') this.deps.store.delete(s.groupName, s.name);
      return true;
    });
    if (fired) this.deps.afterFire();
  }
}
