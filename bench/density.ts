// `npm run bench:density`: how many instances this machine holds at once (issue 12, goal 6).
// For Node and for Python, N sync Invokes at once (BENCH_INSTANCES, default 1000) of a handler
// that first waits for the bench's release (given once all N instances are live, so that the
// ramp's length does not matter) and then sleeps BENCH_HOLD_MS (30 s): each call holds its own
// instance. Prints the errors, the peak of live instances and the time to reach N, then, once the calls are answered and the
// instances idle (parked and frozen), memory per instance as USS (private pages) and PSS from
// /proc/PID/smaps_rollup, never RSS (which counts the shared interpreter once per process), and
// Gust's own RSS. Baseline in the same run: one bare interpreter process idling, measured alike.
// Unpinned (the instances need both cores to start); prints figures, never fails on a timing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateFunctionCommand, DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { zipDirectory } from '../src/cli/zip-directory.js';
import { startGust } from '../test/helpers/gust-process.js';
import { health } from '../test/helpers/health.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const N = Number(process.env.BENCH_INSTANCES ?? 1000);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 30_000);
const RUNTIMES = (process.env.BENCH_RUNTIMES ?? 'nodejs20.x,python3.11').split(',');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
/** Released anyway when the count of live instances has not grown for this long (a start failed). */
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 60_000);

/** Handlers hold a connection to it open; release() closes them all. */
async function releaseServer() {
  const waiting: net.Socket[] = [];
  let released = false;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    if (released) socket.end('go');
    else waiting.push(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    release() {
      released = true;
      for (const socket of waiting.splice(0)) socket.end('go');
    },
    close: () => server.close(),
  };
}

interface Memory {
  uss: number;
  pss: number;
  rss: number;
}

/** USS, PSS and RSS of one process, in bytes (0 for one that is gone). */
function memoryOf(pid: number): Memory {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { uss: kb('Private_Clean') + kb('Private_Dirty'), pss: kb('Pss'), rss: kb('Rss') };
  } catch {
    return { uss: 0, pss: 0, rss: 0 };
  }
}

/** Every process below `root`, with its command name. */
function descendants(root: number): Array<{ pid: number; comm: string }> {
  const children = new Map<number, number[]>();
  const comm = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      comm.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: Array<{ pid: number; comm: string }> = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push({ pid: child, comm: comm.get(child) ?? '?' });
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Memory of Gust's children, split into the runtimes and the processes around them (bwrap, guardians). */
function instanceMemory(gustPid: number) {
  const sum = (list: Array<{ pid: number }>) => list.map((p) => memoryOf(p.pid)).reduce((a, m) => ({ uss: a.uss + m.uss, pss: a.pss + m.pss, rss: a.rss + m.rss }), { uss: 0, pss: 0, rss: 0 });
  const all = descendants(gustPid);
  const runtimes = all.filter((p) => p.comm === 'node' || p.comm.startsWith('python'));
  const helpers = all.filter((p) => !runtimes.includes(p));
  return { processes: all.length, runtimes: runtimes.length, runtime: sum(runtimes), helpers: sum(helpers) };
}

const perInstance = (m: Memory, n: number) => `USS ${(m.uss / n / MB).toFixed(2)} MB, PSS ${(m.pss / n / MB).toFixed(2)} MB (RSS ${(m.rss / n / MB).toFixed(1)} MB)`;
const gustRss = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const openFiles = (pid: number) => fs.readdirSync(`/proc/${pid}/fd`).length;
const memAvailable = () => Number(/^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;

/** One bare interpreter idling (as a parked runtime does), measured like the instances. */
async function bareIdle(cmd: string[]): Promise<Memory> {
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: '/usr/bin:/bin' } });
  await new Promise((r) => setTimeout(r, 1000));
  const m = memoryOf(child.pid!);
  child.kill();
  return m;
}

