// Schedules through EventBridge Scheduler's API, driven by boto3: a one-time at() schedule fires
// the function with the EventBridge event and then deletes itself; invalid expressions are
// refused with their reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';

const run = promisify(execFile);
let gust: GustProcess;

before(async () => {
  gust = await startGust();
  await lambdaClient(gust).send(
    new CreateFunctionCommand({ FunctionName: 'ticker', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-hello') } }),
  );
});
after(async () => gust.stop());

const python = (script: string, ...args: string[]) => run('python3', ['-c', script, ...args], { env: gust.awsEnv() }).then((r) => r.stdout.trim());

test('boto3 creates a one-time schedule that fires the function with the EventBridge event, then deletes itself', async () => {
  // The time is taken once boto3 is loaded, which alone can take seconds on a loaded machine.
  const out = await python(
    `
import json, boto3
from datetime import datetime, timedelta, timezone
s = boto3.client("scheduler")
at = (datetime.now(timezone.utc) + timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S")
arn = s.create_schedule(Name="once", ScheduleExpression=f"at({at})", FlexibleTimeWindow={"Mode": "OFF"},
    ActionAfterCompletion="DELETE",
    Target={"Arn": "arn:aws:lambda:us-east-1:000000000000:function:ticker", "RoleArn": "arn:aws:iam::000000000000:role/x"})["ScheduleArn"]
got = s.get_schedule(Name="once")
names = [x["Name"] for x in s.list_schedules()["Schedules"]]
print(json.dumps({"at": at, "arn": arn, "expr": got["ScheduleExpression"], "state": got["State"], "names": names}))
`,
  );
  const created = JSON.parse(out);
  const at: string = created.at;
  assert.equal(created.arn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/once');
  assert.equal(created.state, 'ENABLED');
  assert.deepEqual(created.names, ['once']);

  const logs = logsClient(gust);
  let message: string | undefined;
  const deadline = Date.now() + 15_000;
  while (!message && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/ticker', filterPattern: '"Scheduled Event"' })).catch(() => ({ events: [] }));
    message = found.events?.[0]?.message;
  }
  assert.ok(message, 'the schedule fired');
  const event = JSON.parse(message!.slice(message!.indexOf('{')));
  assert.equal(event['detail-type'], 'Scheduled Event');
  assert.equal(event.source, 'aws.events');
  assert.deepEqual(event.resources, [created.arn]);
  assert.equal(event.time, `${at}Z`);
  const left = await python(`
import boto3
print(len(boto3.client("scheduler").list_schedules()["Schedules"]))
`);
  assert.equal(left, '0', 'ActionAfterCompletion DELETE removed it');
});

test('a schedule with a fixed input; invalid expressions and time zones are refused with the reason', async () => {
  const out = await python(`
import json, boto3
s = boto3.client("scheduler")
target = {"Arn": "arn:aws:lambda:us-east-1:000000000000:function:ticker", "RoleArn": "arn:aws:iam::000000000000:role/x", "Input": json.dumps({"name": "cron"})}
s.create_schedule(Name="weekly", ScheduleExpression="cron(0 9 ? * MON *)", ScheduleExpressionTimezone="Europe/Berlin", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
errors = []
for expr, tz in [("cron(0 9 * * MON *)", "UTC"), ("rate(1 minutes)", "UTC"), ("cron(0 9 ? * MON *)", "Mars/Olympus")]:
    try:
        s.create_schedule(Name="bad", ScheduleExpression=expr, ScheduleExpressionTimezone=tz, FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
        errors.append("accepted")
    except s.exceptions.ValidationException as e:
        errors.append(e.response["Error"]["Message"])
try:
    s.create_schedule(Name="weekly", ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    errors.append("duplicate accepted")
except s.exceptions.ConflictException:
    errors.append("conflict")
got = s.get_schedule(Name="weekly")
s.update_schedule(Name="weekly", ScheduleExpression="rate(2 hours)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target, State="DISABLED")
updated = s.get_schedule(Name="weekly")
s.delete_schedule(Name="weekly")
try:
    s.get_schedule(Name="weekly")
except s.exceptions.ResourceNotFoundException:
    errors.append("gone")
print(json.dumps({"tz": got["ScheduleExpressionTimezone"], "input": got["Target"]["Input"], "updated": [updated["ScheduleExpression"], updated["State"]], "errors": errors}))
`);
  const result = JSON.parse(out);
  assert.equal(result.tz, 'Europe/Berlin');
  assert.equal(result.input, '{"name": "cron"}');
  assert.deepEqual(result.updated, ['rate(2 hours)', 'DISABLED']);
  assert.match(result.errors[0], /exactly one of day-of-month and day-of-week/);
  assert.match(result.errors[1], /singular/);
  assert.match(result.errors[2], /not an IANA time zone/);
  assert.equal(result.errors[3], 'conflict');
  assert.equal(result.errors[4], 'gone');
});

test('an at() already in the past runs once at once; a cron with no run left is refused, as on EventBridge Scheduler', async () => {
  const out = await python(`
import json, boto3
s = boto3.client("scheduler")
target = {"Arn": "arn:aws:lambda:us-east-1:000000000000:function:ticker", "RoleArn": "arn:aws:iam::000000000000:role/x", "Input": json.dumps({"name": "late"})}
errors = []
for expr in ["cron(0 * * * ? 2020)", "cron(0 0 30 2 ? *)"]:
    try:
        s.create_schedule(Name="never", ScheduleExpression=expr, FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
        errors.append("accepted")
    except s.exceptions.ValidationException as e:
        errors.append(e.response["Error"]["Message"])
s.create_schedule(Name="late", ScheduleExpression="at(2020-01-01T00:00:00)", FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE", Target=target)
print(json.dumps({"errors": errors}))
`);
  const { errors } = JSON.parse(out);
  assert.match(errors[0], /^Invalid Schedule Expression cron\(0 \* \* \* \? 2020\)\. It has no run after/);
  assert.match(errors[1], /^Invalid Schedule Expression cron\(0 0 30 2 \? \*\)\./);
  const logs = logsClient(gust);
  let fired = false;
  const deadline = Date.now() + 15_000;
  while (!fired && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/ticker', filterPattern: '"late"' })).catch(() => ({ events: [] }));
    fired = (found.events?.length ?? 0) > 0;
  }
  assert.ok(fired, 'the late one-time schedule ran');
});

test('gust schedule add, ls, disable, enable and rm', async () => {
  const cli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args]);
  await cli('schedule', 'add', 'nightly', 'cron(0 2 * * ? *)', 'ticker', '--timezone', 'America/New_York', '--missed', 'skip');
  const [listed] = JSON.parse((await cli('--json', 'schedule', 'ls')).stdout);
  assert.equal(listed.Name, 'nightly');
  assert.equal(listed.ScheduleExpressionTimezone, 'America/New_York');
  await cli('schedule', 'disable', 'nightly');
  assert.equal(JSON.parse((await cli('--json', 'schedule', 'ls')).stdout)[0].State, 'DISABLED');
  await cli('schedule', 'enable', 'nightly');
  assert.equal(JSON.parse((await cli('--json', 'schedule', 'ls')).stdout)[0].State, 'ENABLED');
  await assert.rejects(cli('schedule', 'add', 'broken', 'cron(0 2 * * * *)', 'ticker'), /exactly one of day-of-month/);
  await cli('schedule', 'rm', 'nightly');
  assert.deepEqual(JSON.parse((await cli('--json', 'schedule', 'ls')).stdout), []);
});
