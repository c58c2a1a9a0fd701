// `npm run bench:cpu`: the CPU one warm invocation costs — Gust's process plus the function's
// processes — read from /proc (user + system time) around a fixed number of invocations sent by
// autocannon on the other CPU. CPU time, unlike req/s, barely moves when the machine is busy.
// With BENCH_PROFILE=1 Gust also runs under --cpu-prof and the breakdown by module is printed.
// Prints figures; never fails on a timing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 20000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PROFILE = process.env.BENCH_PROFILE === '1';
/** A file to write a `perf record` of Gust and its instances to, during the measured phase. */
const PERF = process.env.BENCH_PERF;
const AUTOCANNON = path.resolve('node_modules/autocannon/autocannon.js');
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** User and system CPU of a process, in µs. */
function cpuSplitOf(pid: number): { user: number; system: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * TICK_US, system: Number(fields[12]) * TICK_US };
  } catch {
    return { user: 0, system: 0 }; // it exited
  }
}
const cpuOf = (pid: number) => {
  const { user, system } = cpuSplitOf(pid);
  return user + system;
};
const systemOf = (pids: number[]) => pids.reduce((s, p) => s + cpuSplitOf(p).system, 0);

function descendantsOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const found: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

function drive(url: string, amount: number, what: string) {
  const out = execFileSync('taskset', ['-c', '1', process.execPath, AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-a', String(amount), '-m', 'POST', '-b', '{}', url], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const r = JSON.parse(String(out));
  if (r.non2xx > 0 || r.errors > 0) console.log(`(${what}: ${r.non2xx} non-2xx answers, ${r.errors} errors or timeouts)`);
  return r;
}

const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-cpu-prof-'));
const gust = await startGust({ args: ['--keep-alive', '600', '--no-auth'], nodeArgs: [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(PERF ? ['--perf-basic-prof-only-functions'] : [])] });
execFileSync('taskset', ['-a', '-p', '-c', '0', String(gust.pid)], { stdio: 'ignore' });
try {
  await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: 'cpu-hello', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip('bench-hello') } }));
  const url = `${gust.url}/2015-03-31/functions/cpu-hello/invocations`;
  drive(url, 2000, 'warm-up'); // every instance started and warm
  const instances = descendantsOf(gust.pid);
  const before = { gust: cpuOf(gust.pid), fn: instances.reduce((s, p) => s + cpuOf(p), 0), gustSys: systemOf([gust.pid]), fnSys: systemOf(instances) };
  const perf = PERF ? spawn('perf', ['record', '-q', '-F', '4999', '-g', '-o', PERF, '-p', [gust.pid, ...instances].join(',')], { stdio: 'ignore' }) : undefined;
  const started = performance.now();
  const r = drive(url, INVOCATIONS, 'measured');
  const seconds = (performance.now() - started) / 1000;
  if (perf) {
    perf.kill('SIGINT');
    await new Promise((resolve) => perf.once('exit', resolve));
  }
  const gustSysUs = (systemOf([gust.pid]) - before.gustSys) / INVOCATIONS;
  const fnSysUs = (systemOf(instances) - before.fnSys) / INVOCATIONS;
  const gustUs = (cpuOf(gust.pid) - before.gust) / INVOCATIONS;
  const fnUs = (instances.reduce((s, p) => s + cpuOf(p), 0) - before.fn) / INVOCATIONS;
  console.log(`# CPU per warm invocation (${new Date().toISOString()}, node ${process.version}, ${INVOCATIONS} invocations at c=${CONNECTIONS}, --no-auth, Gust and its ${instances.length} instance processes on CPU 0)`);
  console.log(`gust process:       ${gustUs.toFixed(0)} µs (${gustSysUs.toFixed(0)} µs in the kernel)`);
  console.log(`function processes: ${fnUs.toFixed(0)} µs (${fnSysUs.toFixed(0)} µs in the kernel)`);
  console.log(`total:              ${(gustUs + fnUs).toFixed(0)} µs per invocation (target ≤ 100 µs)`);
  console.log(`throughput:         ${(INVOCATIONS / seconds).toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
} finally {
  await gust.stop();
}

if (PROFILE) {
  // Self time by module, from the profile Gust wrote on exit (the whole run, start-up included).
  const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8'));
  const nodes = new Map<number, { callFrame: { url: string; functionName: string } }>(profile.nodes.map((n: { id: number }) => [n.id, n]));
  const bySource = new Map<string, number>();
  profile.samples.forEach((id: number, i: number) => {
    const frame = nodes.get(id)!.callFrame;
    const where = frame.url ? frame.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^node:/, 'node:') : `(${frame.functionName || 'native'})`;
    bySource.set(where, (bySource.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  bySource.delete('((idle))');
  const total = [...bySource.values()].reduce((a, b) => a + b, 0);
  console.log('\nGust CPU by source (self time, whole run):');
  for (const [where, us] of [...bySource].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((us / total) * 100).toFixed(1).padStart(6)} %  ${where}`);
}
fs.rmSync(profileDir, { recursive: true, force: true });
