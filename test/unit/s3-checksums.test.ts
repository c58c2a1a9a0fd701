// S3 checksums: our CRC32C and CRC64NVME tables agree with the AWS SDK's own implementations on
// any split of any data; requestedChecksums and checkChecksums answer with S3's codes and messages;
// composite checksums are the checksum of the concatenated raw part checksums.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Crc32, Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import { BodyDigests, checkChecksums, checksumOf, compositeChecksum, requestedChecksums, type ChecksumAlgorithm } from '../../src/api/s3/checksums.js';
import { Crc32 as OurCrc32, Crc32c, Crc64Nvme } from '../../src/api/s3/crc.js';
import { GustError } from '../../src/errors.js';

test('the CRC check values ("123456789") and agreement with the AWS SDK on random data in random pieces', async () => {
  const check = Buffer.from('123456789');
  const hex = (c: { update(b: Uint8Array): void; digest(): Buffer }) => (c.update(check), c.digest().toString('hex'));
  assert.equal(hex(new OurCrc32()), 'cbf43926');
  assert.equal(hex(new Crc32c()), 'e3069283');
  assert.equal(hex(new Crc64Nvme()), 'ae8b14860a799888');
  for (const size of [0, 1, 7, 8, 9, 1000, 65_537, 1_000_003]) {
    const data = randomBytes(size);
    const sdk = async (C: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }) => {
      const c = new C();
      c.update(data);
      return Buffer.from(await c.digest()).toString('base64');
    };
    const ours = new BodyDigests(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']);
    for (let i = 0; i < data.length; ) {
      const n = 1 + Math.floor(Math.random() * 20_000);
      ours.update(data.subarray(i, i + n));
      i += n;
    }
    const sums = ours.checksums();
    assert.equal(sums.CRC32, await sdk(Crc32), `CRC32 of ${size} bytes`);
    assert.equal(sums.CRC32C, await sdk(Crc32cJs), `CRC32C of ${size} bytes`);
    assert.equal(sums.CRC64NVME, await sdk(Crc64NvmeJs), `CRC64NVME of ${size} bytes`);
    assert.equal(sums.SHA1, createHash('sha1').update(data).digest('base64'));
    assert.equal(sums.SHA256, createHash('sha256').update(data).digest('base64'));
    assert.deepEqual(ours.md5(), createHash('md5').update(data).digest());
    assert.equal(ours.checksums(), sums, 'asking twice gives the same answer');
  }
});

const md5 = (data: string) => createHash('md5').update(data).digest('base64');
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof GustError, String(err));
    return `${err.code}: ${err.message}`;
  }
};

