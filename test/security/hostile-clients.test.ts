// Strangers without a key (issue #8, items 5–7): a signature's key, date and scope are checked
// before a body is read; connections are bounded in total and per address, slow and silent ones
// are cut; signatures for another service or region are refused; /gust/health tells strangers
// only "ok". Under each attack a signed Invoke from a legitimate client still answers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateFunctionCommand, CreateFunctionUrlConfigCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const MAX_CONNECTIONS = 100;
const PER_CLIENT = 20;
const STRANGER = { accessKeyId: 'GKIASTRANGERSTRANGER', secretAccessKey: 'not-a-key-of-this-server' };
const MB = 1024 * 1024;

let gust: GustProcess;
let port: number;
let functionUrlPath: string;

before(async () => {
  gust = await startGust({ args: ['--max-connections', String(MAX_CONNECTIONS), '--max-connections-per-client', String(PER_CLIENT)] });
  port = Number(new URL(gust.url).port);
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'hello', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-hello') } }));
  const url = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'hello', AuthType: 'AWS_IAM' }));
  functionUrlPath = new URL(url.FunctionUrl!).pathname;
});
after(async () => gust.stop());

/** The legitimate client: a signed Invoke with the SDK, on a fresh connection. */
async function legitimateInvokeAnswers() {
  const lambda = new LambdaClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{"name":"legit"}') }));
    assert.equal(out.FunctionError, undefined);
    assert.equal(decode(out.Payload).hello, 'legit');
  } finally {
    lambda.destroy();
  }
}

const openFiles = () => fs.readdirSync(`/proc/${gust.pid}/fd`).length;
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${gust.pid}/status`, 'utf8'))![1]) / 1024;

/** Request head lines for `method path`, signed with `signer` (or a stranger's key). */
function head(method: string, path: string, headers: Record<string, string>): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

const strangerHeaders = (method: string, path: string, extra: Record<string, string> = {}) => ({
  ...extra,
  ...signRequest({ method, url: `${gust.url}${path}`, headers: extra, body: '', ...STRANGER, region: 'us-east-1', service: 'lambda' }),
});

interface Raw {
  socket: net.Socket;
  /** The status code of the first response, or 0 if the connection closed without one. */
  status: Promise<number>;
  text: () => string;
  closed: Promise<void>;
}

/** Opens a raw connection from `localAddress` and writes `bytes`; never ends the request itself. */
function raw(bytes: string, localAddress = '127.0.0.1'): Raw {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  let data = '';
  socket.on('error', () => {});
  const status = new Promise<number>((resolve) => {
    socket.on('data', (d) => {
      data += d;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m) resolve(Number(m[1]));
    });
    socket.on('close', () => resolve(0));
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  if (bytes) socket.write(bytes);
  return { socket, status, text: () => data, closed };
}

/** Resolves once `count` of the promises have settled. */
function atLeast(count: number, promises: Promise<unknown>[]): Promise<void> {
  let settled = 0;
  return new Promise((resolve) => {
    if (count <= 0) resolve();
    for (const p of promises) void p.then(() => ++settled === count && resolve());
  });
}

// ---- Item 5: the header-only checks come before the body ------------------------------------

test('a stranger’s key, a stale date or another scope is refused before the body is sent', { timeout: 30_000 }, async () => {
  const path = '/2015-03-31/functions';
  const big = { 'content-type': 'application/json', 'content-length': String(64 * MB) };
  const stale = signRequest({ method: 'POST', url: gust.url + path, headers: big, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda', now: new Date(Date.now() - 20 * 60_000) });
  const cases: [string, Record<string, string>, string][] = [
    ['unknown key', strangerHeaders('POST', path, big), 'UnrecognizedClientException'],
    ['stale date', { ...big, ...stale }, 'InvalidSignatureException'],
    ['signed for s3', { ...big, ...signRequest({ method: 'POST', url: gust.url + path, headers: big, body: '', ...gust.credentials, region: 'us-east-1', service: 's3' }) }, 'InvalidSignatureException'],
    ['garbage credential', { ...big, authorization: 'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=0' }, 'IncompleteSignature'],
  ];
  for (const [name, headers, type] of cases) {
    // Only the head is sent: the answer must come without the 64 MB the head promises.
    const r = raw(head('POST', path, headers));
    assert.equal(await r.status, 403, name);
    assert.match(r.text(), new RegExp(`x-amzn-errortype: ${type}`, 'i'), name);
    r.socket.destroy();
  }
  const url = raw(head('POST', `${functionUrlPath}`, strangerHeaders('POST', functionUrlPath, { 'content-length': String(5 * MB) })));
  assert.equal(await url.status, 403, 'an AWS_IAM function URL refuses a stranger before reading the body');
  url.socket.destroy();
});

test('a burst of 64 MB bodies with bad signatures is not buffered: peak memory stays where it was', { timeout: 120_000 }, async (t) => {
  const path = '/2015-03-31/functions';
  const body = Buffer.alloc(64 * MB, 0x61);
  const peakBefore = peakRssMb();
  // Keep-alive, as the SDKs send: the server answers at once and discards the rest of the body.
  const agent = new http.Agent({ keepAlive: true });
  const send = () =>
    new Promise<number>((resolve, reject) => {
      const headers = strangerHeaders('POST', path, { 'content-type': 'application/json', 'content-length': String(body.length) });
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent }, (res) => {
        res.resume();
        // Wait until the whole body went out as well, so that the server has seen all of it.
        req.once('finish', () => resolve(res.statusCode!));
        if (req.writableFinished) resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(body);
    });
  const statuses = await Promise.all(Array.from({ length: 8 }, send));
  agent.destroy();
  assert.deepEqual(new Set(statuses), new Set([403]));
  const growth = peakRssMb() - peakBefore;
  t.diagnostic(`peak RSS ${peakBefore.toFixed(0)} MB before, grew by ${growth.toFixed(0)} MB`);
  assert.ok(growth < 150, `the server's peak RSS grew by ${growth.toFixed(0)} MB for 512 MB of refused bodies`);
  await legitimateInvokeAnswers();
});

