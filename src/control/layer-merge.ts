// A function's layers as one tree, the /opt it sees: each layer's unpacked content laid over the
// previous ones in order (a later layer's file replaces an earlier one's, as Lambda does), built
// once per ordered list of layers under <dataDir>/opt/<hash>, atomically (built aside, renamed).
// Files are hard links to the layer store's (copies across file systems); nothing is followed:
// a directory in the tree is always a real directory before anything is written into it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class LayerTrees {
  private readonly root: string;

  constructor(dataDir: string, private readonly layerDirOf: (codeKey: string) => string) {
    this.root = path.join(dataDir, 'opt');
  }

  /** The host directory to show at /opt for these layers (in order), built if missing. */
  treeFor(codeKeys: readonly string[]): string {
    if (codeKeys.length === 1) return this.layerDirOf(codeKeys[0]);
    const dest = path.join(this.root, createHash('sha256').update(codeKeys.join('\n')).digest('hex'));
    if (fs.existsSync(dest)) return dest;
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    const tmp = fs.mkdtempSync(path.join(this.root, '.build-'));
    try {
      for (const key of codeKeys) overlay(this.layerDirOf(key), tmp);
      fs.chmodSync(tmp, 0o755);
      try {
        fs.renameSync(tmp, dest);
      } catch (err) {
        // Built at the same time by another instance start: same content, keep theirs.
        if (!fs.existsSync(dest)) throw err;
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    return dest;
  }
}

function overlay(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    const existing = lstatOrUndefined(dst);
    if (entry.isDirectory()) {
      if (existing && !existing.isDirectory()) fs.rmSync(dst, { force: true });
      if (!existing || !existing.isDirectory()) fs.mkdirSync(dst, { mode: 0o755 });
      overlay(src, dst);
      continue;
    }
    if (existing) fs.rmSync(dst, { recursive: true, force: true });
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else if (entry.isFile()) {
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
        fs.chmodSync(dst, fs.statSync(src).mode & 0o755);
      }
    }
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