test('requestedChecksums: which algorithms a request asks for, and malformed headers refused before the body', () => {
  const crc = checksumOf('CRC32', Buffer.from('x'));
  assert.deepEqual(requestedChecksums({}), []);
  assert.deepEqual(requestedChecksums({ 'x-amz-checksum-crc32': crc }), ['CRC32']);
  assert.deepEqual(requestedChecksums({ 'x-amz-checksum-crc32': crc, 'x-amz-sdk-checksum-algorithm': 'CRC32' }), ['CRC32']);
  assert.deepEqual(requestedChecksums({ 'x-amz-sdk-checksum-algorithm': 'crc32c' }), ['CRC32C']);
  assert.deepEqual(requestedChecksums({ 'x-amz-trailer': 'x-amz-checksum-crc64nvme', 'x-amz-sdk-checksum-algorithm': 'CRC64NVME' }), ['CRC64NVME']);
  assert.equal(codeOf(() => requestedChecksums({ 'content-md5': 'nope' })), 'InvalidDigest: The Content-MD5 you specified was invalid.');
  assert.equal(codeOf(() => requestedChecksums({ 'content-md5': Buffer.alloc(15).toString('base64') })), 'InvalidDigest: The Content-MD5 you specified was invalid.');
  assert.equal(codeOf(() => requestedChecksums({ 'content-md5': md5('x') })), 'ok');
  assert.equal(codeOf(() => requestedChecksums({ 'x-amz-checksum-crc32': 'AAAA' })), 'InvalidRequest: Value for x-amz-checksum-crc32 header is invalid.');
  assert.equal(codeOf(() => requestedChecksums({ 'x-amz-checksum-sha256': crc })), 'InvalidRequest: Value for x-amz-checksum-sha256 header is invalid.');
  assert.equal(codeOf(() => requestedChecksums({ 'x-amz-sdk-checksum-algorithm': 'MD4' })), 'InvalidRequest: Value for x-amz-sdk-checksum-algorithm header is invalid.');
  assert.equal(codeOf(() => requestedChecksums({ 'x-amz-checksum-crc32': crc, 'x-amz-checksum-crc32c': crc })), 'InvalidRequest: Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  assert.match(codeOf(() => requestedChecksums({ 'x-amz-trailer': 'x-amz-meta-foo' })), /^InvalidRequest: The value specified in the x-amz-trailer header is not supported/);
  assert.match(codeOf(() => requestedChecksums({ 'x-amz-checksum-crc32': crc, 'x-amz-sdk-checksum-algorithm': 'SHA1' })), /^InvalidRequest: Value for x-amz-sdk-checksum-algorithm header is invalid/);
});

test("checkChecksums: S3's BadDigest and InvalidDigest messages, trailers, and the checksums to store", () => {
  const body = Buffer.from('the body');
  const digestsOf = (algs: ChecksumAlgorithm[]) => {
    const d = new BodyDigests(algs);
    d.update(body.subarray(0, 3));
    d.update(body.subarray(3));
    return d;
  };
  const run = (headers: Record<string, string>, trailers: Record<string, string> = {}) => {
    const algs = requestedChecksums(headers);
    return codeOf(() => checkChecksums(headers, trailers, algs, digestsOf(algs)));
  };
  for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as ChecksumAlgorithm[]) {
    const name = `x-amz-checksum-${alg.toLowerCase()}`;
    const right = checksumOf(alg, body);
    const wrong = checksumOf(alg, Buffer.from('another body'));
    assert.equal(run({ [name]: right }), 'ok', alg);
    assert.equal(run({ [name]: wrong }), `BadDigest: The ${alg} you specified did not match the calculated checksum.`);
    assert.equal(run({ 'x-amz-trailer': name }, { [name]: right }), 'ok');
    assert.equal(run({ 'x-amz-trailer': name }, { [name]: wrong }), `BadDigest: The ${alg} you specified did not match the calculated checksum.`);
    assert.equal(run({ 'x-amz-trailer': name }, { [name]: 'bad!' }), `InvalidRequest: Value for ${name} trailing header is invalid.`);
    assert.equal(run({ 'x-amz-trailer': name }), `InvalidRequest: The ${name} trailer declared in x-amz-trailer was not sent.`);
  }
  assert.equal(run({ 'content-md5': md5('the body') }), 'ok');
  assert.equal(run({ 'content-md5': md5('another') }), 'BadDigest: The Content-MD5 you specified did not match what we received.');
  const algs = requestedChecksums({ 'x-amz-sdk-checksum-algorithm': 'CRC32C' });
  assert.deepEqual(checkChecksums({ 'x-amz-sdk-checksum-algorithm': 'CRC32C' }, {}, algs, digestsOf(algs)), { CRC32C: checksumOf('CRC32C', body) }, 'asked for, not given: computed and stored');
});

test('compositeChecksum: the checksum of the concatenated raw part checksums, then -N', () => {
  const parts = [randomBytes(1000), randomBytes(2000), randomBytes(10)];
  for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as ChecksumAlgorithm[]) {
    const partSums = parts.map((p) => checksumOf(alg, p));
    const raw = Buffer.concat(partSums.map((s) => Buffer.from(s, 'base64')));
    assert.equal(compositeChecksum(partSums, alg), `${checksumOf(alg, raw)}-3`);
  }
  // A fixed value, so that a change to the definition shows: SHA256 over two parts' raw SHA256s.
  const fixed = compositeChecksum([checksumOf('SHA256', Buffer.from('a')), checksumOf('SHA256', Buffer.from('b'))], 'SHA256');
  assert.equal(fixed, `${createHash('sha256').update(Buffer.concat([createHash('sha256').update('a').digest(), createHash('sha256').update('b').digest()])).digest('base64')}-2`);
});
