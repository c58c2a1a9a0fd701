// `node --import tsx bench/gateway-concurrency.ts`: an HTTP gateway route (hello world) at c=1,
// c=10 and c=50 (BENCH_CONCURRENCY), Gust and its instances pinned to CPU 0 and autocannon to
// CPU 1 as in bench:peers, with the CPU each request cost (Gust + instances, from /proc) and how
// many instances served. Issue 12, goal 7: c=50 must not fall to a tenth of c=1's throughput.
// Prints figures; never fails on a timing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { signRequest } from '../src/api/sigv4.js';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '1,10,50').split(',').map(Number);
const AUTOCANNON = path.resolve('node_modules/autocannon/autocannon.js');
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** Every process below `root`, with its command name. */
function descendantsOf(root: number): { pid: number; comm: string }[] {
  const parent = new Map<number, { ppid: number; comm: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      /* gone */
    }
  }
  const found: { pid: number; comm: string }[] = [];
  for (const [pid, { comm }] of parent) {
    for (let p = parent.get(pid)?.ppid; p !== undefined && p > 1; p = parent.get(p)?.ppid) {
      if (p === root) {
        found.push({ pid, comm });
        break;
      }
    }
  }
  return found;
}

function autocannon(url: string, connections: number, seconds: number) {
  const out = execFileSync('taskset', ['-c', '1', process.execPath, AUTOCANNON, '-j', '-c', String(connections), '-d', String(seconds), url], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(String(out));
}

const gust = await startGust({ args: ['--keep-alive', '600'] });
execFileSync('taskset', ['-a', '-p', '-c', '0', String(gust.pid)], { stdio: 'ignore' });
try {
  const name = 'gateway-hello';
  await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip('bench-hello') } }));
  const routesUrl = `${gust.url}/gust/routes`;
  const body = JSON.stringify({ method: 'GET', path: '/hello', function: name });
  const route = await fetch(routesUrl, { method: 'POST', body, headers: signRequest({ method: 'POST', url: routesUrl, headers: {}, body, ...gust.credentials, region: gust.region, service: 'lambda' }) });
  if (!route.ok) throw new Error(`route: ${route.status} ${await route.text()}`);
  const url = `${gust.url}/hello`;
  console.log(`# HTTP gateway route by concurrency (${new Date().toISOString()}, node ${process.version}, ${SECONDS} s per figure, Gust and instances on CPU 0, autocannon on CPU 1, load ${os.loadavg()[0].toFixed(1)})`);
  console.log('| c | req/s | p50 ms | p99 ms | CPU per request (Gust + instances) | runtime processes | non-2xx/errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  let first = 0;
  for (const c of LEVELS) {
    autocannon(url, c, 2); // warm-up: the instances this concurrency calls for, JIT warm
    const procs = descendantsOf(gust.pid);
    const cpu = () => cpuOf(gust.pid) + procs.reduce((s, p) => s + cpuOf(p.pid), 0);
    const before = cpu();
    const r = autocannon(url, c, SECONDS);
    const after = descendantsOf(gust.pid);
    const perRequest = (cpu() - before) / r.requests.total;
    first ||= r.requests.average;
    const runtimes = after.filter((p) => p.comm === 'node').length;
    console.log(`| ${c} | ${r.requests.average.toFixed(0)} (${((r.requests.average / first) * 100).toFixed(0)} % of c=${LEVELS[0]}) | ${r.latency.p50} | ${r.latency.p99} | ${perRequest.toFixed(0)} µs | ${runtimes} | ${r.non2xx}/${r.errors} |`);
  }
} finally {
  await gust.stop();
}
