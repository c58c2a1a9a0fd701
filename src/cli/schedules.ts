// `gust schedule add|ls|rm|enable|disable`: schedules, through the EventBridge Scheduler API.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

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

export async function listSchedules(client: GustClient, opts: OutputOptions): Promise<void> {
  const { Schedules } = (await client.request('GET', '/schedules', scheduler)).json();
  const details = await Promise.all(Schedules.map((s: { Name: string }) => client.request('GET', `/schedules/${encodeURIComponent(s.Name)}`, scheduler).then((r) => r.json())));
  if (opts.json) return printJson(details);
  if (details.length === 0) return void process.stdout.write('No schedules yet. Add one with `gust schedule add NAME "rate(5 minutes)" FUNCTION`.\n');
  printTable(
    details.map((s) => ({ name: s.Name, expression: s.ScheduleExpression, timezone: s.ScheduleExpressionTimezone, state: s.State, target: s.Target.Arn.split(':').pop() })),
    ['name', 'expression', 'timezone', 'state', 'target'],
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
