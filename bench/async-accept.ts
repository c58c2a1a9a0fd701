// `npm run bench:async`: how fast Gust accepts durable async (Event) invocations. Each 202 comes
// only after the event's commit (with fsync); concurrent requests share a commit (group commit).
// Gust and its children on CPU 0, autocannon on CPU 1, SigV4-signed requests (one signature,
// replayed: AWS accepts a signature for 15 minutes). The baseline, measured in the same run, is a
// bare node:http server that pays the same durability: one fsync'ed SQLite insert per request.
// Prints figures; never fails on a timing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { signRequest } from '../src/api/sigv4.js';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const AUTOCANNON = path.resolve('node_modules/autocannon/autocannon.js');
const pin = (pid: number, cpu: number) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
}

function load(url: string, headers: Record<string, string>, body: string): Result {
  const args = ['-c', '1', process.execPath, AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS), '-m', 'POST', '-b', body];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const r = JSON.parse(String(execFileSync('taskset', [...args, url], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })));
  return { perSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}

/** node:http + better-sqlite3 (WAL, synchronous=FULL, as metadata.db): one committed insert per request. */
async function durableBare(): Promise<{ url: string; stop: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-bench-bare-'));
  const code = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(path.join(dir, 'q.db'))});
    db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE q (id INTEGER PRIMARY KEY, payload BLOB, created_at INTEGER)');
    const insert = db.prepare('INSERT INTO q (payload, created_at) VALUES (?, ?)');
    require('http').createServer((req, res) => { const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => {
      insert.run(Buffer.concat(chunks), Date.now()); res.writeHead(202); res.end(); }); })
      .listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;
  const child = spawn('taskset', ['-c', '0', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd(), env: { PATH: process.env.PATH } });
  const port = await new Promise<string>((resolve) => child.stdout!.on('data', (d: Buffer) => /port (\d+)/.test(String(d)) && resolve(/port (\d+)/.exec(String(d))![1])));
  return { url: `http://127.0.0.1:${port}/`, stop: () => void child.kill() };
}

console.log(`# durable async accept (${new Date().toISOString()}, node ${process.version}, c=${CONNECTIONS}, ${SECONDS} s per figure, load ${os.loadavg()[0].toFixed(1)})`);
const body = '{"hello":"world"}';
const bare = await durableBare();
const baseline = load(bare.url, {}, body);
bare.stop();

// BENCH_PROFILE=DIR writes a CPU profile of the Gust process there (node --cpu-prof); BENCH_NODE_ARGS adds node flags.
const gust = await startGust({ args: ['--keep-alive', '600'], nodeArgs: [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])] });
pin(gust.pid, 0);
const name = 'async-hello';
await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip('bench-hello') } }));
// BENCH_RESERVED=N caps the function's instances: what the accept path costs, apart from the runs.
if (process.env.BENCH_RESERVED) await lambdaClient(gust).send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: Number(process.env.BENCH_RESERVED) }));
const url = `${gust.url}/2015-03-31/functions/${name}/invocations`;
const headers = { 'x-amz-invocation-type': 'Event', 'content-type': 'application/json' };
const signed = { ...headers, ...signRequest({ method: 'POST', url, headers, body, ...gust.credentials, region: gust.region, service: 'lambda' }) };
const accepted = load(url, signed, body);
const drainStart = performance.now();
const metricsUrl = `${gust.url}/gust/metrics`;
const depth = async () => {
  const text = await (await fetch(metricsUrl, { headers: signRequest({ method: 'GET', url: metricsUrl, headers: {}, body: '', ...gust.credentials, region: gust.region, service: 'lambda' }) })).text();
  return Number(/^gust_async_queue_depth (\d+)/m.exec(text)?.[1] ?? NaN);
};
let left = await depth();
const queuedAtEnd = left;
while (left > 0) {
  await new Promise((r) => setTimeout(r, 250));
  left = await depth();
}
const drainS = (performance.now() - drainStart) / 1000;
await gust.stop();

console.log('\n| server | accepted/s | 202 latency p50 | p99 | errors |');
console.log('| --- | --- | --- | --- | --- |');
console.log(`| bare node:http + one fsync'ed SQLite insert per request | ${baseline.perSecond.toFixed(0)} | ${baseline.p50} ms | ${baseline.p99} ms | ${baseline.non2xx} |`);
console.log(`| Gust Invoke Event (SigV4, group commit) | ${accepted.perSecond.toFixed(0)} | ${accepted.p50} ms | ${accepted.p99} ms | ${accepted.non2xx} |`);
console.log(`\nGust: ${(accepted.perSecond / baseline.perSecond * 100).toFixed(0)} % of the baseline; ${queuedAtEnd} events still queued when the load stopped, all run ${drainS.toFixed(1)} s later.`);
