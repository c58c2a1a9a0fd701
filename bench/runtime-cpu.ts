// `node --import tsx bench/runtime-cpu.ts`: the CPU Gust's own runtime clients (Node, Python)
// spend per warm invocation, measured on one runtime process outside Gust and its sandbox: this
// bench plays Gust's side of the runtime channel (one invocation frame, wait for the response and
// the next `next`), back to back, and reads the runtime's user + system time from /proc. Nothing
// else wakes the runtime, so the figure barely moves with the machine's load.
// BENCH_RUNTIME=node|python (both by default); BENCH_PROFILE=1 runs the Node runtime under
// --cpu-prof and prints its self time by function. Prints figures; never fails on a timing.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { encodeInvocation, FrameDecoder, FrameType } from '../src/invoke/runtime-frames.js';
import { RuntimeCatalog } from '../src/invoke/runtime-catalog.js';

const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 20000);
const WARMUP = 5000;
const PROFILE = process.env.BENCH_PROFILE === '1';
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const RUNTIMES = (process.env.BENCH_RUNTIME ?? 'node,python').split(',');

function cpuOf(pid: number): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * TICK_US, system: Number(fields[12]) * TICK_US };
}

function taskDir(runtime: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-runtime-cpu-'));
  if (runtime === 'node') fs.writeFileSync(path.join(dir, 'index.mjs'), "export const handler = async () => ({ hello: 'world', pid: 12345 });\n");
  else fs.writeFileSync(path.join(dir, 'index.py'), "def handler(event, context):\n    return {'hello': 'world', 'pid': 12345}\n");
  return dir;
}

async function measure(runtime: string, profileDir: string) {
  const dir = taskDir(runtime);
  const root = path.resolve('src/runtimes');
  const python = runtime === 'python' ? new RuntimeCatalog(os.tmpdir()).interpreter('python3.11') : undefined;
  const cmd = runtime === 'node' ? [process.execPath, ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), path.join(root, 'node/bootstrap.mjs')] : [python!.executable, '-S', path.join(root, 'python/bootstrap.py')];
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    GUST_RUNTIME_FD: '5',
    LAMBDA_TASK_ROOT: dir,
    _HANDLER: 'index.handler',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
    AWS_LAMBDA_LOG_STREAM_NAME: 'stream',
    PYTHONPATH: dir,
    PYTHONDONTWRITEBYTECODE: '1',
  };
  // Descriptor 5 is a socket pair, as the sandbox driver hands it down.
  const child = spawn(cmd[0], cmd.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'pipe'] });
  const channel = child.stdio[5] as Duplex;
  let output = 0;
  child.stdout!.on('data', (d: Buffer) => (output += d.length));
  let closing = false; // the runtime says it lost its channel when the bench closes it
  child.stderr!.on('data', (d: Buffer) => closing || process.stderr.write(d));
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20, onOversized: () => {} });
  const payload = Buffer.from('{}');
  let sent = 0;
  let answered = 0;
  let resolveRun: () => void = () => {};
  let target = 0;
  const sendOne = () => channel.write(encodeInvocation({ requestId: `req-${++sent}`, deadlineMs: Date.now() + 3000, arn: 'arn:aws:lambda:us-east-1:000000000000:function:bench', traceId: 'Root=1-00000000-000000000000000000000000', payload }));
  channel.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      if (frame.type === FrameType.response) answered++;
      else if (frame.type === FrameType.next) {
        if (answered < target) sendOne();
        else resolveRun();
      } else throw new Error(`frame ${frame.type}: ${frame.fields.map(String).join(' | ')}`);
    }
  });
  const run = (n: number) =>
    new Promise<void>((resolve) => {
      target = answered + n;
      resolveRun = resolve;
      sendOne();
    });
  // The first `next` ends init.
  await new Promise<void>((resolve) => (resolveRun = resolve));
  await run(WARMUP);
  const before = cpuOf(child.pid!);
  const started = performance.now();
  await run(INVOCATIONS);
  const seconds = (performance.now() - started) / 1000;
  const after = cpuOf(child.pid!);
  const user = (after.user - before.user) / INVOCATIONS;
  const system = (after.system - before.system) / INVOCATIONS;
  console.log(`${runtime.padEnd(7)} ${(user + system).toFixed(1).padStart(7)} µs per invocation (user ${user.toFixed(1)}, kernel ${system.toFixed(1)}), ${(INVOCATIONS / seconds).toFixed(0)} invocations/s one at a time, ${output} bytes of output`);
  // Closing the channel ends the runtime (exit 1), which lets --cpu-prof write its profile.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  closing = true;
  channel.destroy();
  await exited;
  fs.rmSync(dir, { recursive: true, force: true });
}

function printProfile(profileDir: string) {
  const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return console.log('(no profile written: the runtime was killed before it could)');
  const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8'));
  const nodes = new Map<number, { callFrame: { url: string; functionName: string; lineNumber: number } }>(profile.nodes.map((n: { id: number }) => [n.id, n]));
  const byFunction = new Map<string, number>();
  profile.samples.forEach((id: number, i: number) => {
    const f = nodes.get(id)!.callFrame;
    const where = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  byFunction.delete('(idle) :0');
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  console.log('\nNode runtime, self time by function (whole run):');
  for (const [where, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((us / total) * 100).toFixed(1).padStart(6)} %  ${where}`);
}

console.log(`# runtime clients alone (${new Date().toISOString()}, node ${process.version}, ${INVOCATIONS} invocations one at a time after ${WARMUP} to warm up; load ${os.loadavg()[0].toFixed(1)})`);
const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-runtime-prof-'));
for (const runtime of RUNTIMES) await measure(runtime, profileDir);
if (PROFILE) printProfile(profileDir);
fs.rmSync(profileDir, { recursive: true, force: true });
