// Escapes through configuration rather than code (issue #8, items 1–3), each tried by a real
// function (test/fixtures/functions/node-escape) on a real Gust: a function's environment
// (LD_PRELOAD, NODE_OPTIONS, secrets) reaches only its own unprivileged process, never a
// host-side or privileged one; with a network allow-list no process in the sandbox keeps a
// capability; and a seccomp filter denies the kernel interfaces a function has no use for.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { zipDirectory } from '../../src/cli/zip-directory.js';
import { FIXTURES, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const ROLE = 'arn:aws:iam::000000000000:role/x';
const NOBODY = '65534';
const NO_CAPS = '0000000000000000';
const EPERM = 1;
const ENOSYS = 38;
/** The runtime's node is bound into the sandbox at its host path. */
const NODE = fs.realpathSync(process.execPath);

let gust: GustProcess;
let lambda: LambdaClient;
let zip: Buffer;

/** The fixture with its C parts compiled by the machine's gcc: the preload library and the syscall probe. */
async function escapeZip(): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-escape-'));
  const src = path.join(FIXTURES, 'node-escape');
  for (const file of ['index.js', 'mark.js']) fs.copyFileSync(path.join(src, file), path.join(dir, file));
  execFileSync('gcc', ['-O2', '-shared', '-fPIC', '-o', path.join(dir, 'preload.so'), path.join(src, 'preload.c')]);
  execFileSync('gcc', ['-O2', '-pthread', '-o', path.join(dir, 'probe'), path.join(src, 'probe.c')]);
  try {
    return await zipDirectory(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function create(client: LambdaClient, name: string, extra: Record<string, unknown> = {}) {
  await client.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Timeout: 20, Code: { ZipFile: zip }, ...extra }));
}

async function call(client: LambdaClient, fn: string, action: string, args: Record<string, unknown> = {}) {
  const res = await client.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ action, ...args })) }));
  const body = decode(res.Payload);
  assert.equal(res.FunctionError, undefined, `${fn} ${action} failed: ${JSON.stringify(body)}`);
  return body;
}

/** The unpacked code on the host: the path a library in the zip has outside the sandbox. */
function hostCodeDir(dataDir: string): string {
  const root = path.join(dataDir, 'code');
  const dir = fs.readdirSync(root).find((d) => fs.existsSync(path.join(root, d, 'preload.so')));
  assert.ok(dir, 'the code is unpacked on the host');
  return path.join(root, dir);
}

/** Host processes whose environment or command line holds `needle`, with their real uid and program. */
function hostProcessesHolding(needle: string): { pid: number; uid: string; exe: string; where: 'environ' | 'cmdline' }[] {
  const found: { pid: number; uid: string; exe: string; where: 'environ' | 'cmdline' }[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      for (const where of ['environ', 'cmdline'] as const) {
        if (!fs.readFileSync(`/proc/${pid}/${where}`).includes(needle)) continue;
        const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
        found.push({ pid: Number(pid), uid, exe: fs.readlinkSync(`/proc/${pid}/exe`), where });
      }
    } catch {
      /* the process ended meanwhile */
    }
  }
  return found.filter((p) => p.pid !== process.pid);
}

const markFilesOnHost = (prefix: string) => fs.readdirSync(path.dirname(prefix)).filter((f) => f.startsWith(`${path.basename(prefix)}.`));

function listen(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => socket.on('data', (d) => socket.end(d)));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** An echo server on a port below 1024 (the tests run as root), to show the forwarder still binds one. */
async function listenOnLowPort(): Promise<net.Server> {
  for (let port = 1000; port > 900; port--) {
    try {
      return await listen(port);
    } catch {
      /* taken: try the next */
    }
  }
  throw new Error('no free port below 1024');
}

before(async () => {
  zip = await escapeZip();
  gust = await startGust();
  assert.match(gust.output(), /Sandbox: namespaces/);
  lambda = lambdaClient(gust);
});
after(async () => gust.stop());

