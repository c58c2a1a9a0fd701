// Hostile functions, each a real function run on a real Gust in its default namespace sandbox:
// every attempt fails or is contained, the function's own invocation fails the way Lambda's
// would, and other functions keep answering.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

async function create(name: string, fixture: string, extra: Record<string, unknown> = {}) {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip(fixture) }, ...extra }));
}

async function attack(attack: string, args: Record<string, unknown> = {}, fn = 'hostile') {
  const res = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ attack, ...args })) }));
  return { error: res.FunctionError, body: decode(res.Payload) };
}

/** A URL a function fetches to say it reached a point; `reached` resolves when it does. */
async function signalPoint() {
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  const server = http.createServer((_req, res) => {
    res.end('ok');
    reached();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/reached`;
  return { url, reached: done, close: () => server.close() };
}

async function othersStillAnswer() {
  const started = Date.now();
  const res = await lambda.send(new InvokeCommand({ FunctionName: 'bystander', Payload: Buffer.from('{"name":"ok"}') }));
  assert.equal(decode(res.Payload).hello, 'ok');
  return Date.now() - started;
}

before(async () => {
  gust = await startGust();
  assert.match(gust.output(), /Sandbox: namespaces/);
  lambda = lambdaClient(gust);
  await create('hostile', 'node-hostile', { Timeout: 10, MemorySize: 256, EphemeralStorage: { Size: 512 } });
  await create('bystander', 'node-hello');
  await create('victim', 'node-hello', { Environment: { Variables: { SECRET: 'victim-secret' } } });
  await othersStillAnswer();
});
after(async () => gust.stop());

test('runs as an unprivileged user in its own PID namespace, seeing no host process', async () => {
  const who = (await attack('whoami')).body;
  assert.equal(who.uid, 65534);
  const procs = (await attack('processes')).body as string[];
  assert.ok(procs.length < 10, `sees only its sandbox: ${procs.join(' | ')}`);
  assert.ok(!procs.some((cmd) => cmd?.includes('cli/main.js')), 'Gust itself is invisible');
});

test('cannot read /etc/shadow, the data directory or another function’s code', async () => {
  assert.equal((await attack('read', { path: '/etc/shadow' })).body.code, 'EACCES');
  assert.equal((await attack('list', { path: gust.dataDir })).body.code, 'ENOENT');
  assert.equal((await attack('read', { path: path.join(gust.dataDir, 'credentials') })).body.code, 'ENOENT');
  const codeDirs = fs.readdirSync(path.join(gust.dataDir, 'code')).filter((d) => !d.endsWith('.zip'));
  for (const dir of codeDirs) assert.equal((await attack('list', { path: path.join(gust.dataDir, 'code', dir) })).body.code, 'ENOENT');
  const own = (await attack('list', { path: '/var/task' })).body;
  assert.deepEqual(own.result, ['index.js'], 'sees only its own code, at /var/task');
});

test('cannot write to the system or to its own code', async () => {
  assert.equal((await attack('write', { path: '/usr/owned' })).body.code, 'EROFS');
  assert.equal((await attack('write', { path: '/etc/owned' })).body.code, 'EROFS');
  assert.equal((await attack('write', { path: '/var/task/index.js' })).body.code, 'EROFS');
  assert.equal((await attack('write', { path: '/tmp/mine' })).body.ok, true, '/tmp is writable');
});

test('cannot kill or even see a host process', async () => {
  const gustPid = Number(execFileSync('pgrep', ['-f', `${gust.dataDir} up`], { encoding: 'utf8' }).trim().split('\n')[0]);
  const result = (await attack('kill', { pid: gustPid })).body;
  assert.equal(result.ok, false);
  assert.equal(result.code, 'ESRCH');
  await othersStillAnswer();
});

test('a fork bomb is stopped by the process limit', async () => {
  const result = await attack('fork-bomb');
  assert.ok(result.error || result.body.spawned < 1100, JSON.stringify(result));
  if (!result.error) assert.equal(result.body.error, 'EAGAIN');
  await othersStillAnswer();
});

test('filling /tmp stops at EphemeralStorage', async () => {
  // /tmp is memory-backed and counts against MemorySize, so give the function room for it.
  await create('filler', 'node-hostile', { MemorySize: 1024, EphemeralStorage: { Size: 600 }, Timeout: 30 });
  const result = (await attack('fill-tmp', {}, 'filler')).body;
  assert.equal(result.code, 'ENOSPC');
  assert.ok(result.written <= 600 * 1024 * 1024 && result.written >= 590 * 1024 * 1024, String(result.written));
  await othersStillAnswer();
});

test('exhausting file descriptors stops at 1024', async () => {
  const result = (await attack('exhaust-fds')).body;
  assert.equal(result.code, 'EMFILE');
  assert.ok(result.opened < 1024);
});

test('the control API refuses it without credentials, even from inside', async () => {
  const result = (await attack('call-api-unsigned')).body;
  assert.equal(result.status, 403);
  assert.equal(result.type, 'MissingAuthenticationTokenException');
});

// Bounded: if the Runtime API let a stranger in, the victim's call could hang on the stolen event.
test('cannot reach another instance’s Runtime API to take or answer its events', { timeout: 60_000 }, async () => {
  await lambda.send(new InvokeCommand({ FunctionName: 'victim', Payload: Buffer.from('{}') })); // warm, parked on /next
  const point = await signalPoint();
  const stealing = attack('steal-events', { signal: point.url });
  await point.reached; // every probe is parked on another instance's /next (or was refused)
  const victim = await lambda.send(new InvokeCommand({ FunctionName: 'victim', Payload: Buffer.from('{"name":"mine"}') }));
  assert.equal(decode(victim.Payload).hello, 'mine', 'the victim still gets its own event');
  const result = (await stealing).body;
  point.close();
  assert.ok(result.probed >= 2, `found the other Runtime APIs (${result.probed})`);
  for (const outcome of result.outcomes) assert.equal(outcome.requestId ?? null, null, `took an event from port ${outcome.port}`);
});

test('with gust:network=off a function reaches no network, yet its runtime works (Node, Python, custom)', async () => {
  const { port } = new URL(gust.url);
  const online = (await attack('reach', { host: '127.0.0.1', port: Number(port) })).body;
  assert.equal(online.connected, true, 'by default (on) the network is there, as on Lambda');
  await create('offline', 'node-hostile', { Tags: { 'gust:network': 'off' } });
  const offline = (await attack('reach', { host: '127.0.0.1', port: Number(port) }, 'offline')).body;
  assert.equal(offline.connected, false);
  assert.equal(offline.code, 'ECONNREFUSED');
  const outside = (await attack('reach', { host: '10.255.255.1', port: 80 }, 'offline')).body;
  assert.equal(outside.connected, false);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'offline-py', Runtime: 'python3.11', Handler: 'app.handler', Role: role, Tags: { 'gust:network': 'off' }, Code: { ZipFile: await fixtureZip('python-hello') } }));
  assert.equal(decode((await lambda.send(new InvokeCommand({ FunctionName: 'offline-py', Payload: Buffer.from('{"name":"py"}') }))).Payload).hello, 'py');
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'offline-bash', Runtime: 'provided.al2023', Handler: 'x', Role: role, Tags: { 'gust:network': 'off' }, Code: { ZipFile: await fixtureZip('custom-bash') } }));
  assert.deepEqual(decode((await lambda.send(new InvokeCommand({ FunctionName: 'offline-bash', Payload: Buffer.from('{"n":1}') }))).Payload), { bash: true, event: { n: 1 } });
  await assert.rejects(create('badnet', 'node-hello', { Tags: { 'gust:network': '10.0.0.1:443' } }), { name: 'InvalidParameterValueException' });
  await assert.rejects(create('badnet', 'node-hello', { Tags: { 'gust:network': 'example.com:99999' } }), { name: 'InvalidParameterValueException' });
});

test('with a gust:network allow-list a function reaches exactly the listed host:port', async () => {
  const echo = (socket: net.Socket) => socket.on('data', (d) => socket.end(d));
  const allowedServer = net.createServer(echo).listen(0, '127.0.0.1');
  const otherServer = net.createServer(echo).listen(0, '127.0.0.1');
  await Promise.all([allowedServer, otherServer].map((s) => new Promise((r) => s.once('listening', r))));
  const allowedPort = (allowedServer.address() as net.AddressInfo).port;
  const otherPort = (otherServer.address() as net.AddressInfo).port;
  try {
    await create('listed', 'node-hostile', { Tags: { 'gust:network': `localhost:${allowedPort}` } });
    assert.deepEqual((await attack('echo', { host: 'localhost', port: allowedPort }, 'listed')).body, { reply: 'ping' }, 'the allowed destination works, end to end');
    assert.ok((await attack('echo', { host: 'localhost', port: otherPort }, 'listed')).body.error, 'another port of the same host is refused');
    const { port } = new URL(gust.url);
    assert.ok((await attack('echo', { host: '127.0.0.1', port: Number(port) }, 'listed')).body.error, 'Gust itself is out of reach');
    assert.ok((await attack('echo', { host: '10.255.255.1', port: 80 }, 'listed')).body.error, 'the world is out of reach');
    assert.equal((await attack('whoami', {}, 'listed')).body.uid, 65534, 'the function still runs as nobody');
  } finally {
    allowedServer.close();
    otherServer.close();
  }
});

test('a CPU spin is stopped at its timeout while others keep answering', async () => {
  await create('spinner', 'node-hostile', { Timeout: 2 });
  const point = await signalPoint();
  const spinning = lambda.send(new InvokeCommand({ FunctionName: 'spinner', Payload: Buffer.from(JSON.stringify({ attack: 'spin', signal: point.url })) }));
  await point.reached;
  await othersStillAnswer();
  point.close();
  const res = await spinning;
  assert.equal(decode(res.Payload).errorType, 'Sandbox.Timedout');
});

test('gigabytes of stdout are cut off in the log, and the platform keeps serving', async () => {
  // Read the log itself: the invocation must add at most its 10 MB budget and say it cut the rest.
  const logs = logsClient(gust);
  const group = '/aws/lambda/hostile';
  const storedBytes = async () => (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))).logGroups!.find((g) => g.logGroupName === group)?.storedBytes ?? 0;
  const before = await storedBytes();
  const result = await attack('flood-stdout', { megabytes: 64 });
  assert.equal(result.body.flooded, 64);
  const added = (await storedBytes()) - before;
  assert.ok(added > 9 * 1024 * 1024 && added < 10.5 * 1024 * 1024, `the invocation added ${added} bytes of log`);
  const notice = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"more than 10 MB of output"' }));
  assert.equal(notice.events!.length, 1, 'the log says the rest was dropped');
  await othersStillAnswer();
});

test('a child process left running ends with its instance', async () => {
  const marker = 900000 + Math.floor(Math.random() * 99999);
  await create('lingerer', 'node-hostile');
  await lambda.send(new InvokeCommand({ FunctionName: 'lingerer', Payload: Buffer.from(JSON.stringify({ attack: 'linger', marker })) }));
  const running = () => {
    try {
      return execFileSync('pgrep', ['-f', `sleep ${marker}`], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  assert.ok(running(), 'the child runs while its instance lives');
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'lingerer' }));
  const deadline = Date.now() + 3000;
  while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(running(), '', 'the child ended with the instance');
});
