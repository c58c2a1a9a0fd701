// S3's body integrity checks: the digests a body is fed through as it streams (MD5 for the ETag,
// and the x-amz-checksum-* algorithms a request asks for), the checks against what the client
// declared (Content-MD5, checksum headers or trailers), and multipart's composite checksums.
import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GustError } from '../../errors.js';
import { Crc32, Crc32c, Crc64Nvme, type Crc } from './crc.js';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];
/** Raw digest sizes, to refuse a malformed value before comparing. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32, CRC64NVME: 8 };

/** The header (and trailer) that carries an algorithm's value: x-amz-checksum-crc32, …. */
export const checksumHeader = (alg: ChecksumAlgorithm) => `x-amz-checksum-${alg.toLowerCase()}`;

class HashDigest implements Crc {
  private readonly hash: Hash;
  constructor(name: string) {
    this.hash = createHash(name);
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

function digester(alg: ChecksumAlgorithm): Crc {
  switch (alg) {
    case 'CRC32':
      return new Crc32();
    case 'CRC32C':
      return new Crc32c();
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
      return new HashDigest('sha1');
    case 'SHA256':
      return new HashDigest('sha256');
  }
}

/** The checksum of whole data in one call (base64), e.g. for composite checksums and tests. */
export function checksumOf(alg: ChecksumAlgorithm, data: Uint8Array): string {
  const d = digester(alg);
  d.update(data);
  return d.digest().toString('base64');
}

/** MD5 and the requested checksums of a body, fed chunk by chunk as it streams. */
export class BodyDigests {
  private readonly md5Hash = createHash('md5');
  private readonly digests: [ChecksumAlgorithm, Crc][];
  private md5Value?: Buffer;
  private values?: Partial<Record<ChecksumAlgorithm, string>>;

  constructor(algorithms: ChecksumAlgorithm[]) {
    this.digests = [...new Set(algorithms)].map((alg) => [alg, digester(alg)]);
  }
  update(chunk: Buffer): void {
    this.md5Hash.update(chunk);
    for (const [, d] of this.digests) d.update(chunk);
  }
  /** The MD5 of everything fed; the first call ends the feeding. */
  md5(): Buffer {
    return (this.md5Value ??= this.md5Hash.digest());
  }
  /** The requested checksums, base64; the first call ends the feeding. */
  checksums(): Partial<Record<ChecksumAlgorithm, string>> {
    return (this.values ??= Object.fromEntries(this.digests.map(([alg, d]) => [alg, d.digest().toString('base64')])));
  }
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();

function algorithmNamed(name: string, where: string): ChecksumAlgorithm {
  const alg = CHECKSUM_ALGORITHMS.find((a) => a === name.toUpperCase());
  if (alg === undefined) throw new GustError('InvalidRequest', `Value for ${where} header is invalid.`);
  return alg;
}

/** Whether `text` is the base64 of exactly `bytes` bytes. */
function isBase64Of(text: string, bytes: number): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 && Buffer.from(text, 'base64').length === bytes;
}

/**
 * The algorithms a request asks S3 to check and store, from x-amz-checksum-<alg> headers,
 * x-amz-sdk-checksum-algorithm and x-amz-trailer. Checks the headers' form at once, before the
 * body is read: a malformed Content-MD5 is InvalidDigest, anything else InvalidRequest.
 */
export function requestedChecksums(headers: IncomingHttpHeaders): ChecksumAlgorithm[] {
  const md5 = single(headers['content-md5']);
  if (md5 !== undefined && !isBase64Of(md5, 16)) throw new GustError('InvalidDigest', 'The Content-MD5 you specified was invalid.');
  const inHeaders = CHECKSUM_ALGORITHMS.filter((alg) => headers[checksumHeader(alg)] !== undefined);
  for (const alg of inHeaders) {
    if (!isBase64Of(single(headers[checksumHeader(alg)])!, DIGEST_BYTES[alg])) throw new GustError('InvalidRequest', `Value for ${checksumHeader(alg)} header is invalid.`);
  }
  const trailer = single(headers['x-amz-trailer']);
  const trailed = trailer === undefined || trailer === '' ? [] : trailer.split(',').map((name) => name.trim().toLowerCase());
  const inTrailer = trailed.map((name) => {
    if (!name.startsWith('x-amz-checksum-')) throw new GustError('InvalidRequest', `The value specified in the x-amz-trailer header is not supported: ${name.slice(0, 80)}`);
    return algorithmNamed(name.slice('x-amz-checksum-'.length), 'x-amz-trailer');
  });
  const all = [...new Set([...inHeaders, ...inTrailer])];
  if (all.length > 1) throw new GustError('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const sdk = single(headers['x-amz-sdk-checksum-algorithm']);
  if (sdk !== undefined) {
    const named = algorithmNamed(sdk, 'x-amz-sdk-checksum-algorithm');
    if (all.length === 1 && all[0] !== named) {
      throw new GustError('InvalidRequest', `Value for x-amz-sdk-checksum-algorithm header is invalid: ${named} does not match the ${checksumHeader(all[0])} the request carries.`);
    }
    return [named];
  }
  return all;
}

/**
 * Compares a body's digests with what the request declared, once the body has been read:
 * Content-MD5 and the checksum header or trailer of each requested algorithm. Throws BadDigest on
 * a mismatch, InvalidRequest for a declared trailer that never came or a malformed value.
 * Returns the checksums to store with the object (base64, by algorithm).
 */
export function checkChecksums(
  headers: IncomingHttpHeaders,
  trailers: Record<string, string>,
  algorithms: ChecksumAlgorithm[],
  digests: BodyDigests,
): Partial<Record<ChecksumAlgorithm, string>> {
  const md5 = single(headers['content-md5']);
  if (md5 !== undefined) {
    if (!isBase64Of(md5, 16)) throw new GustError('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!Buffer.from(md5, 'base64').equals(digests.md5())) throw new GustError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const computed = digests.checksums();
  const stored: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const alg of algorithms) {
    const name = checksumHeader(alg);
    const declared = single(headers[name]) ?? trailers[name];
    const actual = computed[alg];
    if (actual === undefined) throw new TypeError(`checkChecksums: ${alg} was not computed; pass the algorithms BodyDigests was made with`);
    if (declared === undefined) {
      // Asked for by x-amz-sdk-checksum-algorithm alone, or a trailer that never came.
      if (single(headers['x-amz-trailer'])?.toLowerCase().includes(name)) throw new GustError('InvalidRequest', `The ${name} trailer declared in x-amz-trailer was not sent.`);
    } else {
      if (!isBase64Of(declared, DIGEST_BYTES[alg])) throw new GustError('InvalidRequest', `Value for ${name} ${headers[name] === undefined ? 'trailing header' : 'header'} is invalid.`);
      if (declared !== actual) throw new GustError('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
    }
    stored[alg] = actual;
  }
  return stored;
}

/**
 * Multipart's checksum of checksums: the algorithm over the concatenated raw part checksums,
 * base64, then `-<number of parts>`.
 */
export function compositeChecksum(partChecksumsBase64: string[], alg: ChecksumAlgorithm): string {
  const raw = Buffer.concat(partChecksumsBase64.map((part) => Buffer.from(part, 'base64')));
  return `${checksumOf(alg, raw)}-${partChecksumsBase64.length}`;
}
