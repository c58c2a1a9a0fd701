// `npm run bench:peers`: Gust measured the way its peers are measured. In one run: a bare
// node:http server (the limit), workerd (the best peer) and Gust — Invoke API signed and with
// --no-auth, an HTTP gateway route, a function URL — each server with all its children pinned
// to CPU 0, autocannon pinned to CPU 1, every figure printed as a share of bare.
// Prints figures; never fails on a timing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, CreateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import { signRequest } from '../src/api/sigv4.js';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust, type GustProcess } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BODY = '{"hello":"world"}';
const AUTOCANNON = path.resolve('node_modules/autocannon/autocannon.js');
/** workerd is large (160 MB) and only the benchmark needs it: installed on first use, outside the project. */
const PEER_CACHE = path.join(os.homedir(), '.cache/gust-bench');

interface Target {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** Pins a process and every thread it has to one CPU; children it starts later inherit it. */
const pin = (pid: number, cpu: number) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d;
      const m = pattern.exec(seen);
      if (m) resolve(m);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${seen}`)));
  });
}

async function startBare(): Promise<{ url: string; child: ChildProcess }> {
  const code = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/json'});s.end('${BODY}')})}).listen(0,'127.0.0.1',function(){console.log('port '+this.address().port)})`;
  // A clean environment: the same start-up cost Gust's function processes pay.
  const child = spawn('taskset', ['-c', '0', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  const m = await waitForLine(child, /port (\d+)/);
  return { url: `http://127.0.0.1:${m[1]}/`, child };
}

function workerdBinary(): string | undefined {
  const local = path.resolve('node_modules/.bin/workerd');
  if (fs.existsSync(local)) return local;
  const cached = path.join(PEER_CACHE, 'node_modules/.bin/workerd');
  if (fs.existsSync(cached)) return cached;
  console.log(`installing workerd into ${PEER_CACHE} (once, ~160 MB from the npm registry)…`);
  try {
    fs.mkdirSync(PEER_CACHE, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--prefix', PEER_CACHE, 'workerd@1'], { stdio: 'inherit' });
    return cached;
  } catch {
    console.log('workerd could not be installed: its row is skipped');
    return undefined;
  }
}

async function startWorkerd(bin: string): Promise<{ url: string; child: ChildProcess } | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-bench-workerd-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  fs.writeFileSync(path.join(dir, 'worker.js'), `export default { fetch() { return new Response('${BODY}', { headers: { 'content-type': 'application/json' } }); } };\n`);
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .hello) ],
  sockets = [ ( name = "http", address = "127.0.0.1:${port}", http = (), service = "main" ) ]
);
const hello :Workerd.Worker = ( modules = [ (name = "worker", esModule = embed "worker.js") ], compatibilityDate = "2024-01-01" );
`,
  );
  const child = spawn('taskset', ['-c', '0', bin, 'serve', path.join(dir, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  return undefined;
}

/** autocannon on CPU 1, as a separate process: its own CPU, not the bench's. */
function autocannon(target: Target, connections: number): number {
  const args = ['-c', '1', AUTOCANNON, '-j', '-c', String(connections), '-d', String(SECONDS), '-m', target.method ?? 'GET'];
  for (const [k, v] of Object.entries(target.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (target.body !== undefined) args.push('-b', target.body);
  const out = execFileSync('taskset', [...args, target.url], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  const result = JSON.parse(String(out));
  if (result.non2xx > 0 || result.errors > 0) console.log(`  (${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors)`);
  return result.requests.average as number;
}

async function gustTargets(gust: GustProcess, signed: boolean): Promise<Target[]> {
  const lambda = lambdaClient(gust);
  const name = 'peers-hello';
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: await fixtureZip('bench-hello') } }));
  const invokeUrl = `${gust.url}/2015-03-31/functions/${name}/invocations`;
  if (!signed) return [{ name: 'Gust Invoke API (--no-auth)', url: invokeUrl, method: 'POST', body: '{}' }];
  // A signature stays valid for 15 minutes, so one signed request is replayed (as AWS accepts it).
  const headers = signRequest({ method: 'POST', url: invokeUrl, headers: { 'content-type': 'application/json' }, body: '{}', ...gust.credentials, region: gust.region, service: 'lambda' });
  const routesUrl = `${gust.url}/gust/routes`;
  const routeBody = JSON.stringify({ method: 'GET', path: '/hello', function: name });
  const route = await fetch(routesUrl, { method: 'POST', body: routeBody, headers: signRequest({ method: 'POST', url: routesUrl, headers: {}, body: routeBody, ...gust.credentials, region: gust.region, service: 'lambda' }) });
  if (!route.ok) throw new Error(`route: ${route.status} ${await route.text()}`);
  const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }));
  return [
    { name: 'Gust Invoke API (SigV4)', url: invokeUrl, method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' },
    { name: 'Gust HTTP gateway route', url: `${gust.url}/hello` },
    { name: 'Gust function URL', url: FunctionUrl! },
  ];
}

async function startPinnedGust(args: string[] = []): Promise<GustProcess> {
  const gust = await startGust({ args: ['--keep-alive', '600', ...args] });
  pin(gust.pid, 0); // before any instance starts, so that every instance inherits CPU 0
  return gust;
}

async function measure(target: Target): Promise<[number, number]> {
  // Warm up (instances started, JIT warm) before measuring.
  execFileSync('taskset', ['-c', '1', process.execPath, AUTOCANNON, '-c', '10', '-a', '500', ...Object.entries(target.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]), ...(target.body !== undefined ? ['-b', target.body] : []), '-m', target.method ?? 'GET', target.url], { stdio: 'ignore' });
  return [autocannon(target, 1), autocannon(target, 10)];
}

const rows: { name: string; c1: number; c10: number }[] = [];
const stops: (() => Promise<void> | void)[] = [];
try {
  console.log(`# Gust against its peers (${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs, ${SECONDS} s per figure)`);
  console.log('# servers and their children on CPU 0, autocannon on CPU 1');
  const bare = await startBare();
  stops.push(() => void bare.child.kill());
  rows.push({ name: 'bare node:http (the limit)', ...(await measure({ name: 'bare', url: bare.url }).then(([c1, c10]) => ({ c1, c10 }))) });
  bare.child.kill();

  const bin = workerdBinary();
  const workerd = bin ? await startWorkerd(bin) : undefined;
  if (workerd) {
    stops.push(() => void workerd.child.kill());
    const [c1, c10] = await measure({ name: 'workerd', url: workerd.url });
    rows.push({ name: 'workerd', c1, c10 });
    workerd.child.kill();
  }

  for (const signed of [true, false]) {
    const gust = await startPinnedGust(signed ? [] : ['--no-auth']);
    stops.push(() => gust.stop());
    for (const target of await gustTargets(gust, signed)) {
      const [c1, c10] = await measure(target);
      rows.push({ name: target.name, c1, c10 });
    }
    await gust.stop();
  }
} finally {
  for (const stop of stops) await Promise.resolve(stop()).catch(() => {});
}

const bare = rows[0];
const share = (x: number, base: number) => `${((x / base) * 100).toFixed(1)} %`;
console.log('\n| server | c=1 req/s | c=10 req/s | share of bare c=1 | share of bare c=10 |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r.c1.toFixed(0)} | ${r.c10.toFixed(0)} | ${share(r.c1, bare.c1)} | ${share(r.c10, bare.c10)} |`);
