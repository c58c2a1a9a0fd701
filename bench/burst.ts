// `npm run bench:burst`: 0 → N concurrent synchronous Invokes of a function nobody has called
// yet (issue 12, goal 4), for Node and Python. Prints per-call latency p50/p99/max, errors, and
// how many instances the burst started (the pool starts only what the machine can take, and a
// waiting call takes whichever instance frees first). Baselines in the same run: the same N
// calls again once the function is warm, and N bare interpreter starts at once on the same CPU.
// Gust and its children on CPU 0, this load generator on CPU 1 (BENCH_PIN=0: Gust on both).
// Prints figures; never fails on a timing.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { health } from '../test/helpers/health.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 100);
const SLEEP_MS = Number(process.env.BENCH_SLEEP_MS ?? 500);
const PIN = process.env.BENCH_PIN !== '0';
const pin = (pid: number, cpu: string) => execFileSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });

interface Figures {
  p50: number;
  p99: number;
  max: number;
  errors: number;
  wallMs: number;
}

function figures(times: number[], errors: number, wallMs: number): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, errors, wallMs };
}
const show = (f: Figures) => `p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, max ${f.max.toFixed(0)} ms, all done in ${f.wallMs.toFixed(0)} ms, errors ${f.errors}`;

/** N calls at once, each on its own connection, as N clients would. */
async function burst(url: string, n: number, body = '{}'): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, () => {
      const t = performance.now();
      return new Promise<void>((resolve) => {
        const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            times.push(performance.now() - t);
            if (res.statusCode !== 200 || res.headers['x-amz-function-error']) {
              errors++;
              if (errors <= 3) console.log(`  error: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`);
            }
            resolve();
          });
        });
        req.on('error', (err) => {
          errors++;
          if (errors <= 3) console.log(`  error: ${err.message}`);
          resolve();
        });
        req.end(body);
      });
    }),
  );
  agent.destroy();
  return figures(times, errors, performance.now() - started);
}

/** N bare interpreter starts at once, with a clean environment, on the CPU Gust gets. */
async function bareStarts(cmd: string[], n: number): Promise<Figures> {
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  const taskset = PIN ? ['taskset', '-c', '0'] : [];
  const [file, ...args] = [...taskset, ...cmd];
  await Promise.all(
    Array.from({ length: n }, () => {
      const t = performance.now();
      return new Promise<void>((resolve) => {
        const child = spawn(file, args, { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' } });
        child.on('exit', (code) => {
          times.push(performance.now() - t);
          if (code !== 0) errors++;
          resolve();
        });
        child.on('error', () => (errors++, resolve()));
      });
    }),
  );
  return figures(times, errors, performance.now() - started);
}

const python = String(execFileSync('python3', ['-c', 'import sys; print(sys.executable)'])).trim();
console.log(`# burst: 0 → ${CALLS} concurrent sync Invokes of a new function (${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs, ${PIN ? 'Gust on CPU 0, load on CPU 1' : 'Gust unpinned'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
if (PIN) pin(process.pid, '1');

const gust = await startGust({ args: ['--no-auth', '--keep-alive', '600'] });
if (PIN) pin(gust.pid, '0');
const lambda = lambdaClient(gust);
try {
  // The hello functions answer at once, so a few instances serve the burst; the sleeping one
  // holds each instance SLEEP_MS, so the burst needs many and the start queue is what it meets.
  for (const [runtime, fixture, handler, bare, body] of [
    ['nodejs20.x', 'bench-hello', 'index.handler', [process.execPath, '-e', '0'], '{}'],
    ['python3.11', 'bench-hello-python', 'app.handler', [python, '-S', '-c', 'pass'], '{}'],
    ['nodejs20.x', 'node-sleep', 'index.handler', [process.execPath, '-e', '0'], JSON.stringify({ ms: SLEEP_MS })],
  ] as const) {
    const name = `burst-${fixture}`;
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime, Handler: handler, Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip(fixture) } }));
    const url = `${gust.url}/2015-03-31/functions/${name}/invocations`;
    const cold = await burst(url, CALLS, body);
    const started = (await health(gust)).instances[name] ?? 0;
    const warm = await burst(url, CALLS, body);
    const afterWarm = (await health(gust)).instances[name] ?? 0;
    const bareAll = await bareStarts([...bare], CALLS);
    const bareOne = await bareStarts([...bare], 1);
    console.log(`${runtime} (${fixture}${body === '{}' ? '' : ` ${body}`})`);
    console.log(`  new function, ${CALLS} at once : ${show(cold)}; instances started ${started}`);
    console.log(`  warm function, ${CALLS} at once: ${show(warm)}; instances now ${afterWarm}`);
    console.log(`  bare ${bare[0].split('/').pop()} ×${CALLS} at once: ${show(bareAll)}`);
    console.log(`  bare ${bare[0].split('/').pop()} ×1         : ${bareOne.max.toFixed(0)} ms`);
    console.log(`  ratio new-function p99 / bare ×${CALLS} p99: ${(cold.p99 / bareAll.p99).toFixed(2)}`);
  }
  console.log(`# load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await gust.stop();
}
