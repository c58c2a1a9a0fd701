// S3 uploads as real clients send them, over HTTP to a test endpoint that runs the S3 service's
// checks (test/helpers/s3-upload-checker.ts): STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) signed
// with @smithy/signature-v4, @aws-sdk/client-s3's own requests (sha256 + checksum header, and
// STREAMING-UNSIGNED-PAYLOAD-TRAILER for streams), each tampered with in flight.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable, Transform } from 'node:stream';
import { after, before, test } from 'node:test';
import { PutObjectCommand, S3Client, UploadPartCommand, type ChecksumAlgorithm as SdkChecksumAlgorithm } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { checksumOf, type ChecksumAlgorithm } from '../../src/api/s3/checksums.js';
import { startUploadChecker, type UploadChecker } from '../helpers/s3-upload-checker.js';
import { Sha256 } from '../helpers/node-sha256.js';

const KEY = { accessKeyId: 'GKIAS3CLIENTSTESTKEY', secretAccessKey: 'YW5vdGhlci1zZWNyZXQta2V5' };
const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');


let checker: UploadChecker;
before(async () => {
  checker = await startUploadChecker(KEY);
});
after(() => checker.close());

/** Sends a request and waits for both the answer and the checker's record of it. */
async function send(method: string, path: string, headers: Record<string, string>, body: Buffer[], opts: { abortAfter?: number } = {}) {
  const recorded = checker.next();
  const url = new URL(path, checker.endpoint);
  const answer = new Promise<{ status: number; code?: string; text: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], text }));
    });
    req.on('error', opts.abortAfter !== undefined ? () => resolve({ status: 0, text: '' }) : reject);
    if (opts.abortAfter !== undefined) {
      req.write(Buffer.concat(body).subarray(0, opts.abortAfter), () => req.destroy());
      return;
    }
    for (const part of body) req.write(part);
    req.end();
  });
  const [response, seen] = await Promise.all([answer, recorded]);
  return { ...response, seen };
}

interface ChunkedPlan {
  trailer?: boolean;
  flipByte?: number;
  badChunkSignature?: number;
  badTrailerChecksum?: boolean;
  badTrailerSignature?: boolean;
  truncateTo?: number;
  decodedLength?: number;
}

