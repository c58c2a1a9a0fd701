// A function that acts as a broken or hostile runtime: from inside its own sandbox it sends
// malformed requests to its instance's Runtime API (next, response, error, init/error, random
// methods, paths, headers and bodies). Each must get a clear 4xx; none may end Gust, disturb the
// function's own invocation, or stop other functions from answering.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const PREFIX = '/2018-06-01/runtime/';

let gust: GustProcess;
let lambda: LambdaClient;

interface RawRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer;
}

const toBytes = (r: RawRequest) =>
  Buffer.concat([
    Buffer.from(
      `${r.method} ${r.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${r.body.length}\r\n` +
        r.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
        '\r\n',
      'latin1',
    ),
    r.body,
  ]);

/** Sends raw requests from inside the fuzzer function's sandbox; returns each answer's status. */
async function fromInside(requests: RawRequest[]) {
  const res = await lambda.send(
    new InvokeCommand({ FunctionName: 'fuzzer', Payload: Buffer.from(JSON.stringify({ requests: requests.map((r) => toBytes(r).toString('base64')) })) }),
  );
  const body = decode(res.Payload);
  assert.equal(res.FunctionError, undefined, `the fuzzer's own invocation failed: ${JSON.stringify(body)}`);
  return body.results as { status: number; how: string; head: string }[];
}

async function othersStillAnswer() {
  const res = await lambda.send(new InvokeCommand({ FunctionName: 'bystander', Payload: Buffer.from('{"name":"ok"}') }));
  assert.equal(decode(res.Payload).hello, 'ok');
}

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'fuzzer', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Timeout: 60, Code: { ZipFile: await fixtureZip('node-runtime-api-fuzzer') } }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'bystander', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('node-hello') } }));
  await othersStillAnswer();
});
after(async () => gust.stop());

test('a malformed percent-encoded request id is a 400, not a crash', async () => {
  const results = await fromInside([
    { method: 'POST', path: `${PREFIX}invocation/%E0%A4%A/response`, headers: [], body: Buffer.from('{}') },
    { method: 'POST', path: `${PREFIX}invocation/%E0%A4%A/error`, headers: [['Lambda-Runtime-Function-Error-Type', 'X']], body: Buffer.from('{}') },
    { method: 'POST', path: `${PREFIX}invocation/%/response`, headers: [], body: Buffer.alloc(0) },
  ]);
  for (const r of results) {
    assert.equal(r.status, 400, r.head);
    assert.match(r.head, /application\/json/);
  }
  await othersStillAnswer();
});

test('init/error after initialisation is refused, and the instance keeps serving', async () => {
  const [r] = await fromInside([{ method: 'POST', path: `${PREFIX}init/error`, headers: [['Lambda-Runtime-Function-Error-Type', 'Runtime.Fake']], body: Buffer.from('{"errorMessage":"x"}') }]);
  assert.equal(r.status, 403, r.head);
  // The same warm instance answers the next invocation normally.
  assert.deepEqual(await fromInside([]), []);
});

test('fuzz: no request to the Runtime API ends Gust or gets anything but a 4xx', { timeout: 180_000 }, async () => {
  const segment = fc.oneof(
    fc.constantFrom('invocation', 'next', 'response', 'error', 'init', '%E0%A4%A', '%', '%ZZ', '%00', '..', '%2e%2e', '', 'a'.repeat(300)),
    fc.uuid(),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 8 }).map(encodeURIComponent),
  );
  const path = fc.oneof(
    fc.tuple(segment, fc.constantFrom('response', 'error')).map(([id, what]) => `${PREFIX}invocation/${id}/${what}`),
    fc.constant(`${PREFIX}init/error`),
    fc.constant(`${PREFIX}invocation/next`),
    fc.array(segment, { maxLength: 4 }).map((parts) => PREFIX + parts.join('/')),
    fc.array(segment, { maxLength: 4 }).map((parts) => '/' + parts.join('/')),
  );
  const request = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
      path: fc.tuple(path, fc.constantFrom('', '?x=1', '?%', '#f')).map(([p, q]) => p + q),
      headers: fc.array(
        fc.tuple(
          fc.constantFrom('Lambda-Runtime-Function-Error-Type', 'Content-Type', 'Lambda-Runtime-Function-XRay-Error-Cause', 'X-Amz-Target'),
          fc.string({ maxLength: 40 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
        ),
        { maxLength: 3 },
      ),
      body: fc.oneof(fc.json().map((j) => Buffer.from(j)), fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))),
    })
    // The one well-formed long poll is not an error: it waits for, and would take, an event.
    .filter((r) => !(r.method === 'GET' && r.path === `${PREFIX}invocation/next`))

  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (requests) => {
      const results = await fromInside(requests);
      results.forEach((r, i) => assert.ok(r.status >= 400 && r.status < 500, `${requests[i].method} ${requests[i].path} → ${r.status} (${r.how}) ${r.head}`));
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 150), interruptAfterTimeLimit: 90_000 },
  );
  await othersStillAnswer();
  assert.doesNotMatch(gust.output(), /internal error|Uncaught|ERR_/i);
});
