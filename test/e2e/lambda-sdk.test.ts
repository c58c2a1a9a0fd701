// The Lambda API driven by @aws-sdk/client-lambda against a real Gust: the function lifecycle,
// the three invocation types, log tails, and Node, Python and custom runtimes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { compiledCRuntimeZip, fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

async function create(name: string, fixture: string, runtime: string, handler: string, extra: Record<string, unknown> = {}) {
  const zip = fixture === 'custom-c' ? await compiledCRuntimeZip() : await fixtureZip(fixture);
  return lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime as never, Handler: handler, Role: 'arn:aws:iam::000000000000:role/test', Code: { ZipFile: zip }, ...extra }));
}

async function invoke(name: string, payload: unknown = {}, extra: Record<string, unknown> = {}) {
  return lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), ...extra }));
}

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
});
after(async () => gust.stop());

describe('function lifecycle', () => {
  test('create, get, list, update, delete', async () => {
    const created = await create('life', 'node-hello', 'nodejs20.x', 'index.handler', { MemorySize: 256, Timeout: 5, Description: 'first', Tags: { team: 'core' } });
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:life');
    assert.equal(created.State, 'Pending'); // as Lambda answers; Active once it can run
    assert.equal(created.MemorySize, 256);
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'life' });

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'life' }));
    assert.equal(got.Configuration?.Handler, 'index.handler');
    assert.deepEqual(got.Tags, { team: 'core' });
    const zip = await fetch(got.Code!.Location!);
    assert.equal(zip.status, 200);
    assert.equal((await zip.arrayBuffer()).byteLength, created.CodeSize);

    const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: created.FunctionArn }));
    assert.equal(byArn.FunctionName, 'life');
    const byPartialArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: '000000000000:function:life' }));
    assert.equal(byPartialArn.RevisionId, got.Configuration?.RevisionId);

    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'life', MemorySize: 512, Environment: { Variables: { A1: '1' } } }));
    assert.equal(updated.MemorySize, 512);
    assert.notEqual(updated.RevisionId, created.RevisionId);
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'life' });

    await assert.rejects(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'life', ZipFile: await fixtureZip('node-context'), RevisionId: created.RevisionId })),
      { name: 'PreconditionFailedException' },
    );
    // As on Lambda, the update's settling (InProgress → Successful) gives the function its next RevisionId.
    const settled = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'life' }));
    assert.notEqual(settled.RevisionId, updated.RevisionId);
    const newCode = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'life', ZipFile: await fixtureZip('node-context'), RevisionId: settled.RevisionId }));
    assert.notEqual(newCode.CodeSha256, created.CodeSha256);
    const ran = decode((await invoke('life')).Payload);
    assert.equal(ran.functionName, 'life', 'the new code runs right after the update');
    assert.equal(ran.memoryLimitInMB, '512');

    const listed = await lambda.send(new ListFunctionsCommand({}));
    assert.ok(listed.Functions?.some((f) => f.FunctionName === 'life'));

    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'life' }));
    await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'life' })), { name: 'ResourceNotFoundException' });
  });

  test('list pages with Marker and MaxItems', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await create(n, 'node-hello', 'nodejs20.x', 'index.handler');
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      assert.ok(page.Functions!.length <= 2);
      names.push(...page.Functions!.map((f) => f.FunctionName!));
      marker = page.NextMarker;
    } while (marker);
    for (const n of ['page-a', 'page-b', 'page-c']) assert.ok(names.includes(n));
    assert.equal(new Set(names).size, names.length);
  });

  test('account settings', async () => {
    const s = await lambda.send(new GetAccountSettingsCommand({}));
    assert.equal(s.AccountLimit?.ConcurrentExecutions, 1000);
    assert.ok((s.AccountUsage?.FunctionCount ?? 0) >= 1);
  });
});

