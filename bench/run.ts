// `npm run bench`: Gust's invoke path against a bare node:http baseline in the same run, and
// cold starts for Node and Python. Prints figures and ratios; never fails on a timing.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { CreateFunctionCommand, InvokeCommand, DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { signRequest } from '../src/api/sigv4.js';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';
import { load, type LoadResult, type RequestSpec } from './load.js';

const BODY = JSON.stringify({ hello: 'world', pid: 12345 });
const fmt = (r: LoadResult) => `p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms  ${r.rps.toFixed(0)} req/s`;

async function startBaseline(): Promise<{ url: string; stop(): void }> {
  const code = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/json'});s.end(${JSON.stringify(BODY)})})}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function coldStarts(lambda: ReturnType<typeof lambdaClient>, runtime: string, fixture: string, handler: string, rounds: number): Promise<number[]> {
  const zip = await fixtureZip(fixture);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const name = `cold-${runtime.replace(/\W/g, '')}-${i}`;
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime as never, Handler: handler, Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: zip } }));
    const t = performance.now();
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
    times.push(performance.now() - t);
    if (res.FunctionError) throw new Error(`cold start bench function failed: ${Buffer.from(res.Payload!).toString()}`);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  }
  return times.sort((a, b) => a - b);
}

/**
 * The first call after a 0 → 50 burst of concurrent calls, with and without provisioned
 * concurrency (50 on an alias), for Node and Python: latency p50/p99 of the 50 calls.
 */
async function burstBench(gust: Awaited<ReturnType<typeof startGust>>, lambda: ReturnType<typeof lambdaClient>) {
  const { PublishVersionCommand, CreateAliasCommand, PutProvisionedConcurrencyConfigCommand, GetProvisionedConcurrencyConfigCommand } = await import('@aws-sdk/client-lambda');
  const n = Number(process.env.BENCH_BURST ?? 50);
  for (const [runtime, fixture, handler] of [['nodejs20.x', 'bench-hello', 'index.handler'], ['python3.11', 'bench-hello-python', 'app.handler']] as const) {
    const line: string[] = [];
    for (const provisioned of [false, true]) {
      const name = `burst-${runtime.replace(/\W/g, '')}-${provisioned ? 'pc' : 'od'}`;
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime, Handler: handler, Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip(fixture) } }));
      const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
      await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: Version }));
      if (provisioned) {
        await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: 'live', ProvisionedConcurrentExecutions: n }));
        while ((await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: 'live' }))).Status !== 'READY') await new Promise((r) => setTimeout(r, 200));
      }
      const times = (
        await Promise.all(
          Array.from({ length: n }, async () => {
            const t = performance.now();
            await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: 'live', Payload: Buffer.from('{}') }));
            return performance.now() - t;
          }),
        )
      ).sort((a, b) => a - b);
      line.push(`${provisioned ? 'provisioned' : 'on demand'} p50 ${times[Math.floor(n / 2)].toFixed(1)} ms p99 ${times[Math.floor(n * 0.99)].toFixed(1)} ms`);
    }
    console.log(`0 → ${n} burst, ${runtime}:`.padEnd(30) + line.join('  |  '));
  }
}

