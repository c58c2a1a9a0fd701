// Schedules as EventBridge Scheduler defines them (Create/Get/Update/Delete/ListSchedules):
// validation of every field, then storage with the next run computed.
import { GustError } from '../errors.js';
import type { ScheduleRecord, ScheduleStore } from '../storage/schedule-store.js';
import { nextRun, parseScheduleExpression } from '../triggers/schedule/schedule-expression.js';
import { computeFirstRun, computeNextRun } from '../triggers/schedule/scheduler.js';
import { parseFunctionName } from './function-names.js';
import type { Home } from './home.js';

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const invalid = (message: string) => new GustError('ValidationException', message);

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const epochMs = (v: unknown, field: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'number' ? v * 1000 : Date.parse(String(v));
  // Also beyond what a Date can hold (1e20 seconds, say): no run could ever be computed from it.
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) throw invalid(`${field} is not a valid timestamp.`);
  return ms;
};

/**
 * Scheduler's RetryPolicy and DeadLetterConfig govern delivery to the target. Gust delivers a
 * run by committing it to its durable async queue, which does not fail the way a remote call
 * does, so the settings could never act: refused rather than silently dropped. Retries of the
 * function itself are its event-invoke config; its failures go to its OnFailure destination.
 */
function refuseDeliverySettings(target: Record<string, unknown>) {
  if (target.RetryPolicy !== undefined) {
    throw invalid('Target.RetryPolicy is not supported: Gust queues each run durably, and retries of the function are set by its event-invoke config (MaximumRetryAttempts, MaximumEventAgeInSeconds).');
  }
  if (target.DeadLetterConfig !== undefined) {
    throw invalid("Target.DeadLetterConfig is not supported: a failed run goes to the function's OnFailure destination (e.g. Gust's dead-letter store) set in its event-invoke config.");
  }
}

export class Schedules {
  constructor(
    private readonly store: ScheduleStore,
    private readonly home: Home,
    private readonly functionExists: (name: string) => boolean | Promise<boolean>,
    /** Called after every change, so the scheduler re-reads the earliest run. */
    private readonly changed: () => void | Promise<void>,
  ) {}

  arnOf(group: string, name: string) {
    return `arn:aws:scheduler:${this.home.region}:${this.home.accountId}:schedule/${group}/${name}`;
  }

  async get(group: string, name: string) {
    const s = await this.store.get(group, name);
    if (!s) throw new GustError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return s;
  }

  list() {
    return this.store.list();
  }

  async create(name: string, body: Record<string, unknown>): Promise<ScheduleRecord> {
    const group = this.group(body.GroupName);
    if (!NAME.test(name)) throw invalid(`Name must be 1 to 64 letters, digits, '-', '_' or '.'; got '${name.slice(0, 80)}'.`);
    if (await this.store.get(group, name)) throw new GustError('ConflictException', `Schedule ${name} already exists.`);
    return this.save(name, group, body, Date.now());
  }

  async update(name: string, body: Record<string, unknown>): Promise<ScheduleRecord> {
    const current = await this.get(this.group(body.GroupName), name);
    // GustMissedRuns is Gust's own request field, which no AWS client sends: an update keeps it.
    return this.save(name, current.groupName, { GustMissedRuns: current.missedRuns, ...body }, current.creationDate);
  }

  async delete(group: string, name: string): Promise<void> {
    if (!(await this.store.delete(group, name))) throw new GustError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    await this.changed();
  }

  /** enable/disable for `gust schedule`: changes only the state. */
  async setState(group: string, name: string, state: 'ENABLED' | 'DISABLED'): Promise<ScheduleRecord> {
    const { nextRunAt: _, ...current } = await this.get(group, name);
    const record = { ...current, state, lastModificationDate: Date.now() };
    await this.store.put(record, computeNextRun(record, Date.now()));
    await this.changed();
    return record;
  }

  private group(value: unknown): string {
    if (value === undefined || value === null || value === 'default') return 'default';
    throw invalid('Only the default schedule group exists in Gust.');
  }

