// Lambda API operations and settings real tools call, through @aws-sdk/client-lambda (and boto3
// for EventBridge Scheduler): tags (and Gust's gust: tags changed after creation), Publish=true,
// runtime versions, runtime-management and recursion configs, DeadLetterConfig, TracingConfig,
// SnapStart, ListSchedules paging; and no response member that Lambda's service model lacks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionRecursionConfigCommand,
  GetRuntimeManagementConfigCommand,
  InvokeCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  PutFunctionRecursionConfigCommand,
  PutRuntimeManagementConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';
import { extraMembers } from '../helpers/service-model.js';
import { signRequest } from '../../src/api/sigv4.js';

const run = promisify(execFile);
const role = 'arn:aws:iam::000000000000:role/x';
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:gust-dead-letters';
let gust: GustProcess;
let lambda: LambdaClient;

const create = async (name: string, fixture: string, extra: Record<string, unknown> = {}) =>
  lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip(fixture) }, ...extra }));

/** The raw JSON of a signed Lambda API call: what the SDK would silently drop is still there. */
async function raw(method: string, path: string, body?: object): Promise<unknown> {
  const url = `${gust.url}${path}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const res = await fetch(url, { method, body: body === undefined ? undefined : text, headers: { ...headers, ...signRequest({ method, url, headers, body: text, ...gust.credentials, region: 'us-east-1', service: 'lambda' }) } });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

before(async () => {
  gust = await startGust({ args: ['--async-retry-delay', '1'] });
  lambda = lambdaClient(gust);
});
after(async () => gust.stop());

test('TagResource, ListTags, UntagResource: Lambda’s shapes, revisions and errors', async () => {
  await create('tagged', 'node-hello', { Tags: { team: 'a' } });
  const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'tagged' }));
  await lambda.send(new TagResourceCommand({ Resource: arn('tagged'), Tags: { env: 'prod', team: 'b' } }));
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn('tagged') }))).Tags, { env: 'prod', team: 'b' });
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }));
  assert.deepEqual(got.Tags, { env: 'prod', team: 'b' });
  assert.notEqual(got.Configuration?.RevisionId, before.RevisionId, 'a tag change is a new revision, as on Lambda');
  await lambda.send(new UntagResourceCommand({ Resource: arn('tagged'), TagKeys: ['team', 'absent'] }));
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn('tagged') }))).Tags, { env: 'prod' });

  const refused = 'Tags on function aliases and versions are not supported. Please specify a function ARN.';
  await lambda.send(new PublishVersionCommand({ FunctionName: 'tagged' }));
  for (const qualified of [`${arn('tagged')}:1`, `${arn('tagged')}:$LATEST`]) {
    await assert.rejects(lambda.send(new TagResourceCommand({ Resource: qualified, Tags: { a: 'b' } })), { name: 'InvalidParameterValueException', message: refused });
  }
  await assert.rejects(lambda.send(new ListTagsCommand({ Resource: arn('nope') })), { name: 'ResourceNotFoundException', message: `Function not found: ${arn('nope')}` });
  await assert.rejects(lambda.send(new TagResourceCommand({ Resource: 'arn:aws:something', Tags: { a: 'b' } })), { name: 'ValidationException' });
  await assert.rejects(lambda.send(new TagResourceCommand({ Resource: arn('tagged'), Tags: {} })), { name: 'InvalidParameterValueException' });
  await assert.rejects(lambda.send(new UntagResourceCommand({ Resource: arn('tagged'), TagKeys: [] })), { name: 'ValidationException' });
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  await assert.rejects(lambda.send(new TagResourceCommand({ Resource: arn('tagged'), Tags: many })), { name: 'InvalidParameterValueException', message: 'Number of tags exceeds resource tag limit.' });
  await assert.rejects(lambda.send(new TagResourceCommand({ Resource: arn('tagged'), Tags: { 'gust:network': 'sideways' } })), { name: 'InvalidParameterValueException' });
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn('tagged') }))).Tags, { env: 'prod' }, 'a refused change changes nothing');
});

test('gust:network changed by TagResource applies to the next instances of every version', async () => {
  await create('probe', 'node-net-probe');
  await lambda.send(new PublishVersionCommand({ FunctionName: 'probe' }));
  const port = Number(new URL(gust.url).port);
  const probe = async (qualifier?: string) =>
    decode((await lambda.send(new InvokeCommand({ FunctionName: 'probe', Qualifier: qualifier, Payload: Buffer.from(JSON.stringify({ host: '127.0.0.1', port })) }))).Payload);
  assert.equal((await probe()).connected, true, 'the host network by default');
  assert.equal((await probe('1')).connected, true);
  await lambda.send(new TagResourceCommand({ Resource: arn('probe'), Tags: { 'gust:network': 'off' } }));
  assert.equal((await probe()).connected, false, 'no network after the tag, without a code change');
  assert.equal((await probe('1')).connected, false, 'tags belong to the function: a published version follows');
  await lambda.send(new UntagResourceCommand({ Resource: arn('probe'), TagKeys: ['gust:network'] }));
  assert.equal((await probe()).connected, true);
});

test('Publish=true on CreateFunction and UpdateFunctionCode answers with the new version', async () => {
  const created = await create('published', 'node-hello', { Publish: true });
  assert.equal(created.Version, '1');
  assert.equal(created.FunctionArn, `${arn('published')}:1`);
  const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'published', ZipFile: await fixtureZip('node-context'), Publish: true }));
  assert.equal(updated.Version, '2');
  assert.deepEqual((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'published' }))).Versions?.map((v) => v.Version), ['$LATEST', '1', '2']);
  assert.equal(decode((await lambda.send(new InvokeCommand({ FunctionName: 'published', Qualifier: '2', Payload: Buffer.from('{}') }))).Payload).functionVersion, '2');
});

test('RuntimeVersionConfig, Get/PutRuntimeManagementConfig, Get/PutFunctionRecursionConfig', async () => {
  await create('runtimes', 'node-hello');
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'runtimes' }));
  const runtimeArn = config.RuntimeVersionConfig?.RuntimeVersionArn;
  assert.match(runtimeArn ?? '', /^arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/);
  assert.deepEqual(await lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: 'runtimes' })).then(({ $metadata, ...r }) => r), { UpdateRuntimeOn: 'Auto', FunctionArn: arn('runtimes') });
  const manual = await lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: 'runtimes', UpdateRuntimeOn: 'Manual', RuntimeVersionArn: runtimeArn }));
  assert.equal(manual.RuntimeVersionArn, runtimeArn);
  assert.equal((await lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: 'runtimes' }))).UpdateRuntimeOn, 'Manual');
  await assert.rejects(
    lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: 'runtimes', UpdateRuntimeOn: 'Manual', RuntimeVersionArn: 'arn:aws:lambda:us-east-1::runtime:0000' })),
    { name: 'InvalidParameterValueException' },
  );
  await assert.rejects(lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: 'runtimes', UpdateRuntimeOn: 'Sometimes' as 'Auto' })), { name: 'ValidationException' });

  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'runtimes' }))).RecursiveLoop, 'Terminate');
  assert.equal((await lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: 'runtimes', RecursiveLoop: 'Allow' }))).RecursiveLoop, 'Allow');
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'runtimes' }))).RecursiveLoop, 'Allow');
  await assert.rejects(lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: 'runtimes', RecursiveLoop: 'Maybe' as 'Allow' })), {
    name: 'ValidationException',
    message: "1 validation error detected: Value 'Maybe' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]",
  });
});

test('DeadLetterConfig: Gust’s store takes the failed event; a queue Gust does not have is refused', async () => {
  await assert.rejects(create('dlq-elsewhere', 'node-error', { DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:000000000000:my-queue' } }), {
    name: 'InvalidParameterValueException',
    message: /not a target Gust can deliver to/,
  });
  const created = await create('dlq', 'node-error', { DeadLetterConfig: { TargetArn: DLQ } });
  assert.equal(created.DeadLetterConfig?.TargetArn, DLQ);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'dlq', MaximumRetryAttempts: 0 }));
  const accepted = await lambda.send(new InvokeCommand({ FunctionName: 'dlq', InvocationType: 'Event', Payload: Buffer.from('{"order":7}') }));
  const requestId = accepted.$metadata.requestId;
  const deadline = Date.now() + 20_000;
  let letter: { requestId: string; condition: string; payload?: unknown } | undefined;
  while (!letter && Date.now() < deadline) {
    const list = JSON.parse((await run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, '--json', 'dlq', 'ls'])).stdout);
    letter = list.find((l: { requestId: string }) => l.requestId === requestId);
  }
  assert.ok(letter, 'the failed event reached the dead-letter store');
  assert.equal(letter.condition, 'RetriesExhausted');
  const cleared = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'dlq', DeadLetterConfig: { TargetArn: '' } }));
  assert.equal(cleared.DeadLetterConfig, undefined);
});

test('TracingConfig Active samples the trace header; SnapStart is refused; both with Lambda’s errors', async () => {
  const fn = await create('traced', 'node-log-levels', { TracingConfig: { Mode: 'Active' } });
  assert.equal(fn.TracingConfig?.Mode, 'Active');
  const env = decode((await lambda.send(new InvokeCommand({ FunctionName: 'traced', Payload: Buffer.from('{}') }))).Payload);
  assert.match(env._X_AMZN_TRACE_ID, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'traced', TracingConfig: { Mode: 'PassThrough' } }));
  const passThrough = decode((await lambda.send(new InvokeCommand({ FunctionName: 'traced', Payload: Buffer.from('{}') }))).Payload);
  assert.match(passThrough._X_AMZN_TRACE_ID, /Sampled=0$/);
  await assert.rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'traced', TracingConfig: { Mode: 'Sideways' as 'Active' } })), { name: 'ValidationException' });
  await assert.rejects(create('snap', 'node-hello', { SnapStart: { ApplyOn: 'PublishedVersions' } }), { name: 'InvalidParameterValueException', message: /not supported for SnapStart/ });
  await assert.rejects(create('snap', 'node-hello', { SnapStart: { ApplyOn: 'invalidOption' } }), {
    name: 'ValidationException',
    message: "1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set: [PublishedVersions, None]",
  });
});

test('ListSchedules pages with MaxResults and NextToken; RetryPolicy and DeadLetterConfig are refused (boto3)', async () => {
  await create('scheduled', 'node-hello');
  const script = `
import boto3, json
s = boto3.client("scheduler")
target = {"Arn": "${arn('scheduled')}", "RoleArn": "${role}"}
for n in ("a", "b", "c"):
    s.create_schedule(Name="page-" + n, ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
names, token = [], None
while True:
    page = s.list_schedules(MaxResults=2, **({"NextToken": token} if token else {}))
    names.append([x["Name"] for x in page["Schedules"]])
    token = page.get("NextToken")
    if not token:
        break
errors = []
for extra in ({"RetryPolicy": {"MaximumRetryAttempts": 3}}, {"DeadLetterConfig": {"Arn": "${DLQ}"}}):
    try:
        s.create_schedule(Name="refused", ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"}, Target={**target, **extra})
        errors.append(None)
    except s.exceptions.ValidationException as e:
        errors.append(str(e))
print(json.dumps({"names": names, "errors": errors}))
`;
  const { stdout } = await run('python3', ['-c', script], { env: gust.awsEnv() });
  const out = JSON.parse(stdout);
  assert.deepEqual(out.names, [['page-a', 'page-b'], ['page-c']]);
  assert.match(out.errors[0], /RetryPolicy is not supported/);
  assert.match(out.errors[1], /DeadLetterConfig is not supported/);
});

test('responses carry no member that Lambda’s service model does not have', async () => {
  await create('shapes', 'node-hello', { Tags: { a: 'b' }, LoggingConfig: { LogFormat: 'JSON' }, DeadLetterConfig: { TargetArn: DLQ } });
  const checks: [string, string, string, object?][] = [
    ['GetFunctionConfiguration', 'GET', '/2015-03-31/functions/shapes/configuration'],
    ['GetFunction', 'GET', '/2015-03-31/functions/shapes'],
    ['ListFunctions', 'GET', '/2015-03-31/functions'],
    ['PublishVersion', 'POST', '/2015-03-31/functions/shapes/versions', {}],
    ['ListVersionsByFunction', 'GET', '/2015-03-31/functions/shapes/versions'],
    ['CreateAlias', 'POST', '/2015-03-31/functions/shapes/aliases', { Name: 'live', FunctionVersion: '1' }],
    ['CreateFunctionUrlConfig', 'POST', '/2021-10-31/functions/shapes/url', { AuthType: 'NONE' }],
    ['GetFunctionUrlConfig', 'GET', '/2021-10-31/functions/shapes/url'],
    ['ListTags', 'GET', `/2017-03-31/tags/${encodeURIComponent(arn('shapes'))}`],
    ['GetRuntimeManagementConfig', 'GET', '/2021-07-20/functions/shapes/runtime-management-config'],
    ['GetFunctionRecursionConfig', 'GET', '/2024-08-31/functions/shapes/recursion-config'],
    ['GetAccountSettings', 'GET', '/2016-08-19/account-settings'],
  ];
  for (const [operation, method, path, body] of checks) {
    assert.deepEqual(extraMembers(operation, await raw(method, path, body)), [], `${operation} answers only members of the model`);
  }
});
