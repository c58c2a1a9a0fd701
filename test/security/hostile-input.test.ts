// Hostile input to the API: oversized and malformed requests get clear errors, never a 500, a
// crash or a hang; and a property-based fuzz of request parsing and routing, bounded in time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';

let gust: GustProcess;
let open: GustProcess;

before(async () => {
  gust = await startGust();
  open = await startGust({ args: ['--no-auth'] });
});
after(async () => {
  await gust.stop();
  await open.stop();
});

/** Sends raw bytes and returns the status line's code (0 when the connection closed without one). */
function raw(server: GustProcess, bytes: string | Buffer, timeoutMs = 5000): Promise<number> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let data = '';
    socket.on('data', (d) => (data += d));
    const done = () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0));
    socket.on('close', done);
    socket.on('error', done);
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.end(bytes);
  });
}

async function signedFetch(server: GustProcess, method: string, path: string, body: Buffer | string = '', headers: Record<string, string> = {}, service = 'lambda') {
  const url = server.url + path;
  const all = { ...headers, ...signRequest({ method, url, headers, body, ...server.credentials, region: 'us-east-1', service }) };
  const res = await fetch(url, { method, headers: all, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), text: await res.text() };
}

async function stillServing() {
  assert.equal((await fetch(`${gust.url}/gust/health`)).status, 200);
  assert.equal((await fetch(`${open.url}/gust/health`)).status, 200);
}

