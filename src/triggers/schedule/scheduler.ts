// Fires schedules: sleeps until the earliest next run, then queues each due run as a durable
// async invocation in the same transaction that moves the schedule on, so a run fires once even
// if Gust crashes. After downtime a missed run fires once or is skipped, as the schedule says.
// Time comes from an injected clock so that tests run on fake time.
import type { ScheduleRecord, ScheduleStore } from '../../storage/schedule-store.js';
import { nextRun, parseScheduleExpression } from './schedule-expression.js';

export { realClock, type Clock } from '../../clock.js';
import type { Clock } from '../../clock.js';

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
  const expression = parseScheduleExpression(s.expression, s.timezone);
  // EventBridge Scheduler ignores StartDate and EndDate for one-time schedules.
  if (expression.kind === 'at') return nextRun(expression, new Date(after), s.timezone)?.getTime() ?? null;
  const anchor = s.startDate ?? s.creationDate;
  const from = Math.max(after, (s.startDate ?? 0) - 1);
  const next = nextRun(expression, new Date(from), s.timezone, new Date(anchor));
  if (!next || (s.endDate !== undefined && next.getTime() > s.endDate)) return null;
  return next.getTime();
}

/** The earliest instant a Date can hold: every at() time is after it. */
const EARLIEST_DATE = new Date(-8.64e15);

/**
 * The first run of a schedule just created or replaced. A one-time at() already in the past
 * is accepted and runs once, at once, as on EventBridge Scheduler; otherwise the next run.
 */
export function computeFirstRun(s: ScheduleRecord, now: number): number | null {
  if (s.state !== 'ENABLED') return null;
  const expression = parseScheduleExpression(s.expression, s.timezone);
  if (expression.kind === 'at') return nextRun(expression, EARLIEST_DATE, s.timezone)?.getTime() ?? null;
  return computeNextRun(s, now);
}

/** After a run failed to be queued, the scheduler tries it again this much later. */
export const RETRY_AFTER_FAILURE_MS = 60_000;

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Scheduler {
  private timer: { clear(): void } | null = null;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Catches up on runs missed while Gust was down, then waits for the next one. */
  start(): void {
    const now = this.deps.clock.now();
    let failed = false;
    try {
      for (const s of this.deps.store.due(now)) {
        if (s.missedRuns === 'fire') failed = !this.tryFire(s, now) || failed;
        else failed = !this.trySkip(s, now) || failed;
      }
    } catch (err) {
      failed = true;
      this.deps.log(`Scheduler: could not read the schedules due: ${describe(err)}; trying again in a minute`);
    }
    this.arm(failed ? RETRY_AFTER_FAILURE_MS : 0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.clear();
  }

  /** Re-reads the earliest run; call after any schedule changed. */
  refresh(): void {
    if (!this.stopped) this.arm();
  }

  /** Waits for the earliest run, but at least `minDelayMs`, so a run that keeps failing cannot spin. */
  private arm(minDelayMs = 0) {
    this.timer?.clear();
    this.timer = null;
    if (this.stopped) return;
    let earliest: number | null;
    try {
      earliest = this.deps.store.earliest();
    } catch (err) {
      this.deps.log(`Scheduler: could not read the next run: ${describe(err)}; trying again in a minute`);
      earliest = this.deps.clock.now() + RETRY_AFTER_FAILURE_MS;
    }
    if (earliest === null) return;
    this.timer = this.deps.clock.setTimeout(() => this.tick(), Math.max(minDelayMs, earliest - this.deps.clock.now(), 0));
  }

  /** One schedule that fails (a broken record, a full disk) neither stops the others nor the scheduler. */
  private tick() {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    let failed = false;
    try {
      for (const s of this.deps.store.due(now)) failed = !this.tryFire(s, now) || failed;
    } catch (err) {
      failed = true;
      this.deps.log(`Scheduler: could not read the schedules due: ${describe(err)}; trying again in a minute`);
    }
    this.arm(failed ? RETRY_AFTER_FAILURE_MS : 0);
  }

  /**
   * Fires one due run; on failure logs it and puts the run off by a minute. False only when even
   * that failed (the store itself fails), so that the scheduler waits before it tries again.
   */
  private tryFire(s: ScheduleRecord & { nextRunAt: number }, now: number): boolean {
    try {
      this.fireOne(s, s.nextRunAt, now);
      return true;
    } catch (err) {
      this.deps.log(`Schedule ${s.groupName}/${s.name}: the run due at ${new Date(s.nextRunAt).toISOString()} failed: ${describe(err)}; trying again in a minute`);
      return this.postpone(s, now);
    }
  }

  private trySkip(s: ScheduleRecord & { nextRunAt: number }, now: number): boolean {
    try {
      this.deps.log(`Schedule ${s.groupName}/${s.name}: skipped the run missed at ${new Date(s.nextRunAt).toISOString()}`);
      this.deps.store.advance(s.groupName, s.name, s.nextRunAt, computeNextRun(s, now));
      return true;
    } catch (err) {
      this.deps.log(`Schedule ${s.groupName}/${s.name}: could not move on: ${describe(err)}; trying again in a minute`);
      return this.postpone(s, now);
    }
  }

  private postpone(s: ScheduleRecord & { nextRunAt: number }, now: number): boolean {
    try {
      this.deps.store.advance(s.groupName, s.name, s.nextRunAt, now + RETRY_AFTER_FAILURE_MS);
      return true;
    } catch {
      return false;
    }
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
