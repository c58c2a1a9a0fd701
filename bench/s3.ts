// `node --import tsx bench/s3.ts`: Gust's S3 store against the same bytes written and read with
// `fs` on the same disk (fsynced, as Gust does), and against moto's server as a peer: PUT/GET
// MB/s for 1 MB and 100 MB objects, 4 KB PUT/GET ops/s at concurrency 1 and 16, and upload →
// function started latency. Servers are pinned to CPU 0, this load to CPU 1. Never fails on a timing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { AddPermissionCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { zipDirectory } from '../src/cli/zip-directory.js';
import { startGust } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const MB = 1024 * 1024;
const ROUNDS = { oneMb: Number(process.env.BENCH_S3_1MB ?? 50), hundredMb: Number(process.env.BENCH_S3_100MB ?? 3), small: Number(process.env.BENCH_S3_SMALL ?? 2000), trigger: Number(process.env.BENCH_S3_TRIGGER ?? 100) };

/** Pins a process and all its threads (and so the children it starts later) to one CPU. */
function pin(pid: number, cpu: number): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    console.warn(`(taskset unavailable: pid ${pid} not pinned to CPU ${cpu})`);
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

async function drain(body: unknown): Promise<number> {
  let n = 0;
  for await (const chunk of body as Readable) n += (chunk as Buffer).length;
  return n;
}

const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

interface Peer {
  name: string;
  s3: S3Client;
}

/** PUT then GET of `rounds` objects of `size` bytes, one at a time: MB/s each way. */
async function throughput(peer: Peer, bucket: string, size: number, rounds: number): Promise<{ put: number; get: number }> {
  const body = randomBytes(size);
  let t = performance.now();
  for (let i = 0; i < rounds; i++) await peer.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `big-${size}-${i}`, Body: body }));
  const put = mbps(size * rounds, performance.now() - t);
  t = performance.now();
  for (let i = 0; i < rounds; i++) {
    const got = await drain((await peer.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `big-${size}-${i}` }))).Body);
    if (got !== size) throw new Error(`${peer.name}: GET returned ${got} bytes, expected ${size}`);
  }
  return { put, get: mbps(size * rounds, performance.now() - t) };
}

/** The same bytes with fs on the same disk: temporary file, fsync, rename (as an object store must), then read back. */
function fsThroughput(dir: string, size: number, rounds: number): { put: number; get: number } {
  const body = randomBytes(size);
  let t = performance.now();
  for (let i = 0; i < rounds; i++) {
    const tmp = path.join(dir, `tmp-${i}`);
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, path.join(dir, `obj-${size}-${i}`));
  }
  const put = mbps(size * rounds, performance.now() - t);
  t = performance.now();
  for (let i = 0; i < rounds; i++) fs.readFileSync(path.join(dir, `obj-${size}-${i}`));
  return { put, get: mbps(size * rounds, performance.now() - t) };
}

/** 4 KB objects: PUT then GET, `concurrency` at a time: ops/s each way. */
async function smallOps(peer: Peer, bucket: string, concurrency: number, total: number): Promise<{ put: number; get: number }> {
  const body = randomBytes(4096);
  const phase = async (op: (i: number) => Promise<unknown>) => {
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }));
    return total / ((performance.now() - t) / 1000);
  };
  const put = await phase((i) => peer.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `small-${concurrency}-${i}`, Body: body })));
  const get = await phase(async (i) => drain((await peer.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `small-${concurrency}-${i}` }))).Body));
  return { put, get };
}

