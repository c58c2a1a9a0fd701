// Telemetry is cluster-wide on PostgreSQL: a function invoked through node A has its logs
// (CloudWatch Logs API, through the SDK), its usage (/gust/usage) and its invocation history (the
// console's routes) read through node B, and `gust logs --follow` on node B prints what A runs.
// Skipped, saying why, only when no PostgreSQL is reachable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, tempDataDir, type GustProcess } from '../helpers/gust-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';
import { until } from '../helpers/until.js';

const database = await createTestDatabase();
const skip = 'unavailable' in database ? database.unavailable : false;

let a: GustProcess;
let b: GustProcess;
let lambdaA: LambdaClient;
let logsB: CloudWatchLogsClient;
const requestIds: string[] = [];

const signedGet = (gust: GustProcess, path: string) => {
  const url = `${gust.url}${path}`;
  return fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda' }) });
};

before(async () => {
  if (skip) return;
  const args = ['--database', (database as TestDatabase).url, '--shared-dir', tempDataDir(), '--memory-enforcement', 'auto'];
  a = await startGust({ args });
  b = await startGust({ args });
  lambdaA = lambdaClient(a);
  logsB = logsClient(b);
  await lambdaA.send(new CreateFunctionCommand({ FunctionName: 'logger', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', MemorySize: 512, Code: { ZipFile: await fixtureZip('node-logs') } }));
  for (let i = 0; i < 2; i++) {
    const out = await lambdaA.send(new InvokeCommand({ FunctionName: 'logger', Payload: Buffer.from(JSON.stringify({ lines: 2, tag: `through-a-${i}` })) }));
    requestIds.push(out.$metadata.requestId!);
  }
});

after(async () => {
  if (skip) return;
  await Promise.all([a?.stop(), b?.stop()]);
  await (database as TestDatabase).drop();
});

test("node B answers FilterLogEvents, GetLogEvents and the descriptions with node A's lines", { skip }, async () => {
  // A writes its batch off the request path: B sees it once it is committed.
  const events = await until('node A\'s lines through node B', async () => {
    const page = await logsB.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logger', filterPattern: 'through-a' }));
    return page.events && page.events.length === 4 ? page.events : undefined;
  });
  assert.deepEqual(events.map((e) => e.message!.trim().split('\t').at(-1)), ['line 0 through-a-0', 'line 1 through-a-0', 'line 0 through-a-1', 'line 1 through-a-1']);
  const reports = await logsB.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logger', filterPattern: 'REPORT' }));
  assert.equal(reports.events!.length, 2);
  const groups = await logsB.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  assert.deepEqual(groups.logGroups!.map((g) => g.logGroupName), ['/aws/lambda/logger']);
  assert.ok(groups.logGroups![0].storedBytes! > 0);
  const streams = await logsB.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logger', orderBy: 'LastEventTime', descending: true }));
  assert.equal(streams.logStreams!.length, 1);
  const stream = await logsB.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/logger', logStreamName: streams.logStreams![0].logStreamName!, startFromHead: true }));
  assert.ok(stream.events!.some((e) => /^START RequestId: /.test(e.message!)), 'the stream holds the START lines');
});

test("node B's usage report counts node A's invocations", { skip }, async () => {
  const logger = await until('node A\'s metering through node B', async () => {
    const report = await (await signedGet(b, '/gust/usage')).json();
    const row = report.functions?.find((f: { functionName: string }) => f.functionName === 'logger');
    return row?.requests === 2 ? row : undefined;
  });
  assert.equal(logger.errors, 0);
  assert.equal(logger.coldStarts, 1);
  assert.ok(Math.abs(logger.gbSeconds - (logger.billedMs / 1000) * 0.5) < 1e-9);
});

test("node B's console shows node A's invocation history", { skip }, async () => {
  const history = await until('node A\'s history through node B', async () => {
    const h = await (await signedGet(b, '/gust/console/history?function=logger')).json();
    return h.invocations?.length === 2 ? h : undefined;
  });
  assert.deepEqual(history.invocations.map((i: { payload: string }) => JSON.parse(i.payload).tag), ['through-a-1', 'through-a-0']);
  assert.deepEqual(history.invocations.map((i: { requestId: string }) => i.requestId).sort(), [...requestIds].sort());
  const one = await (await signedGet(b, `/gust/console/history/${requestIds[0]}`)).json();
  assert.equal(one.response, '"logged"');
});

test('`gust logs --follow` through node B prints the lines of invocations through node A', { skip }, async () => {
  const follower = spawn(process.execPath, [CLI, '--endpoint', b.url, '--data-dir', b.dataDir, 'logs', 'logger', '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.includes(text) && (follower.stdout!.off('data', onData), resolve());
      const onData = (d: Buffer) => ((out += d), check());
      follower.stdout!.on('data', onData);
      follower.once('exit', (code) => reject(new Error(`gust logs exited (${code}) before printing ${text}: ${out}`)));
      check();
    });
  try {
    await printed('through-a-1');
    await lambdaA.send(new InvokeCommand({ FunctionName: 'logger', Payload: Buffer.from(JSON.stringify({ lines: 1, tag: 'followed-from-b' })) }));
    await printed('line 0 followed-from-b');
    assert.equal(out.split('line 0 through-a-1').length, 2, 'each line is printed once, however often it is read again');
  } finally {
    follower.kill();
  }
});