/** A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload signed by @smithy/signature-v4: seed, chunks, trailer. */
async function signedChunkedUpload(data: Buffer, plan: ChunkedPlan = {}) {
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const url = new URL('/bucket/chunked%20key.bin', checker.endpoint);
  const headers: Record<string, string> = {
    host: url.host,
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': plan.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': String(plan.decodedLength ?? data.length),
    ...(plan.trailer && { 'x-amz-trailer': 'x-amz-checksum-crc32' }),
  };
  const signingDate = new Date();
  const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: url.hostname, port: +url.port, path: url.pathname, query: {}, headers, body: undefined }, { signingDate });
  const authorization = signed.headers.authorization;
  const amzDate = signed.headers['x-amz-date'];
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  let previous = /Signature=([0-9a-f]{64})/.exec(authorization)![1];
  const chunks = [];
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
  chunks.push(Buffer.alloc(0));
  const wire: Buffer[] = [];
  for (const [n, chunk] of chunks.entries()) {
    previous = await signer.sign(['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha(''), sha(chunk)].join('\n'), { signingDate });
    const sent = plan.badChunkSignature === n ? previous.replace(/^./, (c) => (c === '0' ? '1' : '0')) : previous;
    wire.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sent}\r\n`), Buffer.from(chunk), Buffer.from(chunk.length > 0 || !plan.trailer ? '\r\n' : ''));
  }
  if (plan.trailer) {
    const crc = plan.badTrailerChecksum ? checksumOf('CRC32', Buffer.from('something else')) : checksumOf('CRC32', data);
    const canonical = `x-amz-checksum-crc32:${crc}\n`;
    let trailerSignature = await signer.sign(['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha(canonical)].join('\n'), { signingDate });
    if (plan.badTrailerSignature) trailerSignature = sha(trailerSignature);
    wire.push(Buffer.from(`x-amz-checksum-crc32:${crc}\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`));
  }
  let body = Buffer.concat(wire);
  if (plan.flipByte !== undefined) {
    body = Buffer.from(body);
    const at = body.indexOf(data.subarray(0, 16)) + plan.flipByte; // inside the first chunk's data
    body[at] ^= 1;
  }
  if (plan.truncateTo !== undefined) body = body.subarray(0, plan.truncateTo);
  return send('PUT', url.pathname, { ...signed.headers, 'transfer-encoding': 'chunked' }, [body]);
}

test('@smithy/signature-v4-signed aws-chunked uploads verify, and each tampering fails with S3 code', { timeout: 120_000 }, async () => {
  const data = randomBytes(150_000);
  const ok = await signedChunkedUpload(data);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.seen.mode, 'chunked-signed');
  assert.equal(ok.seen.sha256, sha(data));

  const withTrailer = await signedChunkedUpload(data, { trailer: true });
  assert.equal(withTrailer.status, 200, withTrailer.text);
  assert.equal(withTrailer.seen.mode, 'chunked-signed-trailer');
  assert.deepEqual(withTrailer.seen.checksums, { CRC32: checksumOf('CRC32', data) });

  const refused = async (plan: ChunkedPlan, status: number, code: string) => {
    const r = await signedChunkedUpload(data, plan);
    assert.equal(r.status, status, `${JSON.stringify(plan)}: ${r.text}`);
    assert.equal(r.code, code, JSON.stringify(plan));
    assert.equal(r.seen.sha256, undefined, 'nothing was accepted');
  };
  await refused({ flipByte: 1000 }, 403, 'SignatureDoesNotMatch');
  await refused({ badChunkSignature: 1 }, 403, 'SignatureDoesNotMatch');
  await refused({ badChunkSignature: 3 }, 403, 'SignatureDoesNotMatch'); // the final, empty chunk
  await refused({ trailer: true, badTrailerSignature: true }, 403, 'SignatureDoesNotMatch');
  await refused({ trailer: true, badTrailerChecksum: true }, 400, 'BadDigest'); // signed as sent: authentic, but not the body's
  await refused({ truncateTo: 70_000 }, 400, 'IncompleteBody');
  await refused({ decodedLength: data.length + 1 }, 400, 'IncompleteBody');
});

test('a declared SHA-256 must match the body, and a client that goes away mid-body is IncompleteBody', { timeout: 120_000 }, async () => {
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const url = new URL('/bucket/plain', checker.endpoint);
  const sign = async (body: Buffer, declared = sha(body)) =>
    (await signer.sign({ method: 'PUT', protocol: 'http:', hostname: url.hostname, port: +url.port, path: url.pathname, query: {}, headers: { host: url.host, 'x-amz-content-sha256': declared, 'content-length': String(body.length) }, body })).headers;
  const body = Buffer.from('the body that was signed');
  assert.equal((await send('PUT', url.pathname, await sign(body), [body])).status, 200);
  const other = Buffer.from('the body that was sent!!');
  const mismatch = await send('PUT', url.pathname, await sign(other, sha(body)), [other]);
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.code, 'XAmzContentSHA256Mismatch');
  assert.match(mismatch.text, new RegExp(`<ClientComputedContentSHA256>${sha(body)}</ClientComputedContentSHA256><S3ComputedContentSHA256>${sha(other)}</S3ComputedContentSHA256>`));
  const gone = await send('PUT', url.pathname, await sign(body), [body], { abortAfter: 5 });
  assert.equal(gone.seen.error, 'IncompleteBody');
});

/** Rewrites the body bytes @aws-sdk/client-s3 sends, on their way to the socket. */
function tamperingHandler(rewrite: (wire: string) => string) {
  const real = new NodeHttpHandler();
  return {
    handle(request: { body?: unknown }, options?: object) {
      const original = request.body;
      if (original instanceof Readable) {
        const parts: Buffer[] = [];
        request.body = original.pipe(
          new Transform({
            transform(chunk, _enc, done) {
              parts.push(Buffer.from(chunk));
              done();
            },
            flush(done) {
              done(null, Buffer.from(rewrite(Buffer.concat(parts).toString('latin1')), 'latin1'));
            },
          }),
        );
      }
      return real.handle(request as never, options);
    },
  };
}

const client = (extra: object = {}) =>
  new S3Client({ endpoint: checker.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: KEY, maxAttempts: 1, ...extra });

test('@aws-sdk/client-s3 PutObject and UploadPart: checksum headers, and STREAMING-UNSIGNED-PAYLOAD-TRAILER with each algorithm', { timeout: 120_000 }, async () => {
  const s3 = client();
  const data = randomBytes(200_000);
  await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'plain', Body: data }));
  assert.equal(checker.seen.at(-1)!.mode, 'sha256');
  assert.deepEqual(checker.seen.at(-1)!.checksums, { CRC32: checksumOf('CRC32', data) });
  for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as ChecksumAlgorithm[]) {
    const out = await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: `streamed-${alg}`, Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length, ChecksumAlgorithm: alg as SdkChecksumAlgorithm }));
    const seen = checker.seen.at(-1)!;
    assert.equal(seen.mode, 'chunked-trailer', alg);
    assert.equal(seen.sha256, sha(data), alg);
    assert.deepEqual(seen.checksums, { [alg]: checksumOf(alg, data) }, `${alg}: the SDK's trailer and our digest agree`);
    assert.equal(out.ETag, `"${createHash('md5').update(data).digest('hex')}"`);
  }
  await s3.send(new UploadPartCommand({ Bucket: 'bucket', Key: 'mp', UploadId: 'u1', PartNumber: 1, Body: Readable.from([data]), ContentLength: data.length }));
  assert.match(checker.seen.at(-1)!.url, /^\/bucket\/mp\?.*uploadId=u1/);
  assert.equal(checker.seen.at(-1)!.sha256, sha(data));
});

