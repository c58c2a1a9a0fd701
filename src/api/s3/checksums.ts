// STAND-IN for s3auth's checksums.ts: MD5 and SHA-1/SHA-256 only. Replaced at merge.
import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GustError } from '../../errors.js';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';

export function requestedChecksums(headers: IncomingHttpHeaders): ChecksumAlgorithm[] {
  const out: ChecksumAlgorithm[] = [];
  for (const alg of ['SHA1', 'SHA256'] as const) if (headers[`x-amz-checksum-${alg.toLowerCase()}`] !== undefined) out.push(alg);
  return out;
}

export class BodyDigests {
  private readonly md5Hash = createHash('md5');
  private readonly others = new Map<ChecksumAlgorithm, Hash>();
  constructor(algorithms: readonly ChecksumAlgorithm[] = []) {
    for (const alg of algorithms) if (alg === 'SHA1' || alg === 'SHA256') this.others.set(alg, createHash(alg === 'SHA1' ? 'sha1' : 'sha256'));
  }
  update(chunk: Buffer): void {
    this.md5Hash.update(chunk);
    for (const h of this.others.values()) h.update(chunk);
  }
  md5(): Buffer {
    return this.md5Hash.digest();
  }
  checksums(): Partial<Record<ChecksumAlgorithm, string>> {
    const out: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [alg, h] of this.others) out[alg] = h.digest('base64');
    return out;
  }
}

/** Content-MD5 and x-amz-checksum-* against what was computed. */
export function checkChecksums(headers: IncomingHttpHeaders, md5: Buffer, computed: Partial<Record<ChecksumAlgorithm, string>>, trailers: Record<string, string> = {}): void {
  const contentMd5 = headers['content-md5'];
  if (typeof contentMd5 === 'string' && contentMd5 !== md5.toString('base64')) {
    if (Buffer.from(contentMd5, 'base64').length !== 16) throw new GustError('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    throw new GustError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const [alg, value] of Object.entries(computed)) {
    const sent = headers[`x-amz-checksum-${alg.toLowerCase()}`] ?? trailers[`x-amz-checksum-${alg.toLowerCase()}`];
    if (typeof sent === 'string' && sent !== value) throw new GustError('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
  }
}

export function compositeChecksum(partsBase64: string[], alg: ChecksumAlgorithm): string {
  const h = createHash(alg === 'SHA1' ? 'sha1' : 'sha256');
  for (const p of partsBase64) h.update(Buffer.from(p, 'base64'));
  return `${h.digest('base64')}-${partsBase64.length}`;
}
