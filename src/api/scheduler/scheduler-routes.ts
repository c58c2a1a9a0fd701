// EventBridge Scheduler's REST API (Create/Get/Update/Delete/ListSchedules) on the wire, so that
// `aws scheduler` and boto3 work unchanged against Gust.
import type { Schedules } from '../../control/schedules.js';
import type { ScheduleRecord } from '../../storage/schedule-store.js';
import { GustError } from '../../errors.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { OperationContext } from '../service.js';

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function shape(s: ScheduleRecord) {
  return {
    Arn: s.arn,
    Name: s.name,
    GroupName: s.groupName,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timezone,
    State: s.state,
    ...(s.description ? { Description: s.description } : {}),
    FlexibleTimeWindow: s.flexibleWindowMinutes ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: s.flexibleWindowMinutes } : { Mode: 'OFF' },
    Target: { Arn: s.targetArn, RoleArn: s.roleArn, ...(s.input !== undefined ? { Input: s.input } : {}) },
    ActionAfterCompletion: s.actionAfterCompletion,
    ...(s.startDate !== undefined ? { StartDate: seconds(s.startDate) } : {}),
    ...(s.endDate !== undefined ? { EndDate: seconds(s.endDate) } : {}),
    CreationDate: seconds(s.creationDate),
    LastModificationDate: seconds(s.lastModificationDate),
  };
}

/** ListSchedules' MaxResults (1 to 100) and NextToken (where the last page ended: group and name). */
function pageOf(list: ScheduleRecord[], query: URLSearchParams): { page: ScheduleRecord[]; nextToken?: string } {
  const raw = query.get('MaxResults');
  const max = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw new GustError('ValidationException', `1 validation error detected: Value '${String(raw).slice(0, 20)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  const token = query.get('NextToken');
  let start = 0;
  if (token !== null) {
    let after: unknown;
    try {
      after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      after = undefined;
    }
    if (!Array.isArray(after) || after.length !== 2) throw new GustError('ValidationException', 'The NextToken is not valid.');
    const key = `${after[0]}\0${after[1]}`;
    start = list.findIndex((s) => `${s.groupName}\0${s.name}` > key);
    if (start === -1) start = list.length;
  }
  const page = list.slice(start, start + max);
  const last = page.at(-1);
  return { page, nextToken: start + max < list.length && last ? Buffer.from(JSON.stringify([last.groupName, last.name])).toString('base64url') : undefined };
}

/** One method per Scheduler operation; scheduler-service.ts declares the method and path of each. */
export class SchedulerApi {
  constructor(private readonly schedules: Schedules) {}

  async listSchedules(ctx: OperationContext) {
    const prefix = ctx.query.get('NamePrefix') ?? '';
    const state = ctx.query.get('State');
    const list = (await this.schedules.list()).filter((s) => s.name.startsWith(prefix) && (!state || s.state === state));
    const { page, nextToken } = pageOf(list, ctx.query);
    reply(ctx, {
      Schedules: page.map((s) => ({ Arn: s.arn, Name: s.name, GroupName: s.groupName, State: s.state, Target: { Arn: s.targetArn }, CreationDate: seconds(s.creationDate), LastModificationDate: seconds(s.lastModificationDate) })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    });
  }

  async createSchedule(ctx: OperationContext) {
    reply(ctx, { ScheduleArn: (await this.schedules.create(ctx.params.Name, parseJsonObject(ctx.body))).arn });
  }

  async updateSchedule(ctx: OperationContext) {
    reply(ctx, { ScheduleArn: (await this.schedules.update(ctx.params.Name, parseJsonObject(ctx.body))).arn });
  }

  async getSchedule(ctx: OperationContext) {
    reply(ctx, shape(await this.schedules.get(groupOf(ctx), ctx.params.Name)));
  }

  async deleteSchedule(ctx: OperationContext) {
    await this.schedules.delete(groupOf(ctx), ctx.params.Name);
    reply(ctx, {});
  }
}

const groupOf = (ctx: OperationContext) => ctx.query.get('groupName') ?? 'default';
const reply = (ctx: OperationContext, value: unknown) => sendJson(ctx.res, 200, value, { 'x-amzn-RequestId': ctx.requestId });
