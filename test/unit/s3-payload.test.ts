// S3 request payloads, decoded in process: AWS's published chunked-upload example verifies chunk
// by chunk, every tampering and framing error fails with S3's code, and memory stays bounded.
// (Real clients over HTTP: s3-payload-clients.test.ts and s3-payload-botocore.test.ts.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { test } from 'node:test';
import { MAX_CHUNK_LINE } from '../../src/api/s3/aws-chunked.js';
import { openPayload, payloadModeFromHeaders, storedContentEncoding, type PayloadMode } from '../../src/api/s3/payload.js';
import { verifyHeaders } from '../../src/api/sigv4.js';
import { GustError } from '../../src/errors.js';

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A stand-in for an IncomingMessage: a stream with headers, `complete` once it has ended. */
function fakeRequest(headers: Record<string, string>): PassThrough & { headers: Record<string, string>; complete: boolean } {
  const req = Object.assign(new PassThrough(), { headers, complete: false });
  req.on('end', () => (req.complete = true));
  return req;
}

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

async function decode(headers: Record<string, string>, mode: PayloadMode, wire: Buffer | string, pieceSize = 7): Promise<{ body?: Buffer; error?: string; trailers: Record<string, string> }> {
  const req = fakeRequest(headers);
  const payload = openPayload(req as unknown as IncomingMessage, mode);
  const bytes = Buffer.from(wire);
  const feeding = (async () => {
    for (let i = 0; i < bytes.length; i += pieceSize) if (!req.write(bytes.subarray(i, i + pieceSize))) await new Promise((r) => req.once('drain', r));
    req.end();
  })();
  try {
    const body = await drain(payload.stream);
    await feeding;
    return { body, trailers: payload.trailers() };
  } catch (err) {
    assert.ok(err instanceof GustError, String(err));
    return { error: err.code, trailers: payload.trailers() };
  }
}

// ---- AWS's published example (S3 API reference, "Signature Calculations ... Chunked Upload") -----

const DOC_KEY = { AKIAIOSFODNN7EXAMPLE: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const DOC_NOW = Date.parse('2013-05-24T00:00:00Z');
const DOC_SIGS = ['ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'];
const docHeaders = {
  host: 's3.amazonaws.com',
  'x-amz-date': '20130524T000000Z',
  'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'content-encoding': 'aws-chunked',
  'x-amz-decoded-content-length': '66560',
  'content-length': '66824',
};
const docWire = (sigs = DOC_SIGS, data = Buffer.alloc(66560, 'a')) =>
  Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    data.subarray(0, 65536),
    Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
    data.subarray(65536),
    Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);

test("AWS's chunked-upload example verifies: seed signature from the headers, then every chunk", { timeout: 120_000 }, async () => {
  const head = verifyHeaders({ method: 'PUT', path: '/examplebucket/chunkObject.txt', headers: docHeaders, lookupSecret: (id) => ({ secret: DOC_KEY[id as keyof typeof DOC_KEY] }), now: DOC_NOW });
  assert.ok(head.ok, JSON.stringify(head));
  assert.equal(head.payload.kind, 'chunked');
  assert.equal(docWire().length, 66824);
  const good = await decode(docHeaders, head.payload, docWire(), 1000);
  assert.equal(good.error, undefined);
  assert.deepEqual(good.body, Buffer.alloc(66560, 'a'));

  const changedByte = Buffer.alloc(66560, 'a');
  changedByte[70_000 - 65536] = 0x62;
  assert.equal((await decode(docHeaders, head.payload, docWire(DOC_SIGS, changedByte))).error, 'SignatureDoesNotMatch', 'a changed byte in the second chunk');
  assert.equal((await decode(docHeaders, head.payload, docWire([DOC_SIGS[0], DOC_SIGS[1], DOC_SIGS[1]]))).error, 'SignatureDoesNotMatch', 'a replayed chunk signature');
  assert.equal((await decode(docHeaders, head.payload, docWire([DOC_SIGS[1], DOC_SIGS[0], DOC_SIGS[2]]))).error, 'SignatureDoesNotMatch', 'chunk signatures out of order');
  assert.equal((await decode(docHeaders, head.payload, docWire().subarray(0, 66000))).error, 'IncompleteBody', 'a truncated body');
  const unsignedChunks = docWire().toString('latin1').replace(/;chunk-signature=[0-9a-f]{64}/g, '');
  assert.equal((await decode(docHeaders, head.payload, unsignedChunks)).error, 'SignatureDoesNotMatch', 'chunks without signatures');
  // Under --no-auth the mode comes from the headers alone: framing is removed, nothing is checked.
  assert.deepEqual((await decode(docHeaders, payloadModeFromHeaders(docHeaders), docWire(DOC_SIGS, changedByte))).body, changedByte);
});