// ---- Item 5: connections are bounded, slow and silent ones cut --------------------------------

test('slow connections from one address are bounded per address, and a signed Invoke still answers', { timeout: 60_000 }, async (t) => {
  const baseline = openFiles();
  const path = '/2015-03-31/functions/hello/invocations';
  // A fake key and a body that never comes: today each held a file descriptor for 5 minutes.
  const attack = Array.from({ length: 10 * PER_CLIENT }, () => raw(head('POST', path, strangerHeaders('POST', path, { 'content-length': String(MB) })), '127.0.0.2'));
  await atLeast(attack.length - PER_CLIENT, attack.map((a) => a.closed));
  const held = openFiles() - baseline;
  t.diagnostic(`${attack.length} attacking connections; the server holds ${held} more open files`);
  assert.ok(held <= PER_CLIENT + 10, `the server holds ${held} more files, with at most ${PER_CLIENT} connections per address`);
  await legitimateInvokeAnswers();
  for (const a of attack) a.socket.destroy();
});

test('slow connections from many addresses are bounded in total, and a signed Invoke still answers', { timeout: 60_000 }, async (t) => {
  await legitimateInvokeAnswers(); // the instance is warm: what follows measures connections only
  const baseline = openFiles();
  const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 3}`);
  // A fake key and a body that never comes, from 10 addresses, each under its per-address limit.
  const path = '/2015-03-31/functions/hello/invocations';
  const attack = addresses.flatMap((address) => Array.from({ length: 15 }, () => raw(head('POST', path, strangerHeaders('POST', path, { 'content-length': String(MB) })), address)));
  await atLeast(attack.length - MAX_CONNECTIONS, attack.map((a) => a.closed));
  const held = openFiles() - baseline;
  t.diagnostic(`${attack.length} attacking connections; the server holds ${held} more open files`);
  assert.ok(held <= MAX_CONNECTIONS + 10, `the server holds ${held} more files, with at most ${MAX_CONNECTIONS} connections`);
  await legitimateInvokeAnswers();
  for (const a of attack) a.socket.destroy();
});

// Node itself times out a request head once it has begun, but not always a connection that never sends a byte.
test('a connection that sends nothing is closed', { timeout: 60_000 }, async () => {
  const silent = raw('');
  await silent.closed;
  await legitimateInvokeAnswers();
});

test('a body that trickles is cut with 408, long before the 5-minute request timeout', { timeout: 60_000 }, async () => {
  const path = '/2015-03-31/functions/hello/invocations';
  const body = '{"name":"' + 'x'.repeat(1000) + '"}';
  const headers = { 'content-type': 'application/json', ...signRequest({ method: 'POST', url: gust.url + path, headers: { 'content-type': 'application/json' }, body, ...gust.credentials, region: 'us-east-1', service: 'lambda' }) };
  const r = raw(head('POST', path, { ...headers, 'content-length': String(body.length) }));
  let sent = 0;
  const drip = setInterval(() => r.socket.write(body[sent++] ?? ''), 1000);
  try {
    assert.equal(await r.status, 408);
    await r.closed;
  } finally {
    clearInterval(drip);
  }
  assert.ok(sent < body.length, 'cut before the body was complete');
});

test('HTTP routes: a body drained after the answer is bounded, not read for ever', { timeout: 60_000 }, async () => {
  const r = raw('POST /no-such-route HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.equal(await r.status, 404);
  const chunk = `${(64 * 1024).toString(16)}\r\n${'a'.repeat(64 * 1024)}\r\n`;
  let open = true;
  void r.closed.then(() => (open = false));
  while (open) {
    if (!r.socket.write(chunk)) await Promise.race([new Promise((resolve) => r.socket.once('drain', resolve)), r.closed]);
  }
  assert.ok(r.socket.bytesWritten > 64 * MB, 'a refused body is still drained up to the largest body limit, so the client reads the answer');
});

// ---- Item 6: the signature's service and region ----------------------------------------------

class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** Signs a request by hand with the SDK's own signer, for any service and region. */
async function handSigned(method: string, path: string, body: string, service: string, region: string, headers: Record<string, string> = {}) {
  const signer = new SignatureV4({ credentials: gust.credentials, region, service, sha256: Sha256 });
  const signed = await signer.sign({ method, protocol: 'http:', hostname: '127.0.0.1', port, path, query: {}, headers: { host: `127.0.0.1:${port}`, ...headers }, body });
  const res = await fetch(gust.url + path, { method, headers: signed.headers, body: method === 'GET' ? undefined : body });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: await res.json() };
}

test('a Lambda call signed for s3 with UNSIGNED-PAYLOAD, or for another region, is refused as AWS refuses it', async () => {
  const path = '/2015-03-31/functions/hello/invocations';
  const s3 = await handSigned('POST', path, '{"name":"forged"}', 's3', 'us-east-1', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
  assert.equal(s3.status, 403);
  assert.equal(s3.type, 'InvalidSignatureException');
  assert.equal(s3.body.Message, "Credential should be scoped to correct service: 'lambda'.");
  const unsigned = await handSigned('POST', path, '{"name":"forged"}', 'lambda', 'us-east-1', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
  assert.equal(unsigned.type, 'InvalidSignatureException');
  assert.match(unsigned.body.Message, /only S3 accepts unsigned payloads/);
  const region = await handSigned('GET', '/2015-03-31/functions', '', 'lambda', 'eu-west-1');
  assert.equal(region.type, 'InvalidSignatureException');
  assert.equal(region.body.Message, "Credential should be scoped to a valid region, not 'eu-west-1'.");
  const ok = await handSigned('POST', path, '{"name":"signed"}', 'lambda', 'us-east-1');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.hello, 'signed');

  // The real clients, pointed at the wrong region or signing another service's API.
  const elsewhere = new LambdaClient({ endpoint: gust.url, region: 'eu-west-1', credentials: gust.credentials, maxAttempts: 1 });
  await assert.rejects(elsewhere.send(new ListFunctionsCommand({})), { name: 'InvalidSignatureException', message: "Credential should be scoped to a valid region, not 'eu-west-1'." });
  const logsSignedForLambda = await fetch(gust.url + '/', {
    method: 'POST',
    headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1', ...signRequest({ method: 'POST', url: gust.url + '/', headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' }, body: '{}', ...gust.credentials, region: 'us-east-1', service: 'lambda' }) },
    body: '{}',
  });
  assert.deepEqual(await logsSignedForLambda.json(), { __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'logs'." });
});

test('the gust CLI signs for the server’s region (from its data directory), whatever AWS_REGION the shell holds', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, '--json', 'ls'], {
    env: { ...process.env, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
  });
  assert.ok(JSON.parse(stdout).some((f: { FunctionName: string }) => f.FunctionName === 'hello'), stdout);
});

// ---- Item 7: /gust/health --------------------------------------------------------------------

test('/gust/health tells a stranger only "ok"; the details need a signed request', async () => {
  const anonymous = await fetch(`${gust.url}/gust/health`);
  assert.equal(anonymous.status, 200);
  assert.deepEqual(await anonymous.json(), { status: 'ok' });
  const url = `${gust.url}/gust/health`;
  const signed = await fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda' }) });
  const details = await signed.json();
  assert.equal(details.status, 'ok');
  assert.ok(typeof details.queuedAsyncEvents === 'number' && typeof details.instances === 'object', JSON.stringify(details));
  const forged = await fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...STRANGER, region: 'us-east-1', service: 'lambda' }) });
  assert.equal(forged.status, 403);
  assert.equal(forged.headers.get('x-amzn-errortype'), 'UnrecognizedClientException');
});
