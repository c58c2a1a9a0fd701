// Misbehaving functions: each fails the way it fails on Lambda, is contained, and the next
// invocation (and every other function) keeps working.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

const create = async (name: string, fixture: string, runtime = 'nodejs20.x', extra: Record<string, unknown> = {}) =>
  lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime as never, Handler: runtime.startsWith('python') ? 'app.handler' : 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip(fixture) }, ...extra }));
const invoke = (name: string, payload: unknown = {}) =>
  lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail' }));
const tail = (res: { LogResult?: string }) => Buffer.from(res.LogResult ?? '', 'base64').toString();

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  await create('healthy', 'node-hello');
});
after(async () => gust.stop());

async function stillHealthy() {
  const res = await invoke('healthy', { name: 'ok' });
  assert.equal(decode(res.Payload).hello, 'ok');
}

test('a function past its timeout is stopped with "Task timed out"', async () => {
  await create('sleepy', 'node-sleep', 'nodejs20.x', { Timeout: 1 });
  const started = Date.now();
  const res = await invoke('sleepy', { ms: 30_000 });
  assert.ok(Date.now() - started < 5000, 'the invocation ends at its timeout');
  assert.equal(res.FunctionError, 'Unhandled');
  const body = decode(res.Payload);
  assert.equal(body.errorType, 'Sandbox.Timedout');
  assert.match(body.errorMessage, /Task timed out after 1\.00 seconds/);
  assert.match(tail(res), /Task timed out after 1\.00 seconds/);
  assert.match(tail(res), /Status: timeout/);
  const next = await invoke('sleepy', { ms: 10 });
  assert.equal(next.FunctionError, undefined, 'a fresh instance serves the next call');
  await stillHealthy();
});

test('a function over its memory size is killed as Runtime.OutOfMemory', async () => {
  await create('hungry', 'node-memory', 'nodejs20.x', { MemorySize: 128, Timeout: 30 });
  const res = await invoke('hungry', { eat: true });
  assert.equal(res.FunctionError, 'Unhandled');
  assert.equal(decode(res.Payload).errorType, 'Runtime.OutOfMemory');
  assert.match(tail(res), /Max Memory Used: 12[0-9] MB/);
  assert.deepEqual(decode((await invoke('hungry', {})).Payload), { ok: true });
  await stillHealthy();
});

test('process.exit() mid-invocation gives Runtime.ExitError, then the function works again', async () => {
  await create('quitter', 'node-exit');
  const res = await invoke('quitter', { exit: true });
  assert.equal(res.FunctionError, 'Unhandled');
  const body = decode(res.Payload);
  assert.equal(body.errorType, 'Runtime.ExitError');
  assert.match(body.errorMessage, /Runtime exited with error: exit status 3/);
  assert.deepEqual(decode((await invoke('quitter', {})).Payload), { alive: true });
});

test('sys.exit() mid-invocation in Python gives Runtime.ExitError', async () => {
  await create('py-quitter', 'python-exit', 'python3.11');
  const res = await invoke('py-quitter', { exit: true });
  assert.equal(decode(res.Payload).errorType, 'Runtime.ExitError');
  assert.deepEqual(decode((await invoke('py-quitter', {})).Payload), { alive: true });
});

test('a crash during init is reported, and retried on the next call', async () => {
  await create('broken', 'node-init-crash');
  for (let i = 0; i < 2; i++) {
    const res = await invoke('broken');
    assert.equal(res.FunctionError, 'Unhandled');
    const body = decode(res.Payload);
    assert.ok(body.errorType, 'an error type is given');
    assert.match(body.errorMessage, /broken at import/);
    assert.match(tail(res), /INIT_REPORT Init Duration: .*Status: error/);
  }
  await stillHealthy();
});

test('a handler that is not exported gives Runtime.HandlerNotFound', async () => {
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: 'nohandler', Runtime: 'nodejs20.x', Handler: 'index.nothere', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-hello') } }),
  );
  const res = await invoke('nohandler');
  assert.equal(res.FunctionError, 'Unhandled');
  assert.equal(decode(res.Payload).errorType, 'Runtime.HandlerNotFound');
  await stillHealthy();
});