async function startMoto(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/moto-api/`).then(() => true, () => false);
    if (up) {
      pin(child.pid!, 0);
      return { url, child };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  console.warn('(moto server did not start: python3 -m moto.server; its column is left out)');
  return undefined;
}

/** Upload → the function's own start time, one upload at a time, the function kept warm. */
async function triggerLatency(gust: Awaited<ReturnType<typeof startGust>>, s3: S3Client, rounds: number): Promise<number[]> {
  const lambda = lambdaClient(gust);
  const zip = await zipDirectory(path.join(path.dirname(fileURLToPath(import.meta.url)), 'functions/s3-started'));
  const { FunctionArn } = await lambda.send(new CreateFunctionCommand({ FunctionName: 'bench-s3-started', Runtime: 'python3.11', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/b', Code: { ZipFile: zip } }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'bench-s3-started', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bench-trigger' }));
  for (const b of ['bench-trigger', 'bench-starts']) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'bench-trigger', NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: FunctionArn!, Events: ['s3:ObjectCreated:*'] }] } }));
  const started = async (key: string) => {
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const res = await s3.send(new GetObjectCommand({ Bucket: 'bench-starts', Key: key })).catch(() => undefined);
      if (res) return Number(Buffer.from(await res.Body!.transformToByteArray()).toString());
      await new Promise((r) => setTimeout(r, delay));
    }
  };
  const latencies: number[] = [];
  for (let i = -3; i < rounds; i++) { // three warm-up uploads start the instance
    const key = `t-${i + 3}`;
    const t0 = Date.now();
    await s3.send(new PutObjectCommand({ Bucket: 'bench-trigger', Key: key, Body: 'x' }));
    const at = await started(key);
    if (i >= 0) latencies.push(at - t0);
  }
  return latencies.sort((a, b) => a - b);
}

pin(process.pid, 1);
const gust = await startGust({ args: ['--keep-alive', '600'] });
pin(gust.pid, 0);
const moto = await startMoto();
const client = (endpoint: string, credentials = gust.credentials) => new S3Client({ endpoint, region: gust.region, credentials, forcePathStyle: true, maxAttempts: 1 });
const peers: Peer[] = [{ name: 'gust', s3: client(gust.url) }];
if (moto) peers.push({ name: 'moto', s3: client(moto.url, { accessKeyId: 'test', secretAccessKey: 'test' }) });
const fsDir = fs.mkdtempSync(path.join(gust.dataDir, 'bench-fs-'));

try {
  for (const p of peers) await p.s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
  const row = (label: string, cells: string[]) => console.log(`${label.padEnd(28)}${cells.map((c) => c.padStart(14)).join('')}`);
  row('', ['fs', ...peers.map((p) => p.name), 'gust/fs']);
  for (const [size, rounds, label] of [[MB, ROUNDS.oneMb, '1 MB'], [100 * MB, ROUNDS.hundredMb, '100 MB']] as const) {
    const base = fsThroughput(fsDir, size, rounds);
    const results: { put: number; get: number }[] = [];
    for (const p of peers) results.push(await throughput(p, 'bench', size, rounds));
    row(`PUT ${label} (MB/s)`, [base.put.toFixed(1), ...results.map((r) => r.put.toFixed(1)), (results[0].put / base.put).toFixed(2)]);
    row(`GET ${label} (MB/s)`, [base.get.toFixed(1), ...results.map((r) => r.get.toFixed(1)), (results[0].get / base.get).toFixed(2)]);
  }
  row('', ['', ...peers.map((p) => p.name), 'gust/moto']);
  for (const c of [1, 16]) {
    const results: { put: number; get: number }[] = [];
    for (const p of peers) results.push(await smallOps(p, 'bench', c, ROUNDS.small));
    const ratio = (k: 'put' | 'get') => (results[1] ? (results[0][k] / results[1][k]).toFixed(2) : '-');
    row(`PUT 4 KB c=${c} (ops/s)`, ['', ...results.map((r) => r.put.toFixed(0)), ratio('put')]);
    row(`GET 4 KB c=${c} (ops/s)`, ['', ...results.map((r) => r.get.toFixed(0)), ratio('get')]);
  }
  const lat = await triggerLatency(gust, peers[0].s3, ROUNDS.trigger);
  console.log(`upload → function started (gust, warm python3.11, ${lat.length} uploads): p50 ${pct(lat, 50)} ms  p99 ${pct(lat, 99)} ms`);
  console.log('(moto runs Lambda functions only in Docker: no trigger latency for it here)');
} finally {
  fs.rmSync(fsDir, { recursive: true, force: true });
  moto?.child.kill();
  await gust.stop();
}
