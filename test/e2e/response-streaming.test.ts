// Response streaming end to end: InvokeWithResponseStream through @aws-sdk/client-lambda and a
// function URL with InvokeMode RESPONSE_STREAM through fetch. The streaming fixture writes a
// first chunk and then waits for the test to open a gate (a local HTTP server) before it writes
// the rest, so a first chunk that arrives at all arrived before the handler finished.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import {
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  type InvokeWithResponseStreamResponseEvent,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';

const role = 'arn:aws:iam::000000000000:role/x';
let gust: GustProcess;
let lambda: LambdaClient;
let gate: http.Server;
let gateUrl: string;
/** Requests the function made to the gate, answered only when the test opens it. */
const waiting: http.ServerResponse[] = [];
let gateCalled: () => void = () => {};
const openGate = () => waiting.splice(0).forEach((res) => res.end('open'));

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  gate = http.createServer((_req, res) => {
    waiting.push(res);
    gateCalled();
  });
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', () => resolve()));
  gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/`;
  for (const [name, fixture] of [['streamer', 'node-streaming'], ['plain', 'node-hello']]) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Timeout: 10, Code: { ZipFile: await fixtureZip(fixture) } }));
  }
});
after(async () => {
  openGate();
  gate.close();
  await gust.stop();
});

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

test('InvokeWithResponseStream: the first chunk reaches the client while the handler is still running', async () => {
  const atGate = new Promise<void>((resolve) => (gateCalled = resolve));
  const res = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from(JSON.stringify({ gate: gateUrl })), LogType: 'Tail' }));
  assert.equal(res.StatusCode, 200);
  assert.equal(res.ExecutedVersion, '$LATEST');
  const events: InvokeWithResponseStreamResponseEvent[] = [];
  for await (const event of res.EventStream!) {
    events.push(event);
    // The handler is parked on the gate until the first chunk has been read here.
    if (events.length === 1) {
      assert.equal(text(event.PayloadChunk?.Payload), 'first;');
      await atGate;
      openGate();
    }
  }
  assert.deepEqual(events.slice(0, 2).map((e) => text(e.PayloadChunk?.Payload)), ['first;', 'second;']);
  const complete = events.at(-1)?.InvokeComplete;
  assert.ok(complete, 'the stream ends with InvokeComplete');
  assert.equal(complete.ErrorCode, undefined);
  assert.match(Buffer.from(complete.LogResult ?? '', 'base64').toString(), /REPORT RequestId/);
});

test('an error after the first chunk ends the stream with InvokeComplete’s ErrorCode', async () => {
  const res = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from('{"fail":true}') }));
  const events: InvokeWithResponseStreamResponseEvent[] = [];
  for await (const event of res.EventStream!) events.push(event);
  assert.equal(text(events[0].PayloadChunk?.Payload), 'first;');
  assert.deepEqual(events.at(-1)?.InvokeComplete, { ErrorCode: 'TypeError', ErrorDetails: 'broke after the first chunk' });
});

test('a function that is not streamified answers in one chunk; a streamified one still answers a buffered Invoke', async () => {
  const res = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'plain', Payload: Buffer.from('{"name":"stream"}') }));
  const chunks: string[] = [];
  for await (const event of res.EventStream!) if (event.PayloadChunk) chunks.push(text(event.PayloadChunk.Payload));
  assert.equal(chunks.length, 1);
  assert.equal(JSON.parse(chunks[0]).hello, 'stream');
  const buffered = await lambda.send(new InvokeCommand({ FunctionName: 'streamer', Payload: Buffer.from('{}') }));
  assert.equal(text(buffered.Payload), 'first;second;');
  await assert.rejects(lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') })), { name: 'ResourceNotFoundException' });
});

test('a RESPONSE_STREAM function URL sends the prelude’s status and headers, then each chunk as it is written', async () => {
  const config = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'streamer', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
  assert.equal(config.InvokeMode, 'RESPONSE_STREAM');
  const url = `${config.FunctionUrl}?http=1&gate=${encodeURIComponent(gateUrl)}`;
  const atGate = new Promise<void>((resolve) => (gateCalled = resolve));
  const res = await fetch(url);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-streamed'), 'yes');
  assert.equal(res.headers.get('content-type'), 'text/plain');
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.equal(Buffer.from(first.value!).toString(), 'first;');
  await atGate;
  openGate();
  let rest = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
  assert.equal(rest, 'second;');
  await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'plain', AuthType: 'NONE', InvokeMode: 'SOMETIMES' as 'BUFFERED' })), { name: 'ValidationException' });
});
