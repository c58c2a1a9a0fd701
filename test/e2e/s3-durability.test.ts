// S3 bodies are streamed, never held whole: a Gust with a 96 MB heap takes a 1 GB PUT and a
// multipart upload and serves them back. What was acknowledged survives kill -9; an upload cut
// by kill -9 leaves no object and, after the restart, no blob.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { startGust, type GustProcess } from '../helpers/gust-process.js';

const started: GustProcess[] = [];
after(() => Promise.all(started.map((g) => g.stop().catch(() => {}))));
async function gustOn(dataDir?: string) {
  const gust = await startGust({ dataDir, nodeArgs: ['--max-old-space-size=96'] });
  started.push(gust);
  const s3 = new S3Client({ region: gust.region, credentials: gust.credentials, endpoint: gust.url, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  return { gust, s3 };
}
const blobFiles = (dataDir: string) => (fs.readdirSync(path.join(dataDir, 'objects'), { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dataDir, 'objects', f)).isFile());

/** `size` bytes of a repeatable pattern, generated as they are sent, hashed on the way. */
function generated(size: number, hash = createHash('sha256')) {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31) & 0xff;
  return {
    hash,
    stream: Readable.from((function* () {
      for (let sent = 0; sent < size; sent += block.length) {
        const chunk = block.subarray(0, Math.min(block.length, size - sent));
        hash.update(chunk);
        yield chunk;
      }
    })()),
  };
}

async function sha256Of(body: AsyncIterable<Uint8Array>) {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk);
  return hash.digest('hex');
}

test('a 1 GB PUT and a multipart upload through a 96 MB heap, read back whole', async () => {
  const { gust, s3 } = await gustOn();
  await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
  const GB = 1024 ** 3;
  const body = generated(GB);
  await s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'one-gb', Body: body.stream, ContentLength: GB }));
  const sent = body.hash.digest('hex');
  const got = await s3.send(new GetObjectCommand({ Bucket: 'big', Key: 'one-gb' }));
  assert.equal(got.ContentLength, GB);
  assert.equal(await sha256Of(got.Body as AsyncIterable<Uint8Array>), sent);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'big', Key: 'parts' }));
  const whole = createHash('sha256');
  const parts = [];
  for (const [n, size] of [[1, 64 * 1024 * 1024], [2, 3 * 1024 * 1024]] as const) {
    const part = generated(size, whole);
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: 'big', Key: 'parts', UploadId, PartNumber: n, Body: part.stream, ContentLength: size }));
    parts.push({ PartNumber: n, ETag });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'big', Key: 'parts', UploadId, MultipartUpload: { Parts: parts } }));
  const back = await s3.send(new GetObjectCommand({ Bucket: 'big', Key: 'parts' }));
  assert.equal(await sha256Of(back.Body as AsyncIterable<Uint8Array>), whole.digest('hex'));
  assert.doesNotThrow(() => process.kill(gust.pid, 0), 'Gust is alive');
});

test('kill -9: an acknowledged PUT is there after the restart; an upload cut mid-body leaves no object and no blob', async () => {
  const first = await gustOn();
  await first.s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
  await first.s3.send(new PutObjectCommand({ Bucket: 'crash', Key: 'acked', Body: 'kept' }));
  // An upload in flight: 64 MB declared, the server killed once part of it has arrived.
  const size = 64 * 1024 * 1024;
  let sentBytes = 0;
  const killed = new Promise<void>((resolve) => {
    const stream = Readable.from((async function* () {
      const chunk = Buffer.alloc(1024 * 1024, 1);
      for (; sentBytes < size; sentBytes += chunk.length) {
        if (sentBytes === 8 * chunk.length) {
          await first.gust.kill9();
          resolve();
        }
        yield chunk;
      }
    })());
    first.s3.send(new PutObjectCommand({ Bucket: 'crash', Key: 'cut', Body: stream, ContentLength: size })).catch(() => {});
  });
  await killed;
  const second = await gustOn(first.gust.dataDir);
  const acked = await second.s3.send(new GetObjectCommand({ Bucket: 'crash', Key: 'acked' }));
  assert.equal(await acked.Body!.transformToString(), 'kept');
  await assert.rejects(second.s3.send(new HeadObjectCommand({ Bucket: 'crash', Key: 'cut' })), { name: 'NotFound' });
  assert.equal(blobFiles(second.gust.dataDir).length, 1, 'only the acknowledged object’s blob is left');
});