/** Async invokes: events accepted per second, completed per second, and accept → start delay. */
async function asyncBench(gust: Awaited<ReturnType<typeof startGust>>) {
  const events = Number(process.env.BENCH_ASYNC_EVENTS ?? 2000);
  const url = new URL(`${gust.url}/2015-03-31/functions/bench-hello/invocations`);
  const body = Buffer.from('{}');
  const acceptedAt = new Map<string, number>();
  const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 10 });
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const sentAt = Date.now();
      const headers = { 'x-amz-invocation-type': 'Event', ...signRequest({ method: 'POST', url: url.href, headers: { 'x-amz-invocation-type': 'Event' }, body, ...gust.credentials, region: 'us-east-1', service: 'lambda' }) };
      const req = agentRequest(url, headers, agent, (status, id) => {
        if (status !== 202) return reject(new Error(`async invoke: ${status}`));
        acceptedAt.set(id, sentAt);
        resolve();
      });
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  const startedEpoch = Date.now();
  let left = events;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (left-- > 0) await send();
  }));
  const acceptSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  // Started: every request id has its START line in the function's log group (delay measured
  // from when the request was sent: an event may start before its 202 reaches the client).
  const { CloudWatchLogsClient, FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = new CloudWatchLogsClient({ endpoint: gust.url, region: 'us-east-1', credentials: gust.credentials });
  const startedAt = new Map<string, number>();
  for (;;) {
    startedAt.clear();
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/bench-hello', filterPattern: '"START RequestId"', nextToken }));
      for (const e of page.events ?? []) {
        const id = /START RequestId: (\S+)/.exec(e.message ?? '')?.[1];
        if (id && acceptedAt.has(id)) startedAt.set(id, e.timestamp!);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (startedAt.size >= acceptedAt.size) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const completeSeconds = (Math.max(...startedAt.values()) - startedEpoch) / 1000;
  const delays = [...startedAt].map(([id, t]) => t - acceptedAt.get(id)!).sort((a, b) => a - b);
  console.log(`async invoke, ${events} events:   accepted ${(events / acceptSeconds).toFixed(0)}/s, all started within ${completeSeconds.toFixed(2)} s (${(events / completeSeconds).toFixed(0)}/s)`);
  console.log(`  accept → start delay: p50 ${delays[Math.floor(delays.length / 2)]} ms, p99 ${delays[Math.floor(delays.length * 0.99)]} ms`);
}

/**
 * Schedule accuracy on real time: 100 one-time at() schedules, one every 100 ms from 3 s ahead
 * (at() has whole seconds, so ten share each second); lateness = START time − scheduled time.
 */
async function scheduleBench(gust: Awaited<ReturnType<typeof startGust>>) {
  const first = Math.ceil((Date.now() + 3000) / 1000) * 1000;
  const at = (i: number) => first + Math.floor(i / 10) * 1000;
  for (let i = 0; i < 100; i++) {
    const url = `${gust.url}/schedules/acc-${i}`;
    const body = JSON.stringify({
      ScheduleExpression: `at(${new Date(at(i)).toISOString().slice(0, 19)})`,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-hello', RoleArn: 'arn:aws:iam::000000000000:role/b', Input: JSON.stringify({ i }) },
    });
    const res = await fetch(url, { method: 'POST', body, headers: signRequest({ method: 'POST', url, headers: {}, body, ...gust.credentials, region: 'us-east-1', service: 'scheduler' }) });
    if (!res.ok) throw new Error(`schedule: ${res.status} ${await res.text()}`);
  }
  const { CloudWatchLogsClient, FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = new CloudWatchLogsClient({ endpoint: gust.url, region: 'us-east-1', credentials: gust.credentials });
  await new Promise((r) => setTimeout(r, Math.max(0, at(99) - Date.now()) + 2000));
  const starts: number[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/bench-hello', filterPattern: '"START RequestId"', startTime: first - 1000, nextToken }));
    starts.push(...(page.events ?? []).map((e) => e.timestamp!));
    nextToken = page.nextToken;
  } while (nextToken);
  const lateness = starts.slice(-100).map((t, i) => t - at(i)).sort((a, b) => a - b);
  console.log(`schedules, 100 one-time runs on real time: fired ${starts.length >= 100 ? 100 : starts.length}; lateness p50 ${lateness[50]} ms, p99 ${lateness[98]} ms`);
}

function agentRequest(url: URL, headers: Record<string, string>, agent: import('node:http').Agent, done: (status: number, requestId: string) => void) {
  return httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': '2' } }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode ?? 0, String(res.headers['x-amzn-requestid'])));
  });
}

const N1 = Number(process.env.BENCH_REQUESTS_C1 ?? 3000);
const N10 = Number(process.env.BENCH_REQUESTS_C10 ?? 10000);

const gust = await startGust({ args: ['--keep-alive', '600'] });
const lambda = lambdaClient(gust);
const baseline = await startBaseline();
try {
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'bench-hello', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip('bench-hello') } }));
  const invokeUrl = new URL(`${gust.url}/2015-03-31/functions/bench-hello/invocations`);
  const payload = Buffer.from('{}');
  const gustSpec: RequestSpec = {
    url: invokeUrl,
    method: 'POST',
    body: payload,
    headers: () => signRequest({ method: 'POST', url: invokeUrl.href, headers: {}, body: payload, ...gust.credentials, region: 'us-east-1', service: 'lambda' }),
  };
  const baseSpec: RequestSpec = { url: new URL(baseline.url), method: 'POST', body: payload, headers: () => signRequest({ method: 'POST', url: baseline.url, headers: {}, body: payload, ...gust.credentials, region: 'us-east-1', service: 'lambda' }) };

  console.log(`# Gust benchmark (${new Date().toISOString()}, node ${process.version})`);
  const base1 = await load(baseSpec, 1, N1);
  const gust1 = await load(gustSpec, 1, N1);
  console.log(`warm invoke, concurrency 1:   baseline ${fmt(base1)}`);
  console.log(`                              gust     ${fmt(gust1)}`);
  console.log(`  p50 overhead over baseline: ${(gust1.p50 - base1.p50).toFixed(3)} ms (target ≤ 1 ms)`);
  const base10 = await load(baseSpec, 10, N10);
  const gust10 = await load(gustSpec, 10, N10);
  console.log(`warm invoke, concurrency 10:  baseline ${fmt(base10)}`);
  console.log(`                              gust     ${fmt(gust10)}`);
  console.log(`  throughput vs baseline: ${((gust10.rps / base10.rps) * 100).toFixed(1)} % (target ≥ 40 %)`);

  // HTTP gateway: a route to the same hello-world, unsigned as browsers and curl send it.
  await new Promise<void>((resolve, reject) => {
    const url = `${gust.url}/gust/routes`;
    const body = JSON.stringify({ method: 'GET', path: '/hello', function: 'bench-hello' });
    fetch(url, { method: 'POST', body, headers: signRequest({ method: 'POST', url, headers: {}, body, ...gust.credentials, region: 'us-east-1', service: 'lambda' }) }).then(
      (r) => (r.ok ? resolve() : reject(new Error(`route: ${r.status}`))),
      reject,
    );
  });
  const gatewaySpec: RequestSpec = { url: new URL(`${gust.url}/hello`), method: 'GET', body: Buffer.alloc(0), headers: () => ({}) };
  const plainBase: RequestSpec = { url: new URL(baseline.url), method: 'GET', body: Buffer.alloc(0), headers: () => ({}) };
  for (const c of [1, 50]) {
    const n = c === 1 ? N1 : N10;
    const base = await load(plainBase, c, n);
    const gw = await load(gatewaySpec, c, n);
    console.log(`HTTP gateway, concurrency ${c}:`.padEnd(30) + `baseline ${fmt(base)}`);
    console.log(''.padEnd(30) + `gust     ${fmt(gw)}  (${((gw.rps / base.rps) * 100).toFixed(1)} % of baseline)`);
  }

  await asyncBench(gust);
  await scheduleBench(gust);

  await burstBench(gust, lambda);

  const rounds = Number(process.env.BENCH_COLD_ROUNDS ?? 15);
  const node = await coldStarts(lambda, 'nodejs20.x', 'bench-hello', 'index.handler', rounds);
  const python = await coldStarts(lambda, 'python3.11', 'bench-hello-python', 'app.handler', rounds);
  const p50 = (xs: number[]) => xs[Math.floor(xs.length / 2)];
  console.log(`cold start (first invoke of a new function), ${rounds} rounds:`);
  console.log(`  node    p50 ${p50(node).toFixed(1)} ms  (min ${node[0].toFixed(1)}, max ${node.at(-1)!.toFixed(1)}; target ≤ 80 ms)`);
  console.log(`  python  p50 ${p50(python).toFixed(1)} ms  (min ${python[0].toFixed(1)}, max ${python.at(-1)!.toFixed(1)}; target ≤ 100 ms)`);
} finally {
  baseline.stop();
  await gust.stop();
}
