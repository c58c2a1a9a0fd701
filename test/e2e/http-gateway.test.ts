// The HTTP gateway with real handlers written for API Gateway (payload 1.0 and 2.0), driven with
// fetch and curl: routing, event shapes, response mapping and API Gateway's error answers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';

const run = promisify(execFile);
let gust: GustProcess;
const cli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args]);

before(async () => {
  gust = await startGust();
  const lambda = lambdaClient(gust);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'api-v2', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Timeout: 1, Code: { ZipFile: await fixtureZip('http-v2') } }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'api-v1', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('http-v1') } }));
  await cli('route', 'add', 'GET', '/items/{id}', 'api-v2');
  await cli('route', 'add', 'ANY', '/files/{proxy+}', 'api-v2');
  await cli('route', 'add', 'POST', '/legacy/{name}', 'api-v1', '--payload-format', '1.0');
});
after(async () => gust.stop());

test('payload 2.0: path parameters, raw query, joined duplicates, cookies, and the response mapped back', async () => {
  const res = await fetch(`${gust.url}/items/42?x=1&x=2&y=%20z`, { headers: { cookie: 'c1=v1; c2=v2', 'x-dup': 'a' } });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-handler'), 'v2');
  assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2; Path=/']);
  const { event } = await res.json();
  assert.equal(event.version, '2.0');
  assert.equal(event.routeKey, 'GET /items/{id}');
  assert.equal(event.rawPath, '/items/42');
  assert.equal(event.rawQueryString, 'x=1&x=2&y=%20z');
  assert.deepEqual(event.queryStringParameters, { x: '1,2', y: ' z' });
  assert.deepEqual(event.pathParameters, { id: '42' });
  assert.deepEqual(event.cookies, ['c1=v1', 'c2=v2']);
  assert.equal(event.headers['x-dup'], 'a');
  assert.equal(event.requestContext.http.method, 'GET');
  assert.equal(event.requestContext.http.path, '/items/42');
  assert.equal(event.isBase64Encoded, false);
});

test('payload 2.0: a plain returned value is a 200 JSON body; binary bodies are base64 both ways', async () => {
  const plain = await fetch(`${gust.url}/items/1?mode=plain`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('content-type'), 'application/json');
  assert.deepEqual(await plain.json(), { plain: true, path: '/items/1' });
  const binary = await fetch(`${gust.url}/files/a/b.bin?mode=binary`, { method: 'PUT', body: Buffer.from([9, 8, 7]), headers: { 'content-type': 'application/octet-stream' } });
  assert.deepEqual([...new Uint8Array(await binary.arrayBuffer())], [0, 1, 2, 255]);
  const echo = await fetch(`${gust.url}/files/a/b.bin`, { method: 'PUT', body: Buffer.from([9, 8, 7]), headers: { 'content-type': 'application/octet-stream' } });
  const { event } = await echo.json();
  assert.deepEqual(event.pathParameters, { proxy: 'a/b.bin' });
  assert.equal(event.isBase64Encoded, true);
  assert.deepEqual([...Buffer.from(event.body, 'base64')], [9, 8, 7]);
});

test('payload 1.0: multiValue headers and query, resource, requestContext, multiValueHeaders in the response', async () => {
  const { stdout } = await run('curl', ['-s', '-i', '-X', 'POST', '-H', 'X-Two: 1', '-H', 'X-Two: 2', '--data', '{"k":"v"}', '-H', 'content-type: application/json', `${gust.url}/legacy/bob?a=1&a=2`]);
  assert.match(stdout, /^HTTP\/1\.1 200/);
  assert.match(stdout, /x-multi: one\r\n/i);
  assert.match(stdout, /x-multi: two\r\n/i);
  const { event } = JSON.parse(stdout.slice(stdout.indexOf('\r\n\r\n') + 4));
  assert.equal(event.version, '1.0');
  assert.equal(event.resource, '/legacy/{name}');
  assert.equal(event.httpMethod, 'POST');
  assert.deepEqual(event.pathParameters, { name: 'bob' });
  assert.deepEqual(event.multiValueQueryStringParameters, { a: ['1', '2'] });
  assert.equal(event.queryStringParameters.a, '2');
  assert.deepEqual(event.multiValueHeaders['X-Two'], ['1', '2']);
  assert.equal(event.body, '{"k":"v"}');
  assert.equal(event.requestContext.resourcePath, '/legacy/{name}');
});

test('errors as API Gateway answers them: 502, 504, 404, and 502 for a malformed result only for that request', async () => {
  const thrown = await fetch(`${gust.url}/items/1?mode=throw`);
  assert.equal(thrown.status, 502);
  assert.deepEqual(await thrown.json(), { message: 'Internal server error' });
  const garbage = await fetch(`${gust.url}/items/1?mode=garbage`);
  assert.equal(garbage.status, 502);
  assert.equal((await fetch(`${gust.url}/items/1?mode=plain`)).status, 200, 'the next request is fine');
  const slow = await fetch(`${gust.url}/items/1?mode=sleep`);
  assert.equal(slow.status, 504);
  const missing = await fetch(`${gust.url}/nothing/here`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: 'Not Found' });
  const wrongMethod = await fetch(`${gust.url}/items/1`, { method: 'DELETE' });
  assert.equal(wrongMethod.status, 404);
  const huge = await fetch(`${gust.url}/files/big`, { method: 'POST', body: Buffer.alloc(7 * 1024 * 1024, 0x61), headers: { 'content-type': 'text/plain' } });
  assert.equal(huge.status, 413);
});