test('item 1: a function’s environment reaches only its own unprivileged process — never the launch chain, bubblewrap or setpriv', async () => {
  const prefix = `/tmp/gust-preload-${crypto.randomBytes(6).toString('hex')}`;
  const secret = `secret-${crypto.randomBytes(12).toString('hex')}`;
  const environment = { GUST_TEST_MARK: prefix, GUST_TEST_SECRET: secret, NODE_OPTIONS: '--require /var/task/mark.js' };
  await create(lambda, 'env-reach', { Environment: { Variables: environment } });
  // LD_PRELOAD names the library both where the sandbox sees it and where the host keeps it: a
  // process of the launch chain would load one or the other, as root.
  const ldPreload = `/var/task/preload.so ${path.join(hostCodeDir(gust.dataDir), 'preload.so')}`;
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'env-reach', Environment: { Variables: { ...environment, LD_PRELOAD: ldPreload } } }));
  try {
    const loaded = (await call(lambda, 'env-reach', 'preloaded', { prefix })) as string[];
    assert.ok(loaded.length > 0, 'LD_PRELOAD works for the function itself, as on Lambda');
    for (const line of loaded) assert.equal(line, `${NOBODY} ${NODE}`, 'loaded only by the function’s own process, as nobody');
    assert.deepEqual(markFilesOnHost(prefix), [], 'no host-side process loaded the library');

    const nodeOptions = await call(lambda, 'env-reach', 'nodeOptions');
    assert.equal(nodeOptions.required, true, 'the function’s NODE_OPTIONS take effect in its own process');
    for (const line of nodeOptions.marks) assert.match(line, new RegExp(`^${NOBODY} .*bootstrap\\.mjs$`));

    // The instance is warm: whatever of its launch still runs (bubblewrap, its reaper) is there.
    const holders = hostProcessesHolding(secret);
    assert.ok(holders.some((p) => p.where === 'environ'), 'the function’s own process has it');
    for (const p of holders) {
      assert.equal(p.where, 'environ', `the secret is on the command line of ${p.exe} (pid ${p.pid})`);
      assert.deepEqual([p.uid, p.exe], [NOBODY, NODE], `${p.exe} (pid ${p.pid}, uid ${p.uid}) has the function’s environment`);
    }
  } finally {
    for (const f of markFilesOnHost(prefix)) fs.rmSync(path.join(path.dirname(prefix), f));
  }
});

test('item 1: environment names and values that could inject an option or split a word are refused', async () => {
  for (const name of ['-x', '--bind', 'A=B', '1A', 'A B']) {
    await assert.rejects(create(lambda, 'bad-env', { Environment: { Variables: { [name]: '1' } } }), { name: 'ValidationException' }, name);
  }
  await assert.rejects(create(lambda, 'bad-env', { Environment: { Variables: { AB: 'x\0--bind' } } }), (err: Error) => {
    assert.equal(err.name, 'InvalidParameterValueException', err.message);
    assert.match(err.message, /NUL/);
    return true;
  });
});

test('item 1: with --sandbox process too, only the function’s process gets its environment', async () => {
  const plain = await startGust({ args: ['--sandbox', 'process'] });
  const prefix = `/tmp/gust-preload-${crypto.randomBytes(6).toString('hex')}`;
  try {
    assert.match(plain.output(), /plain processes/);
    const client = lambdaClient(plain);
    await create(client, 'env-plain', { Environment: { Variables: { GUST_TEST_MARK: prefix } } });
    const library = path.join(hostCodeDir(plain.dataDir), 'preload.so');
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'env-plain', Environment: { Variables: { GUST_TEST_MARK: prefix, LD_PRELOAD: library } } }));
    const loaded = (await call(client, 'env-plain', 'preloaded', { prefix })) as string[];
    assert.ok(loaded.length > 0, 'LD_PRELOAD works for the function itself');
    // This mode runs functions as root by design; what it must not do is run sh, setpriv or prlimit with their environment.
    for (const line of loaded) assert.equal(line.split(' ')[1], NODE, `loaded by ${line}`);
  } finally {
    for (const f of markFilesOnHost(prefix)) fs.rmSync(path.join(path.dirname(prefix), f));
    await plain.stop();
  }
});

