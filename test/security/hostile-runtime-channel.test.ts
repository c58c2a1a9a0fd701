// A function that misuses the runtime channel Gust's own clients speak (src/invoke/runtime-channel.ts):
// garbage frames written to it from the handler stop that instance only, never Gust or another
// function; a response over 6 MB is refused as Function.ResponseSizeTooLarge and the instance
// stays usable, as with the HTTP Runtime API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

const invoke = async (name: string, event: unknown) => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail' }));
  return { error: res.FunctionError, body: decode(res.Payload), log: Buffer.from(res.LogResult ?? '', 'base64').toString() };
};

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'hostile', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Timeout: 60, Code: { ZipFile: await fixtureZip('node-channel-hostile') } }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'bystander', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('node-hello') } }));
});
after(async () => gust.stop());

test('garbage frames on the runtime channel stop only that instance', async () => {
  const first = await invoke('hostile', {});
  assert.equal(first.error, undefined);
  const garbage = await invoke('hostile', { mode: 'garbage' });
  assert.equal(garbage.error, 'Unhandled');
  assert.equal(garbage.body.errorType, 'Runtime.ExitError');
  assert.match(garbage.log, /invalid frame/);
  const again = await invoke('hostile', {});
  assert.equal(again.error, undefined);
  assert.notEqual(again.body.instance, first.body.instance, 'a new instance took over');
  assert.equal((await invoke('bystander', { name: 'ok' })).body.hello, 'ok');
});

test('a response over 6 MB is refused and the instance keeps serving', async () => {
  const before = await invoke('hostile', {});
  const big = await invoke('hostile', { mode: 'big' });
  assert.equal(big.error, 'Unhandled');
  assert.equal(big.body.errorType, 'Function.ResponseSizeTooLarge');
  const after = await invoke('hostile', {});
  assert.equal(after.error, undefined);
  assert.equal(after.body.instance, before.body.instance, 'the same instance served the next invocation');
});
