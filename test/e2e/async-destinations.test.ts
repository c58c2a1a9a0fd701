// Asynchronous invocation settings: the event-invoke-config API, retries, maximum age, OnSuccess
// and OnFailure destinations with Lambda's record, and the built-in dead-letter store.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { health } from '../helpers/health.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';
import { signRequest } from '../../src/api/sigv4.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);
let gust: GustProcess;
let lambda: LambdaClient;
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:gust-dead-letters';
const role = 'arn:aws:iam::000000000000:role/x';

async function create(name: string, fixture: string) {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip(fixture) } }));
}

const deadLetters = async () => JSON.parse((await run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, '--json', 'dlq', 'ls'])).stdout);

before(async () => {
  gust = await startGust({ args: ['--async-retry-delay', '1'] });
  lambda = lambdaClient(gust);
  await create('fails', 'node-error');
  await create('succeeds', 'node-hello');
  await create('receiver', 'node-hello');
});
after(async () => gust.stop());

test('Put, Update, Get, List and DeleteFunctionEventInvokeConfig', async () => {
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120 }));
  assert.equal(put.MaximumRetryAttempts, 1);
  assert.equal(put.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:succeeds:$LATEST');
  const updated = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', MaximumEventAgeInSeconds: 300 }));
  assert.equal(updated.MaximumRetryAttempts, 1, 'update keeps what it does not change');
  assert.equal(updated.MaximumEventAgeInSeconds, 300);
  assert.equal((await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds' }))).MaximumEventAgeInSeconds, 300);
  assert.equal((await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'succeeds' }))).FunctionEventInvokeConfigs?.length, 1);
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds' }));
  await assert.rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds' })), { name: 'ResourceNotFoundException' });
  await assert.rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', MaximumEventAgeInSeconds: 30 })), { name: 'InvalidParameterValueException' });
  await assert.rejects(
    lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:nope' } } })),
    { name: 'InvalidParameterValueException' },
  );
  const more = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', MaximumRetryAttempts: 5 }));
  assert.equal(more.MaximumRetryAttempts, 5, 'beyond Lambda: more than 2 retries when asked');
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds' }));
});

test('a failing event is retried, then lands in the dead-letter store with Lambda’s record, and can be re-driven', async () => {
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fails', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: DLQ } } }));
  const accepted = await lambda.send(new InvokeCommand({ FunctionName: 'fails', InvocationType: 'Event', Payload: Buffer.from('{"order":42}') }));
  assert.equal(accepted.StatusCode, 202);
  const [letter] = await until('a dead letter', async () => {
    const list = await deadLetters();
    return list.length > 0 ? list : undefined;
  });
  assert.equal(letter.functionName, 'fails');
  assert.equal(letter.condition, 'RetriesExhausted');
  assert.equal(letter.record.requestContext.condition, 'RetriesExhausted');
  assert.equal(letter.record.requestContext.approximateInvokeCount, 2, 'one try and one retry');
  assert.deepEqual(letter.record.requestPayload, { order: 42 });
  assert.equal(letter.record.responseContext.functionError, 'Unhandled');
  assert.equal(letter.record.responsePayload.errorType, 'ValidationError');

  await run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, 'dlq', 'redrive', String(letter.id)]);
  const again = await until('the re-driven event to fail again', async () => {
    const list = await deadLetters();
    return list.length === 1 && list[0].id !== letter.id ? list[0] : undefined;
  });
  assert.deepEqual(again.record.requestPayload, { order: 42 });
});

test('a successful event sends Lambda’s record to its OnSuccess function', async () => {
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:receiver' } } }),
  );
  await lambda.send(new InvokeCommand({ FunctionName: 'succeeds', InvocationType: 'Event', Payload: Buffer.from('{"name":"dest"}') }));
  const logs = logsClient(gust);
  const line = await until('the record at the destination', async () => {
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/receiver', filterPattern: '"condition"' })).catch(() => ({ events: [] }));
    return found.events?.[0]?.message;
  });
  const record = JSON.parse(line.slice(line.indexOf('{')));
  assert.equal(record.requestContext.condition, 'Success');
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.deepEqual(record.requestPayload, { name: 'dest' });
  assert.equal(record.responsePayload.hello, 'dest');
  assert.equal(record.responseContext.statusCode, 200);
});

test('an Idempotency-Key on Event invokes queues the event once', async () => {
  await create('idem', 'node-hello');
  const url = `${gust.url}/2015-03-31/functions/idem/invocations`;
  const send = async (key: string) => {
    const headers = { 'x-amz-invocation-type': 'Event', 'idempotency-key': key };
    const res = await fetch(url, { method: 'POST', body: '{}', headers: { ...headers, ...signRequest({ method: 'POST', url, headers, body: '{}', ...gust.credentials, region: 'us-east-1', service: 'lambda' }) } });
    assert.equal(res.status, 202);
    return res.headers.get('x-amzn-requestid');
  };
  const first = await send('order-42');
  assert.equal(await send('order-42'), first, 'the duplicate gets the original request id');
  assert.notEqual(await send('order-43'), first);
  // Every accepted event has run once the queue is empty; only then is the count final.
  await until('the queue to drain', async () => ((await health(gust)).queuedAsyncEvents === 0 ? true : undefined));
  const usageUrl = `${gust.url}/gust/usage?function=idem`;
  const requests = await until('both distinct events to be metered', async () => {
    const headers = signRequest({ method: 'GET', url: usageUrl, headers: {}, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda' });
    const report = await (await fetch(usageUrl, { headers })).json();
    return report.total.requests >= 2 ? report.total.requests : undefined;
  });
  assert.equal(requests, 2, 'three sends, two keys, two invocations');
});

test('event-invoke configs and async invocations can name an alias', async () => {
  const { PublishVersionCommand, CreateAliasCommand } = await import('@aws-sdk/client-lambda');
  const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: 'fails' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'fails', Name: 'prod', FunctionVersion: Version }));
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fails', Qualifier: 'prod', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: DLQ } } }));
  assert.equal(put.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:fails:prod');
  const before = (await deadLetters()).length;
  await lambda.send(new InvokeCommand({ FunctionName: 'fails', Qualifier: 'prod', InvocationType: 'Event', Payload: Buffer.from('{"via":"alias"}') }));
  const letter = await until('the alias event in the dead-letter store', async () => {
    const list = await deadLetters();
    return list.length > before ? list.at(-1) : undefined;
  });
  assert.equal(letter.record.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:fails:prod');
  assert.equal(letter.record.requestContext.approximateInvokeCount, 1, 'the alias config (no retries) applied');
  assert.equal(letter.record.responseContext.executedVersion, Version);
});
