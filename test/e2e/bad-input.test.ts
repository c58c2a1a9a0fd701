// Bad input to the Lambda API: each gets the AWS error type a client expects and changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';
import { signRequest } from '../../src/api/sigv4.js';

let gust: GustProcess;
let lambda: LambdaClient;
let helloZip: Buffer;

const base = () => ({ FunctionName: 'f', Runtime: 'nodejs20.x' as const, Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: helloZip } });

async function rawRequest(method: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const url = gust.url + path;
  const buf = Buffer.from(body);
  const all = { 'content-type': 'application/json', ...headers };
  Object.assign(all, signRequest({ method, url, headers: all, body: buf, ...gust.credentials, region: 'us-east-1', service: 'lambda' }));
  const res = await fetch(url, { method, headers: all, body: method === 'GET' ? undefined : buf });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: await res.text() };
}

function zipOf(entries: [string, string | Buffer, number?][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content, mode] of entries) zip.addBuffer(Buffer.from(content), name, mode ? { mode } : {});
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  helloZip = await fixtureZip('node-hello');
});
after(async () => gust.stop());

async function rejects(input: Record<string, unknown>, name: string, message?: RegExp) {
  await assert.rejects(lambda.send(new CreateFunctionCommand({ ...base(), ...input } as never)), (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('out-of-range and malformed configuration is refused', async () => {
  await rejects({ MemorySize: 64 }, 'ValidationException', /memorySize/);
  await rejects({ MemorySize: 10241 }, 'ValidationException');
  await rejects({ Timeout: 0 }, 'ValidationException');
  await rejects({ Timeout: 901 }, 'ValidationException');
  await rejects({ Runtime: 'cobol85' }, 'InvalidParameterValueException', /runtime/);
  await rejects({ FunctionName: 'a'.repeat(65) }, 'InvalidParameterValueException', /less than or equal to 64/); // AWS's class for this one
  await rejects({ FunctionName: 'bad name!' }, 'ValidationException');
  await rejects({ Environment: { Variables: { BIG: 'x'.repeat(5000) } } }, 'InvalidParameterValueException', /4KB/);
  await rejects({ Environment: { Variables: { AWS_REGION: 'x' } } }, 'InvalidParameterValueException', /reserved/);
  await rejects({ Code: { ZipFile: Buffer.from('this is not a zip') } }, 'InvalidParameterValueException', /unzip|zip/i);
  await rejects({ Code: { ZipFile: await zipOf([]) } }, 'InvalidParameterValueException');
  const listed = await lambda.send(new ListFunctionsCommand({}));
  assert.equal(listed.Functions?.length, 0, 'nothing was written');
});

test('like Lambda, a handler missing from the package is not refused at create: its invocations fail', async () => {
  const missing = await lambda.send(new CreateFunctionCommand({ ...base(), FunctionName: 'no-such-handler', Handler: 'missing.handler' } as never));
  assert.equal(missing.State, 'Pending');
  const noBootstrap = { ...base(), FunctionName: 'no-bootstrap', Runtime: 'provided.al2023', Handler: 'x', Code: { ZipFile: await zipOf([['index.js', 'exports.handler=1'], ['bootstrap', '#!/bin/sh', 0o100644]]) } };
  await lambda.send(new CreateFunctionCommand(noBootstrap as never));
  const failed = await lambda.send(new InvokeCommand({ FunctionName: 'no-such-handler', Payload: Buffer.from('{}') }));
  assert.equal(failed.FunctionError, 'Unhandled');
  assert.equal(JSON.parse(Buffer.from(failed.Payload!).toString()).errorType, 'Runtime.ImportModuleError');
  const noStart = await lambda.send(new InvokeCommand({ FunctionName: 'no-bootstrap', Payload: Buffer.from('{}') }));
  assert.equal(noStart.FunctionError, 'Unhandled');
  assert.match(JSON.parse(Buffer.from(noStart.Payload!).toString()).errorType, /^Runtime\./);
  for (const FunctionName of ['no-such-handler', 'no-bootstrap']) await lambda.send(new DeleteFunctionCommand({ FunctionName }));
});

test('zip entries escaping the code directory are refused', async () => {
  // yazl refuses to write `../`, so write `xx/` and patch the name in both headers.
  const evil = Buffer.from((await zipOf([['index.js', 'exports.handler=async()=>1'], ['xx/escape.js', 'x']])).toString('latin1').replaceAll('xx/escape.js', '../escape.js'), 'latin1');
  await rejects({ Code: { ZipFile: evil } }, 'InvalidParameterValueException', /outside|relative/);
  const absolute = Buffer.from((await zipOf([['index.js', 'exports.handler=async()=>1'], ['xtmp/evil.js', 'x']])).toString('latin1').replaceAll('xtmp/evil.js', '/tmp/evil.js'), 'latin1');
  await rejects({ Code: { ZipFile: absolute } }, 'InvalidParameterValueException');
  const symlink = await zipOf([['index.js', 'exports.handler=async()=>1'], ['link', '/etc/passwd', 0o120777]]);
  await rejects({ Code: { ZipFile: symlink } }, 'InvalidParameterValueException');
});

test('malformed JSON and bad base64 get clear errors', async () => {
  const r1 = await rawRequest('POST', '/2015-03-31/functions', '{"FunctionName": ');
  assert.equal(r1.status, 400);
  assert.equal(r1.type, 'InvalidRequestContentException');
  const r2 = await rawRequest('POST', '/2015-03-31/functions', JSON.stringify({ ...base(), Code: { ZipFile: '!!!not base64!!!' } }));
  assert.equal(r2.status, 400);
  assert.equal(r2.type, 'InvalidParameterValueException');
  assert.match(r2.body, /base64/);
  const r3 = await rawRequest('POST', '/2015-03-31/functions', '[1,2,3]');
  assert.equal(r3.type, 'InvalidRequestContentException');
  const r4 = await rawRequest('GET', '/2015-03-31/functions/%E0%A4%A', '');
  assert.ok(r4.status >= 400 && r4.status < 500);
});

test('duplicate names conflict; unknown functions are not found', async () => {
  await lambda.send(new CreateFunctionCommand(base()));
  await rejects({}, 'ResourceConflictException');
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })), { name: 'ResourceNotFoundException' });
  // Another account's function is denied and another region's unreachable, in Lambda's words.
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:f' })), { name: 'AccessDeniedException' });
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:f' })), { name: 'ResourceNotFoundException', message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')" });
});

test('invoke payload limits and invalid JSON payloads', async () => {
  const atLimit = Buffer.from(JSON.stringify({ s: 'x'.repeat(6 * 1024 * 1024 - 8) }));
  assert.equal(atLimit.length, 6 * 1024 * 1024);
  assert.equal((await lambda.send(new InvokeCommand({ FunctionName: 'f', Payload: atLimit }))).StatusCode, 200, 'exactly 6 MB is accepted');
  const tooBig = Buffer.alloc(6 * 1024 * 1024 + 1, 0x20);
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'f', Payload: tooBig })), { name: 'RequestTooLargeException' });
  const asyncTooBig = Buffer.from(JSON.stringify({ s: 'x'.repeat(1024 * 1024) }));
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: asyncTooBig })), { name: 'RequestTooLargeException' });
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'f', Payload: Buffer.from('{not json') })), { name: 'InvalidRequestContentException' });
  const ok = await lambda.send(new InvokeCommand({ FunctionName: 'f', Payload: Buffer.from('{}') }));
  assert.equal(ok.StatusCode, 200, 'the server still serves');
});
