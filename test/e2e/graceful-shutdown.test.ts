// SIGTERM and SIGINT drain Gust as a process supervisor expects: no new connection is accepted,
// the invocations in flight (sync and async) finish and their clients get their results, the
// telemetry is written, and the process exits 0; within a bound, and at once on a second signal.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { HoldPoint } from '../helpers/hold-point.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.kill9().catch(() => {});
});

async function gustWithHold(args: string[], dataDir?: string) {
  const gust = await startGust({ args, dataDir });
  running.push(gust);
  const lambda = lambdaClient(gust);
  if (!dataDir) {
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: 'hold', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Timeout: 300, Code: { ZipFile: await fixtureZip('node-hold') } }),
    );
  }
  return { gust, lambda };
}

const invokeHeld = (lambda: LambdaClient, port: number, tag: string, type: 'RequestResponse' | 'Event' = 'RequestResponse') =>
  lambda.send(new InvokeCommand({ FunctionName: 'hold', InvocationType: type, Payload: Buffer.from(JSON.stringify({ port, tag })) }));

/** Resolves once the server's port refuses connections (it stopped listening). */
async function refusesConnections(url: string) {
  const { port, hostname } = new URL(url);
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function usageOf(gust: GustProcess, fn: string) {
  const url = `${gust.url}/gust/usage?function=${fn}`;
  const res = await fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: gust.region, service: 'lambda' }) });
  return (await res.json()).functions[0];
}

test('SIGTERM drains: the invocations in flight finish and answer, new connections are refused, the process exits 0', async () => {
  const hold = new HoldPoint();
  const port = await hold.listen();
  const { gust, lambda } = await gustWithHold(['--shutdown-timeout', '120']);
  const sync = invokeHeld(lambda, port, 'sync');
  const syncStarted = await hold.started();
  assert.equal((await invokeHeld(lambda, port, 'async', 'Event')).StatusCode, 202);
  const asyncStarted = await hold.started();

  let exited = false;
  const ended = gust.signal('SIGTERM').finally(() => (exited = true));
  await refusesConnections(gust.url);
  assert.equal(exited, false, 'Gust waits for the invocations in flight');

  syncStarted.end('go\n');
  asyncStarted.end('go\n');
  const result = await sync;
  assert.equal(result.FunctionError, undefined);
  assert.deepEqual(decode(result.Payload), { released: 'go', tag: 'sync' });
  assert.deepEqual(await ended, { code: 0, signal: null });
  assert.match(gust.output(), /SIGTERM: draining/);
  assert.match(gust.output(), /Gust stopped/);
  hold.close();

  // Both runs were metered before the exit, and the async event finished: nothing runs again.
  const again = await startGust({ dataDir: gust.dataDir });
  running.push(again);
  assert.equal((await usageOf(again, 'hold'))?.requests, 2);
  assert.doesNotMatch(again.output(), /were running when Gust stopped/);
  assert.deepEqual(await again.signal('SIGTERM'), { code: 0, signal: null });
});

test('the drain is bounded: what is still running after --shutdown-timeout is stopped, and Gust exits 0', async () => {
  const hold = new HoldPoint();
  const port = await hold.listen();
  const { gust, lambda } = await gustWithHold(['--shutdown-timeout', '1']);
  const sync = invokeHeld(lambda, port, 'never released').catch((err: Error) => err);
  await hold.started();
  assert.deepEqual(await gust.signal('SIGTERM'), { code: 0, signal: null });
  assert.ok((await sync) instanceof Error, 'the client of the cut invocation gets an error, not a hang');
  assert.match(gust.output(), /1 request\(s\) still in flight after 1 s; stopping them/);
  hold.close();
});

test('a second SIGINT stops what still runs at once', async () => {
  const hold = new HoldPoint();
  const port = await hold.listen();
  const { gust, lambda } = await gustWithHold(['--shutdown-timeout', '600']);
  const sync = invokeHeld(lambda, port, 'interrupted').catch((err: Error) => err);
  await hold.started();
  const ended = gust.signal('SIGINT');
  await refusesConnections(gust.url);
  assert.deepEqual(await gust.signal('SIGINT'), { code: 0, signal: null });
  assert.deepEqual(await ended, { code: 0, signal: null });
  assert.ok((await sync) instanceof Error);
  assert.match(gust.output(), /SIGINT again: stopping what still runs/);
  hold.close();
});
