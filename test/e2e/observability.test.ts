// Metrics, traces and budgets against a real Gust: Prometheus text scraped from --metrics-port and
// parsed by the reference parser (python3-prometheus-client), spans posted to an OTLP receiver
// started here, and budgets set with the `gust` CLI refusing invocations at 100 %.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand as CreateFn, InvokeCommand, PutFunctionConcurrencyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';

const run = promisify(execFile);
const ROLE = 'arn:aws:iam::000000000000:role/x';
let gust: GustProcess;
let lambda: LambdaClient;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let metricsUrl: string;

/** The Debian package's parser (prometheus_client), on the system python3 it installs into. */
const PARSER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
print(json.dumps(out))
`;
import { until } from '../helpers/until.js';

interface Sample { family: string; type: string; name: string; labels: Record<string, string>; value: number }

async function scrape(): Promise<Sample[]> {
  const res = await fetch(metricsUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const child = execFile('/usr/bin/python3', ['-c', PARSER]);
  child.stdin!.end(text);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, 'the exposition parses');
  return JSON.parse(out);
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

/** A signed request with extra headers (traceparent, X-Amzn-Trace-Id), as any SDK would send it. */
async function signed(method: string, path: string, body = '', headers: Record<string, string> = {}) {
  const url = gust.url + path;
  const auth = signRequest({ method, url, headers, body, ...gust.credentials, region: gust.region, service: 'lambda' });
  return fetch(url, { method, body: method === 'GET' ? undefined : body, headers: { ...headers, ...auth } });
}

const cli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args]);

const create = (name: string, fixture: string, runtime = 'nodejs20.x', handler = 'index.handler') =>
  fixtureZip(fixture).then((zip) => lambda.send(new CreateFn({ FunctionName: name, Runtime: runtime, Handler: handler, Role: ROLE, Timeout: 20, Code: { ZipFile: zip } })));

before(async () => {
  receiver = await startOtlpReceiver();
  gust = await startGust({ args: ['--metrics-port', '0', '--otlp-endpoint', receiver.url, '--async-retry-delay', '0'] });
  metricsUrl = /Metrics: Prometheus at (\S+)/.exec(gust.output())![1];
  lambda = lambdaClient(gust);
});
after(async () => {
  await gust.stop();
  await receiver.close();
});

test('Prometheus metrics count invocations, cold starts, throttles, logs, instances and the async queue', async () => {
  await create('hello', 'node-hello');
  await create('fails', 'node-error');
  await create('blocked', 'node-hello');
  await create('held', 'node-hello');
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'blocked', ReservedConcurrentExecutions: 0 }));
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'held', ReservedConcurrentExecutions: 0 }));

  await lambda.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{}') }));
  await lambda.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{}') }));
  assert.equal((await lambda.send(new InvokeCommand({ FunctionName: 'fails', Payload: Buffer.from('{}') }))).FunctionError, 'Unhandled');
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'blocked', Payload: Buffer.from('{}') })), { name: 'TooManyRequestsException' });
  // An event that cannot run stays queued, throttled again and again with a backoff.
  await lambda.send(new InvokeCommand({ FunctionName: 'held', InvocationType: 'Event', Payload: Buffer.from('{}') }));

  const samples = await until('the async throttle', async () => {
    const s = await scrape();
    return value(s, 'gust_throttles_total', { function: 'held' }) >= 1 ? s : undefined;
  });
  assert.equal(value(samples, 'gust_invocations_total', { function: 'hello', qualifier: '$LATEST', outcome: 'success' }), 2);
  assert.equal(value(samples, 'gust_invocations_total', { function: 'fails', outcome: 'error' }), 1);
  assert.equal(value(samples, 'gust_invocations_total', { function: 'blocked' }), 0, 'a throttled invocation did not run');
  assert.equal(value(samples, 'gust_throttles_total', { function: 'blocked', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }), 1);
  assert.equal(value(samples, 'gust_cold_starts_total', { function: 'hello' }), 1);
  assert.equal(value(samples, 'gust_invocation_duration_seconds_count', { function: 'hello' }), 2);
  assert.ok(value(samples, 'gust_invocation_duration_seconds_sum', { function: 'hello' }) > 0);
  assert.equal(value(samples, 'gust_invocation_duration_seconds_bucket', { function: 'hello', le: '+Inf' }), 2);
  assert.equal(value(samples, 'gust_init_duration_seconds_count', { function: 'hello' }), 1);
  assert.ok(value(samples, 'gust_log_bytes_total', { function: 'hello' }) > 0, 'START/END/REPORT lines counted');
  assert.equal(value(samples, 'gust_instances', { function: 'hello' }), 1, 'one warm instance');
  assert.equal(value(samples, 'gust_instances', { function: 'blocked' }), 0);
  assert.equal(value(samples, 'gust_async_queue_depth'), 1);
  assert.ok(value(samples, 'gust_async_queue_oldest_age_seconds') > 0);
  assert.equal(value(samples, 'gust_concurrent_executions'), 0, 'nothing runs between invocations');
  assert.ok(samples.some((s) => s.name === 'process_cpu_seconds_total'), "prom-client's process metrics");
  assert.equal(samples.find((s) => s.family === 'gust_invocations')?.type, 'counter');
  assert.equal(samples.find((s) => s.family === 'gust_invocation_duration_seconds')?.type, 'histogram');
});

test('metrics on the main port need an admin signature; the metrics port serves nothing else', async () => {
  assert.equal((await fetch(`${gust.url}/gust/metrics`)).status, 403, 'never open to strangers');
  const text = await (await signed('GET', '/gust/metrics')).text();
  assert.match(text, /^# HELP gust_invocations_total /m);
  const json = await (await signed('GET', '/gust/metrics?format=json')).json();
  assert.ok(json.metrics.some((m: { name: string }) => m.name === 'gust_invocations_total'), 'the same numbers as JSON, for the console');
  assert.equal((await fetch(metricsUrl.replace('/metrics', '/gust/health'))).status, 404);
  assert.equal((await fetch(metricsUrl, { method: 'POST', body: 'x' })).status, 405);
});

test('a span per invocation, child of the caller’s traceparent, with init and invoke phases', async () => {
  await create('traced', 'node-trace');
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = '00f067aa0ba902b7';
  const res = await signed('POST', '/2015-03-31/functions/traced/invocations', '{}', { traceparent: `00-${traceId}-${parent}-01` });
  assert.equal(res.status, 200);
  const requestId = res.headers.get('x-amzn-requestid');
  const returned = (await res.json()).traceId as string;
  const spans = await receiver.waitFor('the invocation spans', (all) => {
    const root = all.find((s) => s.attributes['faas.invocation_id'] === requestId && s.name === 'traced');
    const children = root && all.filter((s) => s.parentSpanId === root.spanId);
    return root && children!.length === 2 ? { root, children: children! } : undefined;
  });
  const { root, children } = spans;
  assert.equal(root.traceId, traceId);
  assert.equal(root.parentSpanId, parent);
  assert.equal(root.kind, 2, 'SERVER');
  assert.equal(root.attributes['faas.coldstart'], true);
  assert.equal(root.attributes['faas.trigger'], 'other');
  assert.equal(root.attributes['cloud.region'], 'us-east-1');
  assert.equal(root.attributes['cloud.resource_id'], 'arn:aws:lambda:us-east-1:000000000000:function:traced');
  assert.equal(root.resource['service.name'], 'gust');
  assert.deepEqual(children.map((c) => c.name).sort(), ['init', 'invoke']);
  const invoke = children.find((c) => c.name === 'invoke')!;
  assert.ok(BigInt(invoke.startTimeUnixNano) <= BigInt(invoke.endTimeUnixNano));
  assert.equal(returned, `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${invoke.spanId};Sampled=1`, "_X_AMZN_TRACE_ID carries the trace and the invoke span");
});

test("a function's call back into Gust continues its trace (boto3 sends X-Amzn-Trace-Id)", async () => {
  await create('target', 'node-hello');
  await create('caller', 'python-boto3', 'python3.11', 'app.handler');
  await signed('POST', '/2015-03-31/functions/target/policy', JSON.stringify({ StatementId: 'c', Action: 'lambda:InvokeFunction', Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:function:caller' }));
  const res = await signed('POST', '/2015-03-31/functions/caller/invocations', '{"target":"target"}', { 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' });
  assert.equal((await res.json()).inner.hello, 'from-python');
  const traceId = '5759e988bd862e3fe1be46a994272793';
  const { callerInvoke, targetRoot } = await receiver.waitFor('the caller and target spans', (all) => {
    const callerRoot = all.find((s) => s.traceId === traceId && s.name === 'caller');
    const callerInvoke = callerRoot && all.find((s) => s.parentSpanId === callerRoot.spanId && s.name === 'invoke');
    const targetRoot = all.find((s) => s.traceId === traceId && s.name === 'target');
    return callerRoot && callerInvoke && targetRoot ? { callerRoot, callerInvoke, targetRoot } : undefined;
  });
  assert.equal(targetRoot.parentSpanId, callerInvoke.spanId, "the target's span is a child of the caller's invoke span");
});

test('an async event keeps its caller’s trace through the queue: a consumer span with a queue phase', async () => {
  const traceId = 'aaaabbbbccccddddeeeeffff00001111';
  const res = await signed('POST', '/2015-03-31/functions/hello/invocations', '{}', { 'X-Amz-Invocation-Type': 'Event', traceparent: `00-${traceId}-1111222233334444-01` });
  assert.equal(res.status, 202);
  const { root, queue } = await receiver.waitFor('the async spans', (all) => {
    const root = all.find((s) => s.traceId === traceId && s.name === 'hello');
    const queue = root && all.find((s) => s.parentSpanId === root.spanId && s.name === 'queue');
    return root && queue ? { root, queue } : undefined;
  });
  assert.equal(root.kind, 5, 'CONSUMER');
  assert.equal(root.parentSpanId, '1111222233334444');
  assert.equal(queue.startTimeUnixNano, root.startTimeUnixNano, 'the queue phase starts when the event was accepted');
});

test('a budget warns at 80 % in the server log and the log group, and a hard one refuses at 100 %', async () => {
  await create('budgeted', 'node-hello');
  // One invocation of 128 MB bills at least 1 ms: 0.000125 GB-s, more than this whole budget.
  await cli('budget', 'set', 'budgeted', '--gb-seconds', '0.0001', '--hard');
  await lambda.send(new InvokeCommand({ FunctionName: 'budgeted', Payload: Buffer.from('{}') }));
  const refused = await lambda.send(new InvokeCommand({ FunctionName: 'budgeted', Payload: Buffer.from('{}') })).catch((err) => err);
  assert.equal(refused.name, 'TooManyRequestsException');
  assert.equal(refused.Reason, 'FunctionBudgetExceeded');
  assert.match(refused.message, /budgeted has used its budget/);
  assert.match(gust.output(), /WARNING: Gust: function budgeted has used \d+ % of its budget/);
  const logs = logsClient(gust);
  await until('the warning in the log group', async () => {
    const { events } = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/budgeted', filterPattern: 'budget' }));
    return events?.some((e) => /has used \d+ % of its budget/.test(e.message ?? '')) ? true : undefined;
  });
  const listed = JSON.parse((await cli('--json', 'budget', 'ls')).stdout);
  const mine = listed.find((b: { functionName: string }) => b.functionName === 'budgeted');
  assert.equal(mine.exceeded, true);
  assert.equal(mine.unit, 'gb-seconds');
  const samples = await scrape();
  assert.equal(value(samples, 'gust_throttles_total', { function: 'budgeted', reason: 'FunctionBudgetExceeded' }), 1);

  await cli('budget', 'set', 'budgeted', '--usd', '1000');
  assert.equal((await lambda.send(new InvokeCommand({ FunctionName: 'budgeted', Payload: Buffer.from('{}') }))).StatusCode, 200, 'a raised budget lets it run');
  await cli('budget', 'rm', 'budgeted');
  assert.equal(JSON.parse((await cli('--json', 'budget', 'ls')).stdout).some((b: { functionName: string }) => b.functionName === 'budgeted'), false);
});

test('bad budget input gets a clear error and changes nothing', async () => {
  await assert.rejects(cli('budget', 'set', 'hello', '--usd', '-1'), /--usd must be a number greater than 0/);
  await assert.rejects(cli('budget', 'set', 'hello'), /exactly one of --gb-seconds N or --usd N/);
  const both = await signed('PUT', '/gust/budgets/hello', JSON.stringify({ usd: 1, gbSeconds: 1 }));
  assert.equal(both.status, 400);
  assert.equal(both.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
  const missing = await signed('PUT', '/gust/budgets/nope', JSON.stringify({ usd: 1 }));
  assert.equal(missing.status, 404);
  assert.equal((await signed('PUT', '/gust/budgets/hello', '{"usd":')).status, 400);
  assert.equal((await signed('DELETE', '/gust/budgets/hello')).status, 404);
  assert.equal(JSON.parse((await cli('--json', 'budget', 'ls')).stdout).length, 0);
});
