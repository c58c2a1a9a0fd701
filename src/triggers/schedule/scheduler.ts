// Fires schedules: sleeps until the earliest next run, then queues each due run as a durable
// async invocation in the same transaction that moves the schedule on, so a run fires once even
// if Gust crashes. After downtime a missed run fires once or is skipped, as the schedule says.
// Time comes from an injected clock so that tests run on fake time.
import type { AsyncEventStore } from '../../storage/async-event-store.js';
import type { ScheduleFiringTransaction, ScheduleRecord, ScheduleStore } from '../../storage/schedule-store.js';
import { nextRun, parseScheduleExpression } from './schedule-expression.js';

import type { Clock } from '../../clock.js';

export interface SchedulerDeps {
  store: ScheduleStore;
  /** One unit of work over the schedules and the async queue: a run fires in one of these. */
  transaction: ScheduleFiringTransaction;
  /** Queues the run durably on `queue`, the async queue inside the firing's transaction. */
  fire(schedule: ScheduleRecord, scheduledAt: number, queue: AsyncEventStore): void | Promise<void>;
  /** Called after a transaction that fired, e.g. to wake the async worker. */
  afterFire(): void;
  clock: Clock;
  log(message: string): void;
  /**
   * Other nodes change and fire the same schedules (a cluster): the earliest run is read again
   * at least this often, since this node hears of nothing they do. Unset: only when told (refresh).
   */
  rereadEveryMs?: number;
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
  /** Counts arm() calls: a read of the earliest run that another arm() overtook is dropped. */
  private armed = 0;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Catches up on runs missed while Gust was down, then waits for the next one. */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    let failed = false;
    try {
      for (const s of await this.deps.store.due(now)) {
        if (s.missedRuns === 'fire') failed = !(await this.tryFire(s, now)) || failed;
        else failed = !(await this.trySkip(s, now)) || failed;
      }
    } catch (err) {
      failed = true;
      this.deps.log(`Scheduler: could not read the schedules due: ${describe(err)}; trying again in a minute`);
    }
    await this.arm(failed ? RETRY_AFTER_FAILURE_MS : 0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.clear();
  }

  /** Re-reads the earliest run; call after any schedule changed. Resolves once the timer is set. */
  async refresh(): Promise<void> {
    if (!this.stopped) await this.arm();
  }

  /** Waits for the earliest run, but at least `minDelayMs`, so a run that keeps failing cannot spin. */
  private async arm(minDelayMs = 0): Promise<void> {
    const call = ++this.armed;
    if (this.stopped) return;
    let earliest: number | null;
    try {
      earliest = await this.deps.store.earliest();
    } catch (err) {
      this.deps.log(`Scheduler: could not read the next run: ${describe(err)}; trying again in a minute`);
      earliest = this.deps.clock.now() + RETRY_AFTER_FAILURE_MS;
    }
    // A later arm() read the store after this one did (a schedule changed meanwhile): it decides.
    if (call !== this.armed || this.stopped) return;
    this.timer?.clear();
    this.timer = null;
    const reread = this.deps.rereadEveryMs;
    if (earliest === null && reread === undefined) return;
    let delay = earliest === null ? Infinity : Math.max(minDelayMs, earliest - this.deps.clock.now(), 0);
    if (reread !== undefined) delay = Math.min(delay, Math.max(minDelayMs, reread));
    // The timer's callback returns the tick's promise: a fake clock can wait for it.
    this.timer = this.deps.clock.setTimeout(() => this.tick(), delay);
  }

  /** One schedule that fails (a broken record, a full disk) neither stops the others nor the scheduler. */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    let failed = false;
    try {
      for (const s of await this.deps.store.due(now)) failed = !(await this.tryFire(s, now)) || failed;
    } catch (err) {
      failed = true;
      this.deps.log(`Scheduler: could not read the schedules due: ${describe(err)}; trying again in a minute`);
    }
    await this.arm(failed ? RETRY_AFTER_FAILURE_MS : 0);
  }

  /**
   * Fires one due run; on failure logs it and puts the run off by a minute. False only when even
   * that failed (the store itself fails), so that the scheduler waits before it tries again.
   */
  private async tryFire(s: ScheduleRecord & { nextRunAt: number }, now: number): Promise<boolean> {
    try {
      await this.fireOne(s, s.nextRunAt, now);
      return true;
    } catch (err) {
      this.deps.log(`Schedule ${s.groupName}/${s.name}: the run due at ${new Date(s.nextRunAt).toISOString()} failed: ${describe(err)}; trying again in a minute`);
      return this.postpone(s, now);
    }
  }

  private async trySkip(s: ScheduleRecord & { nextRunAt: number }, now: number): Promise<boolean> {
    try {
      this.deps.log(`Schedule ${s.groupName}/${s.name}: skipped the run missed at ${new Date(s.nextRunAt).toISOString()}`);
      await this.deps.store.advance(s.groupName, s.name, s.nextRunAt, computeNextRun(s, now));
      return true;
    } catch (err) {
      this.deps.log(`Schedule ${s.groupName}/${s.name}: could not move on: ${describe(err)}; trying again in a minute`);
      return this.postpone(s, now);
    }
  }

  private async postpone(s: ScheduleRecord & { nextRunAt: number }, now: number): Promise<boolean> {
    try {
      await this.deps.store.advance(s.groupName, s.name, s.nextRunAt, now + RETRY_AFTER_FAILURE_MS);
      return true;
    } catch {
      return false;
    }
  }

  private async fireOne(s: ScheduleRecord & { nextRunAt: number }, scheduledAt: number, now: number) {
    const next = computeNextRun(s, Math.max(now, scheduledAt));
    const fired = await this.deps.transaction(async ({ schedules, asyncEvents }) => {
      if (!(await schedules.advance(s.groupName, s.name, s.nextRunAt, next))) return false;
      await this.deps.fire(s, scheduledAt, asyncEvents);
      if (next === null && s.actionAfterCompletion === 'DELETE') await schedules.delete(s.groupName, s.name);
      return true;
    });
    if (fired) this.deps.afterFire();
  }
}
