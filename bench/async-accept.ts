// `npm run bench:async`: how fast Gust accepts durable async (Event) invocations. Each 202 comes
// only after the event's commit (with fsync); concurrent requests share a commit (group commit).
// Gust and its children on CPU 0, autocannon on CPU 1, SigV4-signed requests (one signature,
// replayed: AWS accepts a signature for 15 minutes). Two Gust figures: accepting while nothing
// drains (the one event the worker may run, --async-parallelism 1, sleeps through the run), and
// accepting while the worker drains the queue into a hello function, with accept → start (from
// the `queue` phase of each invocation's trace span, sent to a collector in this process).
// Baselines, measured in the same run: a bare node:http server that pays the same durability, one
// fsync'ed SQLite insert per request, and one that group-commits (the limit of the disk).
// Prints figures; never fails on a timing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { signRequest } from '../src/api/sigv4.js';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust, type GustProcess } from '../test/helpers/gust-process.js';
import { startOtlpReceiver } from '../test/helpers/otlp-receiver.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Events per second offered for accept → start without a backlog. */
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const AUTOCANNON = path.resolve('node_modules/autocannon/autocannon.js');
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
const pin = (pid: number, cpu: number) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
/** CPU time (user + system) the process itself used so far, in ms: less sensitive to a loaded machine than rates. */
const cpuMs = (pid: number) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};
const load1 = () => os.loadavg()[0].toFixed(1);

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
  /** CPU ms of the server process per 1,000 accepted requests. */
  cpuPerThousand?: number;
}

function load(url: string, headers: Record<string, string>, body: string, pid?: number, paced?: { perSecond: number; seconds: number }): Result {
  const args = ['-c', '1', process.execPath, AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(paced?.seconds ?? SECONDS), '-m', 'POST', '-b', body];
  if (paced) args.push('-R', String(paced.perSecond));
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const cpuBefore = pid ? cpuMs(pid) : 0;
  const r = JSON.parse(String(execFileSync('taskset', [...args, url], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })));
  const total = r.requests.total - r.non2xx - r.errors;
  const cpuPerThousand = pid ? ((cpuMs(pid) - cpuBefore) / total) * 1000 : undefined;
  return { perSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors, total, cpuPerThousand };
}

/**
 * node:http + better-sqlite3 (WAL, synchronous=FULL, as metadata.db). `each`: one committed
 * insert per request. `group`: the requests of one event-loop turn share one transaction.
 */
async function durableBare(mode: 'each' | 'group'): Promise<{ url: string; pid: number; stop: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-bench-bare-'));
  const code = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(path.join(dir, 'q.db'))});
    db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE q (id INTEGER PRIMARY KEY, payload BLOB, created_at INTEGER)');
    const insert = db.prepare('INSERT INTO q (payload, created_at) VALUES (?, ?)');
    let waiting = [];
    const insertAll = db.transaction((group) => { for (const w of group) insert.run(w.body, Date.now()); });
    const flush = () => { const group = waiting; waiting = []; insertAll(group); for (const w of group) { w.res.writeHead(202); w.res.end(); } };
    require('http').createServer((req, res) => { const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (${JSON.stringify(mode)} === 'each') { insert.run(body, Date.now()); res.writeHead(202); res.end(); return; }
      if (waiting.push({ body, res }) === 1) setImmediate(flush); }); })
      .listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;
  const child = spawn('taskset', ['-c', '0', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd(), env: { PATH: process.env.PATH } });
  const port = await new Promise<string>((resolve) => child.stdout!.on('data', (d: Buffer) => /port (\d+)/.test(String(d)) && resolve(/port (\d+)/.exec(String(d))![1])));
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid!, stop: () => void child.kill() };
}

async function measureBare(mode: 'each' | 'group', body: string) {
  const bare = await durableBare(mode);
  try {
    return load(bare.url, {}, body);
  } finally {
    bare.stop();
  }
}

// BENCH_PROFILE=DIR writes CPU profiles of the Gust processes there (node --cpu-prof); BENCH_NODE_ARGS adds node flags.
const nodeArgs = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
const ROLE = 'arn:aws:iam::000000000000:role/b';
const headers = { 'x-amz-invocation-type': 'Event', 'content-type': 'application/json' };
const signedFor = (gust: GustProcess, url: string, body: string) => ({ ...headers, ...signRequest({ method: 'POST', url, headers, body, ...gust.credentials, region: gust.region, service: 'lambda' }) });

async function queueDepth(gust: GustProcess) {
  const url = `${gust.url}/gust/metrics`;
  const text = await (await fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: gust.region, service: 'lambda' }) })).text();
  return Number(/^gust_async_queue_depth (\d+)/m.exec(text)?.[1] ?? NaN);
}

/** Accepting while nothing drains: the worker runs one event at a time, and that one sleeps through the run. */
async function acceptPaused(body: string) {
  const gust = await startGust({ args: ['--keep-alive', '600', '--async-parallelism', '1'], nodeArgs });
  pin(gust.pid, 0);
  try {
    await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: 'async-sleep', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Timeout: 900, Code: { ZipFile: await fixtureZip('node-sleep') } }));
    const url = `${gust.url}/2015-03-31/functions/async-sleep/invocations`;
    return load(url, signedFor(gust, url, body), body, gust.pid);
  } finally {
    // The sleeping event holds a graceful stop for up to a minute: only a profile is worth it.
    await (process.env.BENCH_PROFILE ? gust.stop() : gust.kill9());
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN);

