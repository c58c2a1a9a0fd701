// Function code on local disk, content-addressed by the zip's SHA-256: code/<hex>.zip is what
// GetFunction serves back, code/<hex>/ the unpacked tree instances run from. Layers have a store
// of their own (layers/), so that removing a function's code never touches a layer's.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { unpackZip } from '../control/code-unpack.js';

export interface StoredCode {
  key: string;
  sha256Base64: string;
  size: number;
  dir: string;
}

/** Bytes of the files and link targets under `dir` (never following a link): the unzipped size. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(full);
    else if (entry.isSymbolicLink()) total += Buffer.byteLength(fs.readlinkSync(full));
    else total += fs.lstatSync(full).size;
  }
  return total;
}

export class CodeStore {
  private readonly root: string;

  constructor(dataDir: string, subdir = 'code') {
    this.root = path.join(dataDir, subdir);
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  /** Stores and unpacks a zip; throws CodeUnpackError (and stores nothing) when it is unsafe. */
  async put(zip: Buffer): Promise<StoredCode & { unzippedBytes: number }> {
    const digest = createHash('sha256').update(zip).digest();
    const key = digest.toString('hex');
    const dir = this.dirOf(key);
    if (!fs.existsSync(dir)) {
      try {
        await unpackZip(zip, dir);
      } catch (err) {
        // The same zip, uploaded twice at once, was unpacked by the other request: same content.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    const zipFile = this.zipOf(key);
    if (!fs.existsSync(zipFile)) {
      // Random, not the pid: nodes sharing the directory (containers) may all be pid 1.
      const tmp = `${zipFile}.${randomBytes(6).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, zip, { mode: 0o600 });
      fs.renameSync(tmp, zipFile);
    }
    return { key, sha256Base64: digest.toString('base64'), size: zip.length, dir, unzippedBytes: treeBytes(dir) };
  }

  dirOf(key: string): string {
    return path.join(this.root, key);
  }

  zipOf(key: string): string {
    return path.join(this.root, `${key}.zip`);
  }

  remove(key: string): void {
    fs.rmSync(this.dirOf(key), { recursive: true, force: true });
    fs.rmSync(this.zipOf(key), { force: true });
  }
}