test('@aws-sdk/client-s3 requests tampered with in flight, or signed with the wrong key, fail with S3 codes', { timeout: 120_000 }, async () => {
  const data = Buffer.from('hello world, from the SDK');
  const put = (s3: S3Client, body: Buffer | Readable = Readable.from([data])) => s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: body, ContentLength: data.length }));
  const rejects = async (promise: Promise<unknown>, name: string, status: number) => {
    await assert.rejects(promise, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.name, name);
      assert.equal(err.$metadata?.httpStatusCode, status);
      return true;
    });
  };
  await rejects(put(client({ requestHandler: tamperingHandler((w) => w.replace('hello', 'jello')) })), 'BadDigest', 400);
  await rejects(put(client({ requestHandler: tamperingHandler((w) => w.replace(/x-amz-checksum-crc32:[^\r]*/, 'x-amz-checksum-crc32:AAAAAA==')) })), 'BadDigest', 400);
  await rejects(put(client({ requestHandler: tamperingHandler((w) => w.replace(/x-amz-checksum-crc32:[^\r]*/, 'x-amz-checksum-crc32:not-base64')) })), 'InvalidRequest', 400);
  await rejects(put(client({ requestHandler: tamperingHandler((w) => w.slice(0, 20)) })), 'IncompleteBody', 400);
  await rejects(put(client({ credentials: { ...KEY, secretAccessKey: 'wrong' } })), 'SignatureDoesNotMatch', 403);
  await rejects(put(client({ credentials: { ...KEY, accessKeyId: 'GKIAUNKNOWNKEY' } })), 'InvalidAccessKeyId', 403);
  await rejects(s3Put(client(), data, { ContentMD5: createHash('md5').update('other').digest('base64') }), 'BadDigest', 400);
  await rejects(s3Put(client(), data, { ContentMD5: 'not an md5' }), 'InvalidDigest', 400);
});

const s3Put = (s3: S3Client, data: Buffer, extra: object) => s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'md5', Body: data, ...extra }));