/** Accepting while the worker drains into a hello function; then accept → start from the trace spans. */
async function acceptDraining(body: string) {
  const receiver = await startOtlpReceiver();
  const gust = await startGust({ args: ['--keep-alive', '600', '--otlp-endpoint', receiver.url], nodeArgs });
  pin(gust.pid, 0);
  try {
    const name = 'async-hello';
    await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: await fixtureZip('bench-hello') } }));
    // BENCH_RESERVED=N caps the function's instances.
    if (process.env.BENCH_RESERVED) await lambdaClient(gust).send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: Number(process.env.BENCH_RESERVED) }));
    const url = `${gust.url}/2015-03-31/functions/${name}/invocations`;
    const result = load(url, signedFor(gust, url, body), body, gust.pid);
    const drainStart = performance.now();
    const cpuAtEnd = cpuMs(gust.pid);
    const queuedAtEnd = await queueDepth(gust);
    for (let left = queuedAtEnd; left > 0; left = await queueDepth(gust)) await new Promise((r) => setTimeout(r, 250));
    const drainS = (performance.now() - drainStart) / 1000;
    const cpuPerThousandRun = ((cpuMs(gust.pid) - cpuAtEnd) / queuedAtEnd) * 1000;
    // Then an offered rate the worker keeps up with: the wait the queue itself adds, without a backlog.
    const pacedFrom = Date.now();
    const paced = load(url, signedFor(gust, url, body), body, undefined, { perSecond: PACED_RATE, seconds: 5 });
    await gust.stop(); // flushes the spans still waiting to be exported
    const waitsOf = (from: number, to: number) =>
      receiver.spans
        .filter((s) => s.name === 'queue' && Number(BigInt(s.startTimeUnixNano) / 1_000_000n) >= from && Number(BigInt(s.startTimeUnixNano) / 1_000_000n) < to)
        .map((s) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6)
        .sort((a, b) => a - b);
    return { ...result, queuedAtEnd, drainS, cpuPerThousandRun, waits: waitsOf(0, pacedFrom), paced: { ...paced, waits: waitsOf(pacedFrom, Infinity) } };
  } finally {
    await gust.kill9().catch(() => {});
    await receiver.close();
  }
}

const body = '{"hello":"world"}';
console.log(`# durable async accept (${new Date().toISOString()}, node ${process.version}, c=${CONNECTIONS}, ${SECONDS} s per figure, load ${load1()})`);
// BENCH_ONLY=paused or draining skips the other Gust figure (for profiling one of them).
const only = process.env.BENCH_ONLY;
const each = await measureBare('each', body);
const group = await measureBare('group', body);
const skipped: Result = { perSecond: NaN, p50: NaN, p99: NaN, non2xx: NaN, total: NaN };
const paused = only === 'draining' ? skipped : await acceptPaused(body);
const draining = only === 'paused' ? { ...skipped, queuedAtEnd: NaN, drainS: NaN, cpuPerThousandRun: NaN, waits: [], paced: { ...skipped, waits: [] } } : await acceptDraining(body);

const row = (label: string, r: Result) =>
  `| ${label} | ${r.perSecond.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${r.cpuPerThousand === undefined ? '' : `${r.cpuPerThousand.toFixed(0)} ms`} | ${r.non2xx} |`;
console.log('\n| server | accepted/s | 202 p50 | 202 p99 | server CPU per 1,000 accepted | errors |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(row("bare node:http, one fsync'ed SQLite insert per request", each));
console.log(row('bare node:http, group commit (one fsync per event-loop turn)', group));
console.log(row('Gust Invoke Event (SigV4), nothing draining', paused));
console.log(row('Gust Invoke Event (SigV4), worker draining into hello', draining));
const w = draining.waits;
console.log(`\nGust, nothing draining: ${((paused.perSecond / each.perSecond) * 100).toFixed(0)} % of the fsync-per-request baseline, ${((paused.perSecond / group.perSecond) * 100).toFixed(0)} % of the group-commit one.`);
console.log(`Gust, draining: ${draining.queuedAtEnd} events still queued when the load stopped, all run ${draining.drainS.toFixed(1)} s later; Gust's own CPU per 1,000 events run then: ${draining.cpuPerThousandRun.toFixed(0)} ms (the function instances' not counted).`);
// The queue phase of an event's trace: from its acceptance (just before the commit its 202 waits for) to its hand-over to an instance.
const pw = draining.paced.waits;
console.log(`accept → start, under the full load (a backlog builds): ${w.length} of ${draining.total} events traced, p50 ${percentile(w, 50).toFixed(0)} ms, p99 ${percentile(w, 99).toFixed(0)} ms.`);
console.log(`accept → start at ${PACED_RATE} events/s offered (202 p50 ${draining.paced.p50} ms, p99 ${draining.paced.p99} ms): ${pw.length} of ${draining.paced.total} traced, p50 ${percentile(pw, 50).toFixed(1)} ms, p99 ${percentile(pw, 99).toFixed(1)} ms.`);
console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
