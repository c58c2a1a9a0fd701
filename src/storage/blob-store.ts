// Object bytes, behind an interface so that a cluster can keep them elsewhere. LocalDiskBlobStore
// keeps each blob as one file under <dataDir>/objects/: written to a temporary file, fsynced and
// renamed into place (the directory fsynced too), so a blob exists whole or not at all.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

export interface BlobRef {
  id: string;
  size: number;
}

export interface BlobWriteOptions {
  /** Sees each chunk as it is written (digests); may throw to abandon the write. */
  onChunk?: (chunk: Buffer) => void;
  /** Checked once the source ended, before the blob is made durable; may throw to abandon it. */
  beforeCommit?: (size: number) => void;
}

export interface BlobStore {
  /** Streams `source` into a new blob; on any failure nothing is left behind. */
  write(source: AsyncIterable<Buffer | string>, opts?: BlobWriteOptions): Promise<BlobRef>;
  /**
   * The bytes [start, end) of the blobs in order, as one stream. The blobs are opened before
   * this resolves, so a blob deleted afterwards (an overwrite) still reads to its end.
   */
  read(blobs: readonly BlobRef[], start: number, end: number): Promise<Readable>;
  delete(ids: readonly string[]): Promise<void>;
  /** Deletes every blob `keep` rejects and every leftover temporary file (start-up, after a crash). */
  sweep(keep: (id: string) => boolean): Promise<number>;
}

const BLOB_ID = /^[0-9a-f]{32}$/;

export interface LocalDiskBlobOptions {
  /**
   * The sweep spares files written more recently than this: on a directory that several nodes
   * share, another node may be writing a blob (or about to commit the object that holds it).
   * 0 (one node): the sweep runs before this node writes anything, so nothing is in progress.
   */
  sweepMinAgeMs?: number;
}

export class LocalDiskBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(
    private readonly root: string,
    private readonly options: LocalDiskBlobOptions = {},
  ) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
  }

  private pathOf(id: string): string {
    if (!BLOB_ID.test(id)) throw new Error(`not a blob id: ${id}`);
    return path.join(this.root, id.slice(0, 2), id);
  }

  async write(source: AsyncIterable<Buffer | string>, opts: BlobWriteOptions = {}): Promise<BlobRef> {
    const id = randomBytes(16).toString('hex');
    const tmp = path.join(this.tmpDir, id);
    const file = await fs.promises.open(tmp, 'wx', 0o600);
    let size = 0;
    try {
      for await (const piece of source) {
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
        opts.onChunk?.(chunk);
        size += chunk.length;
        await file.write(chunk);
      }
      opts.beforeCommit?.(size);
      await file.sync();
      await file.close();
      const dir = path.dirname(this.pathOf(id));
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      await fs.promises.rename(tmp, this.pathOf(id));
      await syncDir(dir);
      return { id, size };
    } catch (err) {
      await file.close().catch(() => {});
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  async read(blobs: readonly BlobRef[], start: number, end: number): Promise<Readable> {
    // Only the blobs the range touches, each opened now (an unlinked file stays readable).
    const slices: { fd: fs.promises.FileHandle; from: number; to: number }[] = [];
    try {
      let offset = 0;
      for (const blob of blobs) {
        const from = Math.max(start - offset, 0);
        const to = Math.min(end - offset, blob.size);
        if (to > from) slices.push({ fd: await fs.promises.open(this.pathOf(blob.id), 'r'), from, to });
        offset += blob.size;
      }
    } catch (err) {
      await Promise.all(slices.map((s) => s.fd.close()));
      throw err;
    }
    async function* bytes() {
      try {
        for (const { fd, from, to } of slices) yield* fd.createReadStream({ start: from, end: to - 1, autoClose: false, highWaterMark: 256 * 1024 });
      } finally {
        await Promise.all(slices.map((s) => s.fd.close().catch(() => {})));
      }
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) await fs.promises.rm(this.pathOf(id), { force: true });
  }

  async sweep(keep: (id: string) => boolean): Promise<number> {
    let removed = 0;
    const minAgeMs = this.options.sweepMinAgeMs ?? 0;
    const settled = async (file: string) => minAgeMs === 0 || (await fs.promises.stat(file).then((s) => s.mtimeMs < Date.now() - minAgeMs, () => false));
    for (const name of await fs.promises.readdir(this.tmpDir)) {
      if (!(await settled(path.join(this.tmpDir, name)))) continue;
      await fs.promises.rm(path.join(this.tmpDir, name), { force: true });
      removed++;
    }
    for (const dir of await fs.promises.readdir(this.root)) {
      if (dir === 'tmp' || !/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of await fs.promises.readdir(path.join(this.root, dir))) {
        if (BLOB_ID.test(name) && !keep(name) && (await settled(path.join(this.root, dir, name)))) {
          await fs.promises.rm(path.join(this.root, dir, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