describe('invocation', () => {
  before(async () => {
    await create('hello', 'node-hello', 'nodejs20.x', 'index.handler');
    await create('ctx', 'node-context', 'nodejs20.x', 'index.handler', { Environment: { Variables: { GREETING: 'hi' } }, MemorySize: 192 });
  });

  test('RequestResponse returns the result with a log tail', async () => {
    const res = await invoke('hello', { name: 'gust' }, { LogType: 'Tail' });
    assert.equal(res.StatusCode, 200);
    assert.equal(res.FunctionError, undefined);
    assert.equal(res.ExecutedVersion, '$LATEST');
    assert.equal(decode(res.Payload).hello, 'gust');
    const tail = Buffer.from(res.LogResult!, 'base64').toString();
    assert.match(tail, /START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
    assert.match(tail, /hello from node \{"name":"gust"\}/);
    assert.match(tail, /REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
  });

  test('a warm instance is reused and only the cold start reports Init Duration', async () => {
    await create('warm', 'node-hello', 'nodejs20.x', 'index.handler');
    const first = await invoke('warm', {}, { LogType: 'Tail' });
    const second = await invoke('warm', {}, { LogType: 'Tail' });
    assert.equal(decode(first.Payload).instance, decode(second.Payload).instance);
    assert.match(Buffer.from(first.LogResult!, 'base64').toString(), /Init Duration: \d+\.\d\d ms/);
    assert.doesNotMatch(Buffer.from(second.LogResult!, 'base64').toString(), /Init Duration/);
  });

  test('Event is accepted with 202 and runs', async () => {
    const res = await invoke('hello', { name: 'async' }, { InvocationType: 'Event' });
    assert.equal(res.StatusCode, 202);
  });

  test('DryRun answers 204', async () => {
    const res = await invoke('hello', {}, { InvocationType: 'DryRun' });
    assert.equal(res.StatusCode, 204);
  });

  test('the context object and the environment are Lambda’s', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64');
    const out = decode((await invoke('ctx', {}, { ClientContext: clientContext })).Payload);
    assert.match(out.awsRequestId, /^[0-9a-f-]{36}$/);
    assert.equal(out.functionName, 'ctx');
    assert.equal(out.functionVersion, '$LATEST');
    assert.equal(out.memoryLimitInMB, '192');
    assert.equal(out.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ctx');
    assert.equal(out.logGroupName, '/aws/lambda/ctx');
    assert.match(out.logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(out.remaining > 0 && out.remaining <= 3000);
    assert.deepEqual(out.clientContext?.custom ?? out.clientContext?.Custom, { k: 'v' });
    assert.equal(out.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '192');
    assert.equal(out.env.GREETING, 'hi');
    assert.equal(out.env.TZ, ':UTC');
    assert.equal(out.env._HANDLER, 'index.handler');
    assert.equal(out.env.NODE_EXTRA_CA_CERTS, null, 'nothing of Gust’s environment leaks in');
    assert.ok(out.env.HAS_RUNTIME_API && out.env.HAS_ENDPOINT);
  });

  test('ESM and callback handlers', async () => {
    await create('esm', 'node-esm', 'nodejs20.x', 'index.handler');
    await create('cb', 'node-callback', 'nodejs20.x', 'index.handler');
    assert.deepEqual(decode((await invoke('esm', { a: 1 })).Payload), { esm: true, echo: { a: 1 } });
    assert.deepEqual(decode((await invoke('cb')).Payload), { callback: true, remaining: true });
  });

  test('a Node error is reported as Lambda reports it', async () => {
    await create('node-err', 'node-error', 'nodejs20.x', 'index.handler');
    const res = await invoke('node-err');
    assert.equal(res.StatusCode, 200);
    assert.equal(res.FunctionError, 'Unhandled');
    const body = decode(res.Payload);
    assert.equal(body.errorType, 'ValidationError');
    assert.equal(body.errorMessage, 'the payload is wrong');
    assert.ok(Array.isArray(body.trace));
  });

  test('Python: result, context and errors', async () => {
    await create('py', 'python-hello', 'python3.11', 'app.handler');
    const out = decode((await invoke('py', { name: 'snake' })).Payload);
    assert.equal(out.hello, 'snake');
    assert.equal(out.function_name, 'py');
    assert.equal(out.memory_limit_in_mb, '128', 'a string, as in AWS’s own Python client');
    assert.equal(out.remaining_ms_positive, true);
    await create('py-err', 'python-error', 'python3.12', 'app.handler');
    const res = await invoke('py-err');
    assert.equal(res.FunctionError, 'Unhandled');
    const body = decode(res.Payload);
    assert.equal(body.errorType, 'PaymentError');
    assert.equal(body.errorMessage, 'card declined');
    assert.ok(Array.isArray(body.stackTrace));
  });

  test('Python functions can use boto3 against Gust itself', async () => {
    await create('py-boto3', 'python-boto3', 'python3.11', 'app.handler', { Timeout: 20 });
    // A function's own key invokes only what a resource policy grants it.
    await lambda.send(new AddPermissionCommand({ FunctionName: 'hello', StatementId: 'py-boto3', Action: 'lambda:InvokeFunction', Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:function:py-boto3' }));
    const out = decode((await invoke('py-boto3', { target: 'hello' })).Payload);
    assert.equal(out.inner.hello, 'from-python');
  });

  test('custom runtimes: bash + curl, and compiled C', async () => {
    await create('bash-rt', 'custom-bash', 'provided.al2023', 'ignored');
    assert.deepEqual(decode((await invoke('bash-rt', { x: 1 })).Payload), { bash: true, event: { x: 1 } });
    await create('c-rt', 'custom-c', 'provided', 'bootstrap');
    assert.deepEqual(decode((await invoke('c-rt', { y: [2] })).Payload), { c: true, event: { y: [2] } });
    assert.deepEqual(decode((await invoke('c-rt', { y: [3] })).Payload), { c: true, event: { y: [3] } });
  });
});
