// `gust schedule add|ls|rm|enable|disable`: schedules, through the EventBridge Scheduler API.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';
import { computeNextRun } from '../triggers/schedule/scheduler.js';

const scheduler = { service: 'scheduler' };

export interface AddScheduleOptions extends OutputOptions {
  timezone?: string;
  input?: string;
  missed?: string;
  deleteAfter?: boolean;
}

export async function addSchedule(client: GustClient, name: string, expression: string, fn: string, opts: AddScheduleOptions): Promise<void> {
  const functionArn = fn.startsWith('arn:') ? fn : (await client.request('GET', `/2015-03-31/functions/${encodeURIComponent(fn)}/configuration`)).json().FunctionArn;
  const body = {
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: opts.timezone ?? 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: functionArn, RoleArn: 'arn:aws:iam::000000000000:role/gust-scheduler', ...(opts.input !== undefined ? { Input: opts.input } : {}) },
    ActionAfterCompletion: opts.deleteAfter ? 'DELETE' : 'NONE',
    ...(opts.missed ? { GustMissedRuns: opts.missed } : {}),
  };
  const { ScheduleArn } = (await client.request('POST', `/schedules/${encodeURIComponent(name)}`, { body: JSON.stringify(body), ...scheduler })).json();
  if (opts.json) return printJson({ ScheduleArn });
  process.stdout.write(`Added schedule ${name}: ${expression} (${body.ScheduleExpressionTimezone}) → ${fn}\n`);
}

/** GetSchedule's answer, the fields `ls` and `describe` read. */
export interface ScheduleDetail {
  Name: string;
  GroupName?: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  State: 'ENABLED' | 'DISABLED';
  Target: { Arn: string; Input?: string };
  StartDate?: number;
  EndDate?: number;
  CreationDate: number;
}

/**
 * The next run after `now`, computed as the scheduler computes it (same expression code, same
 * anchor for rate()), or null when the schedule is disabled or has no run left.
 */
export function nextRunOf(s: ScheduleDetail, now = Date.now()): Date | null {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  const next = computeNextRun(
    {
      name: s.Name,
      groupName: s.GroupName ?? 'default',
      arn: '',
      expression: s.ScheduleExpression,
      timezone: s.ScheduleExpressionTimezone ?? 'UTC',
      state: s.State,
      targetArn: s.Target.Arn,
      roleArn: '',
      actionAfterCompletion: 'NONE',
      missedRuns: 'fire',
      startDate: ms(s.StartDate),
      endDate: ms(s.EndDate),
      creationDate: ms(s.CreationDate)!,
      lastModificationDate: ms(s.CreationDate)!,
    },
    now,
  );
  return next === null ? null : new Date(next);
}

/** Every schedule with its definition (ListSchedules gives names only). */
export async function readSchedules(client: GustClient): Promise<ScheduleDetail[]> {
  const all: { Name: string; GroupName?: string }[] = [];
  for (let token: string | undefined; ; ) {
    const page = (await client.request('GET', `/schedules${token ? `?NextToken=${encodeURIComponent(token)}` : ''}`, scheduler)).json();
    all.push(...page.Schedules);
    if (!(token = page.NextToken)) break;
  }
  return Promise.all(
    all.map((s) => client.request('GET', `/schedules/${encodeURIComponent(s.Name)}${s.GroupName && s.GroupName !== 'default' ? `?groupName=${encodeURIComponent(s.GroupName)}` : ''}`, scheduler).then((r) => r.json<ScheduleDetail>())),
  );
}

export async function listSchedules(client: GustClient, opts: OutputOptions): Promise<void> {
  const details = await readSchedules(client);
  const now = Date.now();
  const withNext = details.map((s) => ({ ...s, NextRun: nextRunOf(s, now)?.toISOString() ?? null }));
  if (opts.json) return printJson(withNext);
  if (details.length === 0) return void process.stdout.write('No schedules yet. Add one with `gust schedule add NAME "rate(5 minutes)" FUNCTION`.\n');
  printTable(
    withNext.map((s) => ({ name: s.Name, expression: s.ScheduleExpression, timezone: s.ScheduleExpressionTimezone ?? 'UTC', state: s.State, next: s.NextRun ?? '-', target: s.Target.Arn.split(':').slice(6).join(':') })),
    ['name', 'expression', 'timezone', 'state', 'next', 'target'],
  );
}

export async function removeSchedule(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `/schedules/${encodeURIComponent(name)}`, scheduler);
  if (opts.json) printJson({ deleted: name });
  else process.stdout.write(`Deleted schedule ${name}\n`);
}

/** UpdateSchedule replaces the whole definition: read it, change the state, write it back. */
export async function setScheduleState(client: GustClient, name: string, state: 'ENABLED' | 'DISABLED', opts: OutputOptions): Promise<void> {
  const path = `/schedules/${encodeURIComponent(name)}`;
  const current = (await client.request('GET', path, scheduler)).json();
  const { Arn: _arn, Name: _name, CreationDate: _c, LastModificationDate: _m, ...definition } = current;
  await client.request('PUT', path, { body: JSON.stringify({ ...definition, State: state }), ...scheduler });
  if (opts.json) printJson({ name, state });
  else process.stdout.write(`Schedule ${name} ${state === 'ENABLED' ? 'enabled' : 'disabled'}\n`);
}
