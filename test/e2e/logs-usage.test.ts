// Logs through the CloudWatch Logs API (SDK) and metering through /gust/usage.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';
import { signRequest } from '../../src/api/sigv4.js';

let gust: GustProcess;
let logs: CloudWatchLogsClient;

before(async () => {
  gust = await startGust();
  logs = logsClient(gust);
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'logger', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', MemorySize: 512, Code: { ZipFile: await fixtureZip('node-logs') } }));
  for (let i = 0; i < 3; i++) await lambda.send(new InvokeCommand({ FunctionName: 'logger', Payload: Buffer.from(JSON.stringify({ lines: 4, tag: `call-${i}` })) }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'failing', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-error') } }));
  await lambda.send(new InvokeCommand({ FunctionName: 'failing' }));
});
after(async () => gust.stop());

test('log groups and streams are described', async () => {
  const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  const names = groups.logGroups!.map((g) => g.logGroupName);
  assert.ok(names.includes('/aws/lambda/logger') && names.includes('/aws/lambda/failing'));
  const paged = await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
  assert.equal(paged.logGroups!.length, 1);
  assert.ok(paged.nextToken);
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logger', orderBy: 'LastEventTime', descending: true }));
  assert.equal(streams.logStreams!.length, 1, 'one warm instance, one stream');
  assert.match(streams.logStreams![0].logStreamName!, /\[\$LATEST\]/);
  await assert.rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/none' })), { name: 'ResourceNotFoundException' });
});

test('GetLogEvents returns every line with START/END/REPORT, and pages', async () => {
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logger' }));
  const stream = streams.logStreams![0].logStreamName!;
  const all = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/logger', logStreamName: stream, startFromHead: true }));
  const text = all.events!.map((e) => e.message).join('');
  assert.equal(text.match(/^START RequestId/gm)?.length, 3);
  assert.equal(text.match(/^END RequestId/gm)?.length, 3);
  assert.equal(text.match(/^REPORT RequestId/gm)?.length, 3);
  assert.match(text, /^\S+Z\t[0-9a-f-]{36}\tINFO\tline 0 call-1$/m);
  assert.match(text, /^raw stdout line$/m);
  assert.match(text, /^\S+Z\t[0-9a-f-]{36}\tERROR\tan error line$/m);
  assert.equal(text.match(/Init Duration/g)?.length, 1);

  const collected: string[] = [];
  let token: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/logger', logStreamName: stream, startFromHead: true, limit: 5, nextToken: token }));
    if (page.nextForwardToken === token) break;
    collected.push(...page.events!.map((e) => e.message!));
    token = page.nextForwardToken;
  }
  assert.deepEqual(collected, all.events!.map((e) => e.message));
});

test('FilterLogEvents with a pattern, a time range and paging', async () => {
  const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logger', filterPattern: '"call-2"' }));
  assert.equal(found.events!.length, 4);
  assert.ok(found.events!.every((e) => e.message!.includes('call-2') && e.logStreamName));
  const none = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logger', startTime: Date.now() + 60_000 }));
  assert.equal(none.events!.length, 0);
  const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logger', limit: 2 }));
  assert.equal(page.events!.length, 2);
  assert.ok(page.nextToken);
  const errors = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/failing', filterPattern: 'ValidationError' }));
  assert.ok(errors.events!.length >= 1);
});

test('usage reports requests, errors, GB-seconds and cost per function', async () => {
  const url = `${gust.url}/gust/usage`;
  const headers = signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda' });
  const report = await (await fetch(url, { headers })).json();
  const logger = report.functions.find((f: { functionName: string }) => f.functionName === 'logger');
  assert.equal(logger.requests, 3);
  assert.equal(logger.errors, 0);
  assert.equal(logger.coldStarts, 1);
  assert.ok(Math.abs(logger.gbSeconds - (logger.billedMs / 1000) * 0.5) < 1e-9);
  assert.ok(Math.abs(logger.cost - (logger.gbSeconds * 0.0000166667 + 3 * 0.2 / 1e6)) < 1e-12);
  const failing = report.functions.find((f: { functionName: string }) => f.functionName === 'failing');
  assert.equal(failing.errors, 1);
});