const python = String(execFileSync('python3', ['-c', 'import sys; print(sys.executable)'])).trim();
console.log(`# density: ${N} instances per runtime, handler holding ${HOLD_MS / 1000} s (${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${(memAvailable() / 2 ** 30).toFixed(1)} GiB available, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);

// Lambda's default account concurrency (1000) would be the first wall: the bench asks for N.
const gust = await startGust({ args: ['--no-auth', '--keep-alive', '3600', '--concurrency-limit', String(N + 10), '--max-connections-per-client', String(N + 100), '--max-connections', String(N + 200)] });
const lambda = lambdaClient(gust);
const baseRss = gustRss(gust.pid);
try {
  for (const runtime of RUNTIMES) {
    const python3 = runtime.startsWith('python');
    const name = `density-${python3 ? 'python' : 'node'}`;
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime, Handler: python3 ? 'app.handler' : 'index.handler', Role: 'arn:aws:iam::000000000000:role/b', MemorySize: 128, Timeout: 900, Code: { ZipFile: await zipDirectory(path.join(HERE, 'functions', name)) } }));
    const agent = new http.Agent({ keepAlive: false, maxSockets: N });
    const url = `${gust.url}/2015-03-31/functions/${name}/invocations`;
    let errors = 0;
    const firstErrors: string[] = [];
    const gate = await releaseServer();
    const started = performance.now();
    const calls = Array.from(
      { length: N },
      () =>
        new Promise<void>((resolve) => {
          const req = http.request(url, { method: 'POST', agent }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              if (res.statusCode !== 200 || res.headers['x-amz-function-error']) (errors++, firstErrors.length < 3 && firstErrors.push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`));
              resolve();
            });
          });
          req.on('error', (err) => (errors++, firstErrors.length < 3 && firstErrors.push(err.message), resolve()));
          req.end(JSON.stringify({ ms: HOLD_MS, releasePort: gate.port }));
        }),
    );
    const allDone = Promise.all(calls);
    let finished = false;
    void allDone.then(() => (finished = true));
    let peak = 0;
    let reachedMs: number | null = null;
    let busyMemory: ReturnType<typeof instanceMemory> | null = null;
    let grewAt = performance.now();
    let releasedAt: number | null = null;
    while (!finished) {
      const live = (await health(gust)).instances[name] ?? 0;
      if (live > peak) (peak = live), (grewAt = performance.now());
      if (live >= N && reachedMs === null) {
        reachedMs = performance.now() - started;
        busyMemory = instanceMemory(gust.pid);
      }
      if (releasedAt === null && (reachedMs !== null || performance.now() - grewAt > STALL_MS)) {
        gate.release();
        releasedAt = performance.now();
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    gate.close();
    await allDone;
    const answeredAt = performance.now();
    // Idle now: parked on /next, frozen after a moment.
    await new Promise((r) => setTimeout(r, 2000));
    const idle = instanceMemory(gust.pid);
    const bare = await bareIdle(python3 ? [python, '-S', '-c', 'import sys; sys.stdin.read()'] : [process.execPath, '-e', 'process.stdin.resume()']);
    console.log(`${runtime}`);
    console.log(`  calls ${N}, errors ${errors}${firstErrors.length ? ` (${firstErrors.join(' | ')})` : ''}, peak live instances ${peak}, ${reachedMs === null ? `never all ${N} at once` : `all ${N} live after ${(reachedMs / 1000).toFixed(1)} s`}, all answered ${((answeredAt - (releasedAt ?? answeredAt)) / 1000).toFixed(1)} s after the release`);
    if (busyMemory) console.log(`  all ${N} live (handlers waiting): per instance runtime ${perInstance(busyMemory.runtime, busyMemory.runtimes)}; helpers ${perInstance(busyMemory.helpers, busyMemory.runtimes)}`);
    console.log(`  idle after the calls (${idle.runtimes} instances, ${idle.processes} processes): per instance runtime ${perInstance(idle.runtime, idle.runtimes)}; bwrap and helpers ${perInstance(idle.helpers, idle.runtimes)}`);
    console.log(`  baseline, one bare ${path.basename(python3 ? python : process.execPath)} idling: ${perInstance(bare, 1)}`);
    console.log(`  Gust: RSS ${(gustRss(gust.pid) / MB).toFixed(0)} MB (${(baseRss / MB).toFixed(0)} MB before), ${openFiles(gust.pid)} open files; machine: ${(memAvailable() / 2 ** 30).toFixed(1)} GiB available, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    agent.destroy();
    // Its instances go with the function, before the next runtime's ramp.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    while (((await health(gust)).instances[name] ?? 0) > 0) await new Promise((r) => setTimeout(r, 500));
  }
} finally {
  await gust.stop();
}