test('item 2: with a network allow-list, no process in the sandbox keeps a capability and the forwarder never sees the function’s environment', async () => {
  const low = await listenOnLowPort();
  const high = await listen(0);
  const lowPort = (low.address() as net.AddressInfo).port;
  const highPort = (high.address() as net.AddressInfo).port;
  const prefix = `/tmp/gust-preload-${crypto.randomBytes(6).toString('hex')}`;
  const secret = `secret-${crypto.randomBytes(12).toString('hex')}`;
  try {
    await create(lambda, 'listed-env', {
      Tags: { 'gust:network': `localhost:${lowPort},localhost:${highPort}` },
      Environment: { Variables: { GUST_TEST_MARK: prefix, GUST_TEST_SECRET: secret, NODE_OPTIONS: '--require /var/task/mark.js', LD_PRELOAD: '/var/task/preload.so' } },
    });
    assert.deepEqual(await call(lambda, 'listed-env', 'echo', { host: 'localhost', port: lowPort }), { reply: 'ping' }, 'a port below 1024 is still forwarded');
    assert.deepEqual(await call(lambda, 'listed-env', 'echo', { host: 'localhost', port: highPort }), { reply: 'ping' });

    const processes = (await call(lambda, 'listed-env', 'processes')) as { pid: number; cmdline: string[]; Uid: string; CapPrm: string; CapEff: string; CapInh: string; CapAmb: string; NoNewPrivs: string; Seccomp: string }[];
    const forwarder = processes.find((p) => p.pid !== 1 && p.cmdline[1]?.endsWith('sandbox-forwarder.mjs'));
    assert.ok(forwarder, `the forwarder runs: ${JSON.stringify(processes.map((p) => p.cmdline))}`);
    assert.ok(!forwarder.cmdline.join(' ').includes(secret), 'no secret on the forwarder’s command line');
    assert.deepEqual([forwarder.Uid, forwarder.CapEff, forwarder.CapPrm], [NOBODY, NO_CAPS, NO_CAPS], `the forwarder runs as nobody without capabilities: ${JSON.stringify(forwarder)}`);
    const nodeOptions = await call(lambda, 'listed-env', 'nodeOptions');
    assert.equal(nodeOptions.required, true, 'the function’s NODE_OPTIONS still take effect in its own process');
    for (const line of nodeOptions.marks) assert.match(line, new RegExp(`^${NOBODY} .*bootstrap\\.mjs$`), 'NODE_OPTIONS reached another process');
    const loaded = (await call(lambda, 'listed-env', 'preloaded', { prefix })) as string[];
    assert.ok(loaded.length > 0);
    for (const line of loaded) assert.equal(line, `${NOBODY} ${NODE}`);

    for (const p of processes) {
      const what = `${p.cmdline.join(' ')} (pid ${p.pid})`;
      assert.equal(p.CapPrm, NO_CAPS, `${what} holds capabilities`);
      assert.equal(p.CapEff, NO_CAPS, `${what} holds capabilities`);
      assert.equal(p.CapAmb, NO_CAPS, `${what} holds ambient capabilities`);
      if (p.pid === 1) continue; // bubblewrap's reaper: root, but no capabilities and nothing of the function
      assert.equal(p.Uid, NOBODY, `${what} runs as uid ${p.Uid}`);
      assert.equal(p.CapInh, NO_CAPS, `${what} has inheritable capabilities`);
      assert.equal(p.NoNewPrivs, '1', `${what} may gain privileges`);
      assert.equal(p.Seccomp, '2', `${what} runs without the seccomp filter`);
    }
  } finally {
    low.close();
    high.close();
  }
});

test('item 3: a seccomp filter denies what containers deny, and ordinary work still works', async () => {
  await create(lambda, 'seccomp');
  const probe = await call(lambda, 'seccomp', 'probe');
  const wrong = Object.entries(probe.denied as Record<string, number>).filter(([, errno]) => errno !== EPERM);
  assert.deepEqual(wrong, [], 'each denied call fails with EPERM (0 would mean it succeeded)');
  assert.ok(Object.keys(probe.denied).length >= 40, 'the probe tried them all');
  assert.deepEqual(probe.enosys, { clone3: ENOSYS }, 'clone3 reports ENOSYS, so that libc falls back to clone');
  assert.deepEqual(probe.allowed, { getpid: 0, 'personality(query)': 0, 'fork+exec': 0, pthread_create: 0 }, 'fork, exec and threads work');

  const unshare = await call(lambda, 'seccomp', 'run', { file: '/usr/bin/unshare', args: ['-Ur', 'true'] });
  assert.notEqual(unshare.status, 0);
  assert.match(unshare.stderr, /Operation not permitted/);

  const python = await call(lambda, 'seccomp', 'run', { file: '/usr/bin/python3', args: ['-c', 'import threading, subprocess; t = threading.Thread(target=print); t.start(); t.join(); print(subprocess.check_output(["/bin/echo", "py-ok"]).decode().strip())'] });
  assert.equal(python.status, 0, python.stderr);
  assert.match(python.stdout, /py-ok/);
  assert.equal(await call(lambda, 'seccomp', 'thread'), 42, 'worker threads work');
  assert.deepEqual(await call(lambda, 'seccomp', 'fetch', { url: `${gust.url}/2015-03-31/functions` }), { status: 403 }, 'the network works');
  const self = ((await call(lambda, 'seccomp', 'processes')) as { pid: number; cmdline: string[]; Seccomp: string }[]).find((p) => p.pid !== 1 && p.cmdline[1]?.endsWith('bootstrap.mjs'));
  assert.equal(self?.Seccomp, '2', 'the runtime runs under the filter');
});
