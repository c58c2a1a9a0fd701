// The CRCs S3 checksums use, computed incrementally: CRC32 (node:zlib), CRC32C (Castagnoli) and
// CRC64NVME from tables of our own. Each digest is the big-endian bytes of the CRC, as S3 encodes
// them (base64 of those bytes).
import { crc32 as zlibCrc32 } from 'node:zlib';

export interface Crc {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

/** Reflected CRC-32C table, polynomial 0x1EDC6F41 (reversed 0x82F63B78), eight tables for slicing-by-8. */
const CRC32C = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t][n] = (tables[0][tables[t - 1][n] & 0xff] ^ (tables[t - 1][n] >>> 8)) >>> 0;
  }
  return tables;
})();

export class Crc32 implements Crc {
  private value = 0;
  update(chunk: Uint8Array): void {
    this.value = zlibCrc32(chunk, this.value);
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.value >>> 0);
    return out;
  }
}

export class Crc32c implements Crc {
  private value = 0xffffffff;
  update(chunk: Uint8Array): void {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C;
    let c = this.value;
    let i = 0;
    const fast = chunk.length - (chunk.length % 8);
    for (; i < fast; i += 8) {
      const a = (c ^ (chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) | (chunk[i + 3] << 24))) >>> 0;
      c = t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^ t3[chunk[i + 4]] ^ t2[chunk[i + 5]] ^ t1[chunk[i + 6]] ^ t0[chunk[i + 7]];
    }
    for (; i < chunk.length; i++) c = t0[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
    this.value = c >>> 0;
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.value ^ 0xffffffff) >>> 0);
    return out;
  }
}

/** Reflected CRC-64/NVME, polynomial 0xAD93D23594C93659 (reversed 0x9A6C9329AC4BC9B5), as two 32-bit halves. */
const CRC64 = (() => {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? poly ^ (c >> 1n) : c >> 1n;
    hi[n] = Number(c >> 32n);
    lo[n] = Number(c & 0xffffffffn);
  }
  return { hi, lo };
})();

export class Crc64Nvme implements Crc {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(chunk: Uint8Array): void {
    const { hi: th, lo: tl } = CRC64;
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < chunk.length; i++) {
      const idx = (lo ^ chunk[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ tl[idx]) >>> 0;
      hi = ((hi >>> 8) ^ th[idx]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}