test('chunk framing errors: oversize or malformed chunk headers, wrong sizes, data after the end, lengths', { timeout: 120_000 }, async () => {
  const unsigned: PayloadMode = { kind: 'chunked', signed: false, trailer: true };
  const h = { 'x-amz-decoded-content-length': '5' };
  assert.deepEqual((await decode(h, unsigned, '5\r\nhello\r\n0\r\n\r\n')).body, Buffer.from('hello'));
  assert.deepEqual((await decode(h, unsigned, '5\r\nhello\r\n0\r\n')).body, Buffer.from('hello'), 'the closing CRLF may be left out');
  assert.equal((await decode(h, unsigned, `${'f'.repeat(MAX_CHUNK_LINE + 10)}`)).error, 'InvalidRequest', 'a chunk header longer than 4 KB');
  assert.equal((await decode(h, unsigned, `5;${'x'.repeat(MAX_CHUNK_LINE)}\r\nhello\r\n0\r\n\r\n`)).error, 'InvalidRequest');
  assert.equal((await decode(h, unsigned, 'zz\r\nhello\r\n0\r\n\r\n')).error, 'InvalidRequest', 'not hexadecimal');
  assert.equal((await decode(h, unsigned, '4\r\nhello\r\n0\r\n\r\n')).error, 'InvalidRequest', 'a size smaller than the data');
  assert.equal((await decode(h, unsigned, '5\nhello\r\n0\r\n\r\n')).error, 'InvalidRequest', 'a bare LF');
  assert.equal((await decode(h, unsigned, '5\r\nhello\r\n0\r\n\r\nmore')).error, 'InvalidRequest', 'data after the end');
  assert.equal((await decode({ 'x-amz-decoded-content-length': '6' }, unsigned, '5\r\nhello\r\n0\r\n\r\n')).error, 'IncompleteBody', 'fewer bytes than x-amz-decoded-content-length');
  assert.equal((await decode({ 'x-amz-decoded-content-length': '4' }, unsigned, '5\r\nhello\r\n0\r\n\r\n')).error, 'InvalidRequest', 'more bytes than x-amz-decoded-content-length');
  assert.equal((await decode(h, unsigned, '5\r\nhel')).error, 'IncompleteBody', 'cut inside a chunk');
  assert.equal((await decode(h, { kind: 'chunked', signed: false, trailer: false }, '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n')).error, 'InvalidRequest', 'trailers nobody declared');
  const withTrailer = await decode(h, unsigned, '5\r\nhello\r\n0\r\nX-Amz-Checksum-CRC32: NhCmhg==\r\n\r\n');
  assert.deepEqual(withTrailer.trailers, { 'x-amz-checksum-crc32': 'NhCmhg==' });
  assert.throws(() => openPayload(fakeRequest({ 'content-length': 'ten' }) as unknown as IncomingMessage, { kind: 'unsigned' }), { code: 'InvalidRequest' });
});

test('payloadModeFromHeaders and storedContentEncoding', () => {
  assert.deepEqual(payloadModeFromHeaders({ 'x-amz-content-sha256': sha('x').toUpperCase() }), { kind: 'sha256', hex: sha('x') });
  assert.deepEqual(payloadModeFromHeaders({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), { kind: 'unsigned' });
  assert.deepEqual(payloadModeFromHeaders({}), { kind: 'unsigned' });
  assert.deepEqual(payloadModeFromHeaders({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }), { kind: 'chunked', signed: false, trailer: true });
  assert.deepEqual(payloadModeFromHeaders({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' }), { kind: 'chunked', signed: true, trailer: true });
  assert.equal(storedContentEncoding({ 'content-encoding': 'aws-chunked' }), undefined);
  assert.equal(storedContentEncoding({ 'content-encoding': 'gzip, aws-chunked' }), 'gzip');
  assert.equal(storedContentEncoding({}), undefined);
});

test('the decoder streams: 50 MB fed in small pieces never gathers more than a bounded amount, nor does a 1 GB chunk header', { timeout: 120_000 }, async () => {
  const piece = Buffer.alloc(64 * 1024, 'z');
  const chunkFrame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  const chunks = 800; // 800 × 64 KB = 50 MB
  const measure = async (headers: Record<string, string>, frames: () => Generator<Buffer>) => {
    const req = fakeRequest(headers);
    const payload = openPayload(req as unknown as IncomingMessage, { kind: 'chunked', signed: false, trailer: true });
    let peak = 0;
    let received = 0;
    let written = 0;
    let firstOutputAt = -1;
    const reading = (async () => {
      for await (const part of payload.stream) {
        if (firstOutputAt === -1) firstOutputAt = written;
        received += part.length;
        peak = Math.max(peak, payload.stream.readableLength + (payload.stream as PassThrough).writableLength + req.readableLength + req.writableLength);
      }
    })();
    for (const frame of frames()) {
      for (let i = 0; i < frame.length; i += 1500) {
        written += Math.min(1500, frame.length - i);
        if (!req.write(frame.subarray(i, i + 1500))) await new Promise((r) => req.once('drain', r));
        peak = Math.max(peak, payload.stream.readableLength + (payload.stream as PassThrough).writableLength + req.readableLength + req.writableLength);
      }
    }
    req.end();
    const error = await reading.then(() => undefined, (err: GustError) => err.code);
    return { peak, received, written, firstOutputAt, error };
  };
  const fifty = await measure({ 'x-amz-decoded-content-length': String(chunks * piece.length) }, function* () {
    for (let i = 0; i < chunks; i++) yield chunkFrame;
    yield Buffer.from('0\r\n\r\n');
  });
  assert.equal(fifty.error, undefined);
  assert.equal(fifty.received, 50 * 1024 * 1024);
  assert.ok(fifty.firstOutputAt < 1024 * 1024, `output began after ${fifty.firstOutputAt} bytes were written`);
  assert.ok(fifty.peak <= 256 * 1024, `at most 256 KB held at once, saw ${fifty.peak}`);

  const hostile = await measure({}, function* () {
    yield Buffer.from('40000000\r\n'); // claims 1 GB
    for (let i = 0; i < 160; i++) yield piece; // 10 MB of it, then the client stops
  });
  assert.equal(hostile.error, 'IncompleteBody');
  assert.equal(hostile.received, 160 * piece.length);
  assert.ok(hostile.peak <= 256 * 1024, `at most 256 KB held at once, saw ${hostile.peak}`);
});
