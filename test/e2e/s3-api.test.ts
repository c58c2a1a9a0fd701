// The S3 API against a real Gust, through the clients people use: the aws CLI (`aws s3` and
// `aws s3api`), boto3 (test/fixtures/s3_boto3_checks.py) and @aws-sdk/client-s3 in path and
// virtual-host style; bad input gets S3's error and changes nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { signRequest } from '../../src/api/sigv4.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';

const run = promisify(execFile);
let gust: GustProcess;
before(async () => (gust = await startGust()));
after(() => gust?.stop());

const aws = (...args: string[]) => run('aws', args, { env: gust.awsEnv() });
const blobFiles = () => (fs.readdirSync(path.join(gust.dataDir, 'objects'), { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(gust.dataDir, 'objects', f)).isFile());

test('aws CLI: mb, cp, ls, sync, rm, rb and s3api', async () => {
  const dir = fs.mkdtempSync(path.join(gust.dataDir, 'up-'));
  fs.mkdirSync(path.join(dir, 'a'));
  fs.writeFileSync(path.join(dir, 'a', 'x.txt'), 'x');
  fs.writeFileSync(path.join(dir, 'y.bin'), Buffer.alloc(9 * 1024 * 1024, 7)); // multipart in the CLI
  await aws('s3', 'mb', 's3://cli-bucket');
  await aws('s3', 'sync', dir, 's3://cli-bucket/s/');
  const { stdout: ls } = await aws('s3', 'ls', 's3://cli-bucket/s/', '--recursive');
  assert.match(ls, /s\/a\/x\.txt/);
  assert.match(ls, /9437184 s\/y\.bin/);
  const head = JSON.parse((await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 's/y.bin')).stdout);
  assert.match(head.ETag, /-\d+"$/, 'a multipart ETag');
  await aws('s3', 'cp', 's3://cli-bucket/s/y.bin', path.join(dir, 'back.bin'));
  assert.deepEqual(fs.readFileSync(path.join(dir, 'back.bin')), fs.readFileSync(path.join(dir, 'y.bin')));
  await assert.rejects(aws('s3', 'rb', 's3://cli-bucket'), /BucketNotEmpty/);
  await aws('s3', 'rm', 's3://cli-bucket', '--recursive');
  await aws('s3', 'rb', 's3://cli-bucket');
  assert.deepEqual(blobFiles(), [], 'deleted objects leave no blob');
  await assert.rejects(aws('s3api', 'head-bucket', '--bucket', 'cli-bucket'), /404/);
});

test('boto3: objects, listing, copy, tagging, multipart and bad input', async () => {
  const { stdout } = await run('python3', [path.resolve('test/fixtures/s3_boto3_checks.py'), 'boto-bucket'], { env: gust.awsEnv() });
  assert.match(stdout, /boto3 ok/);
});

test('@aws-sdk/client-s3, path style and virtual-host style (bucket.localhost)', async () => {
  const port = new URL(gust.url).port;
  // bucket.localhost resolves to this machine, as browsers and curl resolve *.localhost.
  const lookup = ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => (opts?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4))) as unknown as net.LookupFunction;
  const clients = {
    path: new S3Client({ region: gust.region, credentials: gust.credentials, endpoint: gust.url, forcePathStyle: true }),
    vhost: new S3Client({ region: gust.region, credentials: gust.credentials, endpoint: `http://localhost:${port}`, requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ lookup }) }) }),
  };
  await clients.path.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }));
  for (const [style, s3] of Object.entries(clients)) {
    await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: `${style}/ünï cødé.txt`, Body: `hello ${style}` }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: `${style}/ünï cødé.txt` }));
    assert.equal(await got.Body!.transformToString(), `hello ${style}`);
  }
  const listed = await clients.vhost.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', MaxKeys: 1 }));
  assert.equal(listed.KeyCount, 1);
  assert.equal(listed.IsTruncated, true);
  const rest = await clients.vhost.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', ContinuationToken: listed.NextContinuationToken }));
  assert.deepEqual([...listed.Contents!, ...rest.Contents!].map((o) => o.Key), ['path/ünï cødé.txt', 'vhost/ünï cødé.txt']);
});

test('a body shorter than its Content-Length leaves no object and no blob', async () => {
  await aws('s3', 'mb', 's3://short-bucket');
  const before = blobFiles().length;
  const { host, hostname, port } = new URL(gust.url);
  const url = `${gust.url}/short-bucket/short`;
  const headers = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '1000' };
  const signed = signRequest({ method: 'PUT', url, headers, body: '', ...gust.credentials, region: gust.region, service: 's3' });
  const socket = net.connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
  await new Promise((resolve) => socket.once('connect', resolve));
  const lines = Object.entries({ host: `${host}`, ...headers, ...signed }).map(([k, v]) => `${k}: ${v}`);
  await new Promise((resolve) => socket.write(`PUT /short-bucket/short HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${'x'.repeat(100)}`, resolve));
  socket.destroy(); // the client goes away after 100 of 1,000 bytes
  await assert.rejects(aws('s3api', 'head-object', '--bucket', 'short-bucket', '--key', 'short'), /404/);
  // The server may still be unwinding the broken upload: wait for its temporary file to go.
  for (let i = 0; blobFiles().length !== before && i < 100; i++) await new Promise((r) => setImmediate(r));
  assert.equal(blobFiles().length, before);
});
