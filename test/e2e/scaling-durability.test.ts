// Scale out and back to zero; kill -9 loses nothing acknowledged (functions, settings, queued
// async events); an update is never served by the old code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { health } from '../helpers/health.js';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';

const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.stop().catch(() => {});
});

async function start(opts: Parameters<typeof startGust>[0] = {}) {
  const g = await startGust(opts);
  running.push(g);
  return g;
}

/** Processes whose working directory is function code under this data directory. */
function instancesRunningIn(dataDir: string): number {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dataDir)) n++;
    } catch {
      /* gone, or not ours to inspect */
    }
  }
  return n;
}


test('concurrent invocations get their own instances, which stop after the keep-alive', async () => {
  const gust = await start({ args: ['--keep-alive', '1'] });
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'sleeper', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-sleep') } }));
  const results = await Promise.all(
    Array.from({ length: 5 }, () => lambda.send(new InvokeCommand({ FunctionName: 'sleeper', Payload: Buffer.from('{"ms":400}') }))),
  );
  const instances = new Set(results.map((r) => decode(r.Payload).instance));
  assert.equal(instances.size, 5, 'five concurrent calls ran in five instances');
  // Not "5 live now": starts are bounded (a few at a time), so on a loaded machine the first
  // instances may have been idle past this 1 s keep-alive by the time the last call ends.
  assert.ok(((await health(gust)).instances.sleeper ?? 0) <= 5);
  const deadline = Date.now() + 10_000;
  while ((await health(gust)).instances.sleeper && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal((await health(gust)).instances.sleeper, undefined, 'scaled back to zero');
});

test('after an update, no invocation runs the old configuration', async () => {
  const gust = await start();
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'cfg', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-context') }, Environment: { Variables: { GREETING: 'v1' } } }));
  assert.equal(decode((await lambda.send(new InvokeCommand({ FunctionName: 'cfg' }))).Payload).env.GREETING, 'v1');
  assert.equal((await health(gust)).instances.cfg, 1);
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'cfg', Environment: { Variables: { GREETING: 'v2' } } }));
  // The idle instance of the old configuration is retired at once, not left to age out.
  const deadline = Date.now() + 10_000;
  while ((await health(gust)).instances.cfg && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await health(gust)).instances.cfg, undefined, 'the old instance was stopped by the update');
  for (let i = 0; i < 3; i++) assert.equal(decode((await lambda.send(new InvokeCommand({ FunctionName: 'cfg' }))).Payload).env.GREETING, 'v2');
  assert.equal((await health(gust)).instances.cfg, 1, 'one instance of the new configuration served all three');
});

test('kill -9 loses no function, setting or queued async event', async () => {
  const first = await start();
  const lambda = lambdaClient(first);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'durable', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', MemorySize: 256, Code: { ZipFile: await fixtureZip('node-sleep') } }));
  const tags = Array.from({ length: 20 }, (_, i) => `evt-${i}`);
  for (const tag of tags) {
    const res = await lambda.send(new InvokeCommand({ FunctionName: 'durable', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ ms: 1500, tag })) }));
    assert.equal(res.StatusCode, 202);
  }
  await first.kill9();
  const deadline0 = Date.now() + 5000;
  while (instancesRunningIn(first.dataDir) > 0 && Date.now() < deadline0) await new Promise((r) => setTimeout(r, 100));
  assert.equal(instancesRunningIn(first.dataDir), 0, 'the instances of a killed Gust do not linger');

  const second = await start({ dataDir: first.dataDir });
  const lambda2 = lambdaClient(second);
  const config = await lambda2.send(new GetFunctionConfigurationCommand({ FunctionName: 'durable' }));
  assert.equal(config.MemorySize, 256);
  const logs = logsClient(second);
  const seen = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (seen.size < tags.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/durable', filterPattern: '"done evt-"' })).catch(() => ({ events: [] }));
    for (const e of found.events ?? []) seen.add(/done (evt-\d+)/.exec(e.message ?? '')![1]);
  }
  assert.equal(seen.size, tags.length, `every accepted event ran (saw ${[...seen].join(', ')})`);
  const after = await health(second);
  assert.equal(after.queuedAsyncEvents, 0);
  assert.ok(after.possibleDuplicateAsyncEvents > 0, 'events that were running at the crash are counted as possible duplicates');
});

test('the account concurrency limit answers TooManyRequestsException instead of queueing', async () => {
  const gust = await start({ args: ['--concurrency-limit', '2'] });
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'busy', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-sleep') } }));
  const calls = Array.from({ length: 4 }, () => lambda.send(new InvokeCommand({ FunctionName: 'busy', Payload: Buffer.from('{"ms":800}') })));
  const results = await Promise.allSettled(calls);
  const throttled = results.filter((r) => r.status === 'rejected');
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
  assert.equal(throttled.length, 2);
  for (const t of throttled) {
    const err = (t as PromiseRejectedResult).reason;
    assert.equal(err.name, 'TooManyRequestsException');
    assert.equal(err.Reason, 'ConcurrentInvocationLimitExceeded');
    assert.equal(err.$metadata.httpStatusCode, 429);
  }
});

test('reserved concurrency: Put/Get/DeleteFunctionConcurrency, throttling with Reason, throttled async events wait', async () => {
  const gust = await start();
  const lambda = lambdaClient(gust);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'limited', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('node-sleep') } }));
  assert.deepEqual((await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'limited', ReservedConcurrentExecutions: 1 }))).ReservedConcurrentExecutions, 1);
  assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'limited' }))).ReservedConcurrentExecutions, 1);
  assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'limited' }))).Concurrency?.ReservedConcurrentExecutions, 1);
  assert.equal((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions, 999);

  const both = await Promise.allSettled([0, 1].map(() => lambda.send(new InvokeCommand({ FunctionName: 'limited', Payload: Buffer.from('{"ms":500}') }))));
  const throttled = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal(throttled.reason.name, 'TooManyRequestsException');
  assert.equal(throttled.reason.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');

  await assert.rejects(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'limited', ReservedConcurrentExecutions: 901 })), { name: 'InvalidParameterValueException' });

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'limited', ReservedConcurrentExecutions: 0 }));
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'limited', Payload: Buffer.from('{"ms":1}') })), { name: 'TooManyRequestsException' });
  const queued = await lambda.send(new InvokeCommand({ FunctionName: 'limited', InvocationType: 'Event', Payload: Buffer.from('{"ms":1,"tag":"waited"}') }));
  assert.equal(queued.StatusCode, 202, 'an async event is accepted even while throttled');
  await new Promise((r) => setTimeout(r, 500));
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'limited' }));
  assert.deepEqual(await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'limited' })).then((r) => r.ReservedConcurrentExecutions), undefined);
  const logs = logsClient(gust);
  const deadline = Date.now() + 15_000;
  let ran = false;
  while (!ran && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/limited', filterPattern: '"done waited"' })).catch(() => ({ events: [] }));
    ran = (found.events ?? []).length > 0;
  }
  assert.ok(ran, 'the throttled event ran once the function could run again');
});
