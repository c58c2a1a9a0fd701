// Idle instances are frozen (cgroup freezer), as on Lambda: work a function leaves running after
// its response makes no progress while the instance is idle, and resumes on the next invocation.
// A frozen instance is still killed at keep-alive expiry, at shutdown, and when Gust is killed -9.
// The test reads the sandbox's private /tmp through /proc/<pid>/root (it runs as root, as Gust).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { health } from '../helpers/health.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.stop().catch(() => {});
});

async function withFunctions(args: string[], names: string[]) {
  const gust = await startGust({ args });
  running.push(gust);
  const lambda = lambdaClient(gust);
  const zip = await fixtureZip('node-background');
  for (const name of names) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: zip } }));
  }
  return { gust, lambda };
}

const invoke = async (lambda: LambdaClient, name: string, event: object = {}) => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
  assert.equal(res.FunctionError, undefined, Buffer.from(res.Payload ?? []).toString());
  return decode(res.Payload) as { file: string; ticks: number };
};

/** The host pid of the function process that writes /tmp/<file> in its own sandbox. */
function pidWriting(file: string): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && fs.existsSync(`/proc/${entry}/root/tmp/${file}`)) return Number(entry);
  }
  throw new Error(`no process writes /tmp/${file}`);
}

const ticksOf = (pid: number, file: string) => Number(fs.readFileSync(`/proc/${pid}/root/tmp/${file}`, 'utf8'));

/** Whether the cgroup freezer reports the process's group as completely frozen (v1 or v2). */
function frozen(pid: number): boolean {
  const lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => l.split(':')[1] === 'freezer');
  if (v1) return fs.readFileSync(`/sys/fs/cgroup/freezer${v1.split(':')[2]}/freezer.state`, 'utf8').trim() === 'FROZEN';
  const v2 = lines.find((l) => l.startsWith('0::'))!;
  return /^frozen 1$/m.test(fs.readFileSync(`/sys/fs/cgroup${v2.slice(3)}/cgroup.events`, 'utf8'));
}

/** Polls `check` until it holds; the deadline only keeps a broken build from hanging. */
async function until(what: string, check: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const gone = (pid: number) => !fs.existsSync(`/proc/${pid}`);

test('a timer left running after the response makes no progress while idle, and resumes on the next invoke', async () => {
  const { lambda } = await withFunctions([], ['idler', 'witness']);
  const { file } = await invoke(lambda, 'idler');
  const pid = pidWriting(file);
  await until('the idle instance is frozen', () => frozen(pid));
  const before = ticksOf(pid, file);

  // The witness, busy meanwhile, runs the same 2 ms timer: wait until it has ticked 200 times.
  // An idle instance that were not frozen would have ticked about as often in that time.
  const witness = await invoke(lambda, 'witness', { untilTicks: 200 });
  assert.ok(witness.ticks >= 200);
  assert.equal(ticksOf(pid, file), before, 'the idle instance made no progress');
  assert.ok(frozen(pid), 'and is still frozen');

  const resumed = await invoke(lambda, 'idler', { untilTicks: before + 50 });
  assert.equal(resumed.file, file, 'the same instance served the next invocation');
  assert.ok(resumed.ticks >= before + 50, 'its timer runs again once thawed');
  assert.equal(pidWriting(file), pid);
});

test('a frozen instance is killed when its keep-alive expires', async () => {
  const { gust, lambda } = await withFunctions(['--keep-alive', '1'], ['idler']);
  const { file } = await invoke(lambda, 'idler');
  const pid = pidWriting(file);
  await until('the idle instance is frozen', () => frozen(pid));
  await until('the frozen instance is gone after its keep-alive', () => gone(pid));
  assert.equal((await health(gust)).instances.idler, undefined);
});

test('frozen instances are killed when Gust stops, and when Gust is killed -9', async () => {
  for (const stop of ['stop', 'kill9'] as const) {
    const { gust, lambda } = await withFunctions([], ['idler']);
    const { file } = await invoke(lambda, 'idler');
    const pid = pidWriting(file);
    await until('the idle instance is frozen', () => frozen(pid));
    await gust[stop]();
    await until(`the frozen instance is gone after ${stop}`, () => gone(pid));
  }
});
