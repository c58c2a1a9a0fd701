// An instance whose runtime is dying never gets another invocation: after an uncaught exception
// (thrown after the handler returned, or during it) or a plain throw, every following call gets a
// proper answer: the function's own error for the crashing ones, never "Runtime exited" on a
// process that was already on its way out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: 'crasher', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-crash') } }),
  );
});
after(() => gust?.stop());

const call = (crash?: string) => lambda.send(new InvokeCommand({ FunctionName: 'crasher', Payload: Buffer.from(JSON.stringify({ crash })) }));

/**
 * A call after a throw in a leftover callback gets a proper answer: its own result, or (when the
 * leftover threw only once the instance was thawed for it, as can happen on Lambda) the function's
 * own error, never "Runtime exited" from a process that was dying before the call arrived.
 */
function assertProperAnswer(res: Awaited<ReturnType<typeof call>>, what: string) {
  const text = Buffer.from(res.Payload ?? []).toString();
  assert.doesNotMatch(text, /Runtime exited|Runtime\.ExitError/, `${what} landed on a dying process: ${text}`);
  if (res.FunctionError) assert.deepEqual([decode(res.Payload).errorType, decode(res.Payload).errorMessage], ['Error', 'thrown after the handler returned'], `${what}: ${text}`);
}

test('a throw in a callback after the handler returned: 20 calls in a row all get a proper answer', async () => {
  for (let i = 0; i < 20; i++) {
    const res = await call('after');
    assertProperAnswer(res, `call ${i}`);
    if (!res.FunctionError) assert.equal(decode(res.Payload).crash, 'after');
  }
  assertProperAnswer(await call(), 'a normal call afterwards');
});

test("a throw in a callback during the invocation: 20 calls in a row each get the function's own error", async () => {
  for (let i = 0; i < 20; i++) {
    const res = await call('during');
    assert.equal(res.FunctionError, 'Unhandled');
    const doc = decode(res.Payload);
    assert.deepEqual([doc.errorType, doc.errorMessage], ['Error', 'thrown in a callback during the invocation'], `call ${i}: ${JSON.stringify(doc)}`);
  }
  assert.equal((await call()).FunctionError, undefined, 'a normal call afterwards succeeds');
});

test('a plain throw: 20 calls in a row each get the error, and the instance is kept', async () => {
  const instances = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const res = await call('plain');
    assert.equal(res.FunctionError, 'Unhandled');
    assert.deepEqual([decode(res.Payload).errorType, decode(res.Payload).errorMessage], ['Error', 'thrown by the handler'], `call ${i}`);
    instances.add(decode((await call()).Payload).instance);
  }
  assert.equal(instances.size, 1, 'a handled error does not cost the instance');
});

test('crashing and normal calls interleaved: none lands on a dying process', async () => {
  for (let i = 0; i < 20; i++) {
    const crash = ['after', 'during', 'plain', undefined][i % 4];
    const res = await call(crash);
    const text = Buffer.from(res.Payload ?? []).toString();
    if (crash === 'during' || crash === 'plain') {
      assert.equal(res.FunctionError, 'Unhandled', `call ${i} (${crash}): ${text}`);
      assert.doesNotMatch(text, /Runtime exited|Runtime\.ExitError/, `call ${i} (${crash}) landed on a dying process: ${text}`);
    } else assertProperAnswer(res, `call ${i} (${crash})`);
  }
});