test('huge headers get 431, and the server keeps serving', async () => {
  const status = await raw(gust, `GET /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
  assert.equal(status, 431);
  await stillServing();
});

test('garbage instead of HTTP is answered 400 or dropped', async () => {
  for (const junk of ['\x00\x01\x02\x03', 'GET\r\n\r\n', 'POST / HTTP/9.9\r\n\r\n', 'GET /%%% HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n']) {
    const status = await raw(gust, junk);
    assert.ok(status === 0 || (status >= 400 && status < 500), `${JSON.stringify(junk)} → ${status}`);
  }
  await stillServing();
});

test('deeply nested and invalid-UTF-8 JSON bodies get client errors', async () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const r1 = await signedFetch(gust, 'POST', '/2015-03-31/functions', deep, { 'content-type': 'application/json' });
  assert.equal(r1.status, 400);
  const invalidUtf8 = Buffer.concat([Buffer.from('{"FunctionName":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
  const r2 = await signedFetch(gust, 'POST', '/2015-03-31/functions', invalidUtf8, { 'content-type': 'application/json' });
  assert.ok(r2.status >= 400 && r2.status < 500, `${r2.status} ${r2.text}`);
  await stillServing();
});

test('function names with .., %2e, unicode and other accounts’ ARNs are refused cleanly', async () => {
  for (const name of ['..', '%2e%2e', '%2E%2E%2Fetc', 'caf%C3%A9', 'arn%3Aaws%3Alambda%3Aus-east-1%3A999999999999%3Afunction%3Ax', '%00', 'a'.repeat(300)]) {
    const r = await signedFetch(gust, 'GET', `/2015-03-31/functions/${name}`);
    assert.ok(r.status >= 400 && r.status < 500, `${name} → ${r.status}`);
    assert.ok(r.type, `${name} has an error type`);
  }
});

test('a slow client that never finishes its headers is cut off, not served forever', { timeout: 30_000 }, async () => {
  const { port } = new URL(gust.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.write('GET /2015-03-31/functions HTTP/1.1\r\nHost: x\r\n');
  const closedAfter = await new Promise<number>((resolve) => {
    const started = Date.now();
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 1000);
    socket.on('close', () => {
      clearInterval(drip);
      resolve(Date.now() - started);
    });
    socket.on('error', () => {});
  });
  assert.ok(closedAfter < 15_000, `closed after ${closedAfter} ms`);
  await stillServing();
});

test('bad percent-encoding in a schedule name is a 400 ValidationException, not a 500', async () => {
  for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
    const r = await signedFetch(gust, method, '/schedules/%E0%A4%A', method === 'GET' ? '' : '{}', {}, 'scheduler');
    assert.equal(r.status, 400, `${method} → ${r.status} ${r.text}`);
    assert.equal(r.type, 'ValidationException');
  }
  await stillServing();
});

test('a code download whose file cannot be read is cut short, and Gust goes on', async () => {
  const zip = await fixtureZip('node-hello');
  const created = await signedFetch(gust, 'POST', '/2015-03-31/functions', JSON.stringify({ FunctionName: 'code-link', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: zip.toString('base64') } }), { 'content-type': 'application/json' });
  assert.equal(created.status, 201, created.text);
  const location: string = JSON.parse((await signedFetch(gust, 'GET', '/2015-03-31/functions/code-link')).text).Code.Location;
  assert.equal(Buffer.compare(Buffer.from(await (await fetch(location)).arrayBuffer()), zip), 0, 'the link serves the zip');
  // The file turns unreadable after it was found (a disk error; here a directory in its place).
  const file = path.join(gust.dataDir, 'code', `${/code\/([0-9a-f]{64})\.zip/.exec(location)![1]}.zip`);
  fs.rmSync(file);
  fs.mkdirSync(file);
  try {
    await assert.rejects(async () => (await fetch(location)).arrayBuffer(), 'the download is cut short');
  } finally {
    fs.rmSync(file, { recursive: true });
    fs.writeFileSync(file, zip);
  }
  await stillServing();
});

/** The service a real client signs for: CloudWatch Logs by X-Amz-Target, Scheduler by path. */
function serviceOf(path: string, headers: Record<string, string>) {
  if (headers['x-amz-target']?.startsWith('Logs_')) return 'logs';
  if (path.startsWith('/schedules')) return 'scheduler';
  return 'lambda';
}

test('fuzz: no request to any API route produces a 500 or takes the server down', { timeout: 120_000 }, async () => {
  const segment = fc.oneof(
    fc.constantFrom(
      '2015-03-31', '2016-08-19', '2017-10-31', '2019-09-25', '2019-09-30', '2021-10-31', 'functions', 'configuration', 'code',
      'invocations', 'versions', 'aliases', 'policy', 'concurrency', 'provisioned-concurrency', 'event-invoke-config', 'list',
      'url', 'urls', 'account-settings', 'gust', 'keys', 'usage', 'health', 'routes', 'cors', 'dead-letters', 'redrive', 'all',
      'schedules', 'f', '$LATEST', '%24LATEST', '1', '..', '%2e', '%', '%ZZ', '%E0%A4%A', '',
      // Addresses of operations Gust does not implement, and of other services and protocols.
      '2018-10-31', '2020-04-22', '2025-12-01', 'layers', 'event-source-mappings', 'schedule-groups', 'tags', 'lambda-url', '?Action=ListQueues',
    ),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 8 }).map(encodeURIComponent),
  );
  const path = fc.oneof(
    fc.array(segment, { maxLength: 5 }).map((parts) => '/' + parts.join('/')),
    segment.map((name) => `/schedules/${name}`),
    fc.array(segment, { maxLength: 3 }).map((parts) => '/gust/' + parts.join('/')),
    fc.tuple(fc.constantFrom('2015-03-31', '2017-10-31', '2019-09-25', '2019-09-30', '2021-10-31'), segment, fc.array(segment, { maxLength: 2 })).map(
      ([date, name, rest]) => `/${date}/functions/${name}/${rest.join('/')}`,
    ),
  );
  const scheduleBody = fc
    .record({
      ScheduleExpression: fc.oneof(
        fc.constantFrom('rate(1 minute)', 'rate(0 minutes)', 'cron(0 * * * ? 2030)', 'cron(0 0 30 2 ? *)', 'cron(0 0 * * ? 1999)', 'at(2020-01-01T00:00:00)', 'at(2999-99-99T99:99:99)', 'cron(', 'cron(* * * * * * *)'),
        fc.string({ maxLength: 30 }),
      ),
      ScheduleExpressionTimezone: fc.constantFrom(undefined, 'UTC', 'Europe/Paris', 'Mars/Olympus', ''),
      FlexibleTimeWindow: fc.constantFrom({ Mode: 'OFF' }, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 }, { Mode: 'X' }, null),
      Target: fc.constantFrom({ Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', RoleArn: 'arn:aws:iam::000000000000:role/x' }, { Arn: 1 }, 'x'),
      StartDate: fc.constantFrom(undefined, 0, -1, 1e20, 'yesterday', '2020-01-01T00:00:00Z'),
      EndDate: fc.constantFrom(undefined, 0, 1e20, 'x'),
      State: fc.constantFrom(undefined, 'ENABLED', 'DISABLED', 'ON'),
    })
    .map((b) => JSON.stringify(b));
  const request = fc.record({
    server: fc.constantFrom('signed', 'open'),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'),
    path,
    query: fc.constantFrom('', '?Qualifier=%24LATEST', '?MaxItems=abc', '?Marker=%%%', '?Marker=zzz', '?start=x&end=y', '?groupName=x', '?NamePrefix=%', '?State=ON', '?function=%ZZ', '?expires=1&signature=x', '?%=%'),
    body: fc.oneof(
      fc.json(),
      fc.string({ maxLength: 200 }),
      scheduleBody,
      fc.constant('{"FunctionName":"f","Runtime":"nodejs20.x","Handler":"index.handler","Code":{"ZipFile":"UEsDBA=="}}'),
      fc.constant('{"logGroupName":"/aws/lambda/f","logStreamName":"%","limit":-1,"startTime":"x","filterPattern":"{ $.a = "}'),
    ),
    headers: fc.dictionary(
      fc.constantFrom('x-amz-invocation-type', 'x-amz-log-type', 'x-amz-client-context', 'x-amz-target', 'content-type'),
      fc.oneof(
        fc.constantFrom('Logs_20140328.DescribeLogGroups', 'Logs_20140328.GetLogEvents', 'Logs_20140328.FilterLogEvents', 'Logs_20140328.DescribeLogStreams', 'Logs_20140328.Nope', 'Logs_20140328.', 'Logs_20140328.CreateLogGroup', 'AmazonSQS.ListQueues', 'Logs_20140328', '.'),
        fc.string({ maxLength: 30 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
      ),
    ),
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const server = r.server === 'signed' ? gust : open;
      const body = r.method === 'GET' || r.method === 'HEAD' ? '' : r.body;
      const res = await signedFetch(server, r.method, r.path + r.query, body, r.headers, serviceOf(r.path, r.headers));
      assert.ok(res.status < 500, `${r.server} ${r.method} ${r.path}${r.query} ${JSON.stringify(r.headers)} ${body.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 400), interruptAfterTimeLimit: 60_000 },
  );
  await stillServing();
  assert.doesNotMatch(gust.output() + open.output(), /internal error/);
});