test("a result that cannot be mapped is a 502, and the function's log says why", async (t) => {
  // A plain value is fine for an HTTP API (2.0), not for a REST API (1.0) route to the same function.
  const added = await cli('route', 'add', 'GET', '/plain-v1', 'api-v2', '--payload-format', '1.0');
  t.after(() => cli('route', 'rm', /Added route (\w+)/.exec(added.stdout)![1]));
  assert.equal((await fetch(`${gust.url}/items/1?mode=plain`)).status, 200);
  const plain = await fetch(`${gust.url}/plain-v1?mode=plain`);
  assert.equal(plain.status, 502);
  assert.deepEqual(await plain.json(), { message: 'Internal server error' });
  assert.equal((await fetch(`${gust.url}/items/1?mode=garbage`)).status, 502);
  const deadline = Date.now() + 20_000;
  let logged = '';
  // The log store writes in batches: wait for the lines, within a deadline.
  while (!(/has no statusCode/.test(logged) && /statusCode must be a whole number/.test(logged))) {
    assert.ok(Date.now() < deadline, `the reasons never reached the function's log:\n${logged}`);
    logged = (await cli('logs', 'api-v2', '--filter', '"cannot be mapped"')).stdout;
  }
  assert.match(logged, /GET \/plain-v1 answered 502: the result cannot be mapped to a response \(payload format 1\.0 needs \{statusCode, headers, body\}: it has no statusCode\)\. The function returned: \{"plain":true\}/);
  assert.match(logged, /GET \/items\/\{id\} answered 502: .*statusCode must be a whole number from 100 to 599, not "not a number"/);
});

test('routes are managed with gust route, and colliding routes are refused', async () => {
  await assert.rejects(cli('route', 'add', 'GET', '/items/{other}', 'api-v2'), /already exists/);
  await assert.rejects(cli('route', 'add', 'GET', '/bad/{a+}/more', 'api-v2'), /last one/);
  await assert.rejects(cli('route', 'add', 'GET', '/x', 'no-such-function'), /ResourceNotFoundException/);
  const list = JSON.parse((await cli('--json', 'route', 'ls')).stdout);
  assert.equal(list.length, 3);
  const added = JSON.parse((await cli('--json', 'route', 'add', 'ANY', '$default', 'api-v2')).stdout);
  assert.equal((await fetch(`${gust.url}/anything/at/all?mode=plain`)).status, 200, '$default catches the rest');
  await cli('route', 'rm', added.id);
  assert.equal((await fetch(`${gust.url}/anything/at/all?mode=plain`)).status, 404);
});

test('CORS for the routes: preflight answered, allowed origins echoed, others not', async () => {
  await cli('route', 'cors', '--allow-origin', 'https://app.example', '--allow-method', 'GET', 'POST', '--max-age', '300');
  const preflight = await fetch(`${gust.url}/items/1`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,POST');
  assert.equal(preflight.headers.get('access-control-max-age'), '300');
  const allowed = await fetch(`${gust.url}/items/1?mode=plain`, { headers: { origin: 'https://app.example' } });
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
  const other = await fetch(`${gust.url}/items/1?mode=plain`, { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  await cli('route', 'cors', '--off');
  const off = await fetch(`${gust.url}/items/1?mode=plain`, { headers: { origin: 'https://app.example' } });
  assert.equal(off.headers.get('access-control-allow-origin'), null);
});

test('function URLs: Create/Get/Update/List/DeleteFunctionUrlConfig, AuthType NONE and AWS_IAM, CORS', async () => {
  const lambda = lambdaClient(gust);
  const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'api-v2', AuthType: 'NONE', Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], MaxAge: 60 } }));
  assert.match(created.FunctionUrl!, /\/lambda-url\/[0-9a-f]{32}\/$/);
  await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'api-v2', AuthType: 'NONE' })), { name: 'ResourceConflictException' });
  const res = await fetch(`${created.FunctionUrl}some/path?mode=plain`, { headers: { origin: 'https://app.example' } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { plain: true, path: '/some/path' });
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
  const preflight = await fetch(`${created.FunctionUrl}x`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,POST');
  assert.equal(preflight.headers.get('access-control-max-age'), '60');
  const other = await fetch(`${created.FunctionUrl}?mode=plain`, { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);

  await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'api-v2', AuthType: 'AWS_IAM' }));
  assert.equal((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'api-v2' }))).AuthType, 'AWS_IAM');
  assert.equal((await fetch(`${created.FunctionUrl}?mode=plain`)).status, 403, 'unsigned is refused');
  const url = `${created.FunctionUrl}?mode=plain`;
  const signed = await fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda' }) });
  assert.equal(signed.status, 200, 'signed with SigV4 is served');
  assert.equal((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'api-v2' }))).FunctionUrlConfigs?.length, 1);
  await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'api-v2' }));
  assert.equal((await fetch(url)).status, 404);
});