  /** Update replaces the whole definition, as UpdateSchedule does. */
  private async save(name: string, group: string, body: Record<string, unknown>, creationDate: number): Promise<ScheduleRecord> {
    const expression = body.ScheduleExpression;
    if (typeof expression !== 'string') throw invalid('ScheduleExpression is required.');
    const timezone = body.ScheduleExpressionTimezone === undefined ? 'UTC' : String(body.ScheduleExpressionTimezone);
    if (!validTimezone(timezone)) throw invalid(`ScheduleExpressionTimezone '${timezone.slice(0, 60)}' is not an IANA time zone.`);
    let parsed;
    try {
      parsed = parseScheduleExpression(expression, timezone);
    } catch (err) {
      throw invalid((err as Error).message);
    }
    // A recurring schedule whose expression has no run left would be accepted and never fire:
    // EventBridge Scheduler refuses it. (A one-time at() in the past is accepted and runs once.)
    const now = Date.now();
    if (parsed.kind === 'cron' && nextRun(parsed, new Date(now), timezone) === null) {
      throw invalid(`Invalid Schedule Expression ${expression.slice(0, 200)}. It has no run after ${new Date(now).toISOString()}.`);
    }
    const window = body.FlexibleTimeWindow as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
    if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) throw invalid('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.');
    if (window.Mode === 'FLEXIBLE' && !(Number.isInteger(window.MaximumWindowInMinutes) && (window.MaximumWindowInMinutes as number) >= 1 && (window.MaximumWindowInMinutes as number) <= 1440)) {
      throw invalid('FlexibleTimeWindow.MaximumWindowInMinutes must be 1 to 1440 with Mode FLEXIBLE.');
    }
    const target = body.Target as { Arn?: unknown; RoleArn?: unknown; Input?: unknown; RetryPolicy?: unknown; DeadLetterConfig?: unknown } | undefined;
    if (!target || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') throw invalid('Target.Arn and Target.RoleArn are required.');
    if (!target.Arn.startsWith('arn:aws:lambda:')) throw invalid('Gust schedules target Lambda functions: Target.Arn must be a function ARN.');
    const fn = parseFunctionName(target.Arn, this.home);
    if (!(await this.functionExists(fn.name))) throw invalid(`The target function ${target.Arn} does not exist.`);
    if (target.Input !== undefined && typeof target.Input !== 'string') throw invalid('Target.Input must be a string.');
    refuseDeliverySettings(target);
    const state = body.State === undefined ? 'ENABLED' : body.State;
    if (state !== 'ENABLED' && state !== 'DISABLED') throw invalid('State must be ENABLED or DISABLED.');
    const after = body.ActionAfterCompletion === undefined ? 'NONE' : body.ActionAfterCompletion;
    if (after !== 'NONE' && after !== 'DELETE') throw invalid('ActionAfterCompletion must be NONE or DELETE.');
    const missed = (body.GustMissedRuns ?? 'fire') as string;
    if (missed !== 'fire' && missed !== 'skip') throw invalid("GustMissedRuns must be 'fire' (once) or 'skip'.");
    const startDate = epochMs(body.StartDate, 'StartDate');
    const endDate = epochMs(body.EndDate, 'EndDate');
    if (startDate !== undefined && endDate !== undefined && endDate <= startDate) throw invalid('The StartDate you specify must come before the EndDate.');
    const record: ScheduleRecord = {
      name,
      groupName: group,
      arn: this.arnOf(group, name),
      expression,
      timezone,
      state,
      targetArn: target.Arn,
      roleArn: target.RoleArn,
      ...(target.Input !== undefined ? { input: target.Input as string } : {}),
      ...(typeof body.Description === 'string' ? { description: body.Description } : {}),
      ...(window.Mode === 'FLEXIBLE' ? { flexibleWindowMinutes: window.MaximumWindowInMinutes as number } : {}),
      actionAfterCompletion: after,
      missedRuns: missed,
      startDate,
      endDate,
      creationDate,
      lastModificationDate: Date.now(),
    };
    await this.store.put(record, computeFirstRun(record, now));
    await this.changed();
    return record;
  }
}
