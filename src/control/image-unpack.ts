// Applies a container image's layer tars, in order, to one root filesystem directory, with the
// checks code zips get: no '..' or absolute entry names, nothing written through a symbolic
// link, no device nodes or FIFOs, hard links only to files already in the image, sizes bounded;
// OCI whiteouts (`.wh.NAME`, `.wh..wh..opq`) remove what lower layers put there.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';

/** A tar entry as tar-stream 3 yields it (its typings name no Entry for a default import). */
type Entry = AsyncIterable<unknown> & { header: tar.Header; resume(): unknown };

/** An image Gust refuses; the message is for the user. */
export class ImageUnpackError extends Error {
  override name = 'ImageUnpackError';
}

export interface ImageLimits {
  /** Lambda's quota: an image of at most 10 GB, uncompressed, all layers together. */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = { maxBytes: 10 * 1024 ** 3, maxEntries: 1_000_000 };

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_LINK_TARGET = 4096;

const show = (name: string) => JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
const refuse = (reason: string) => new ImageUnpackError(`The image was refused: ${reason}.`);

/** Running totals across every layer of one image. */
export interface UnpackBudget {
  bytes: number;
  entries: number;
  limits: ImageLimits;
}

export const newBudget = (limits: ImageLimits = DEFAULT_IMAGE_LIMITS): UnpackBudget => ({ bytes: 0, entries: 0, limits });

/** The entry's path as components inside the root; refuses what could name a place outside it. */
function components(name: string, what = 'entry'): string[] {
  if (name.includes('\0')) throw refuse(`${what} ${show(name)} has a NUL character in its name`);
  if (name.startsWith('/')) throw refuse(`${what} ${show(name)} is an absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse(`${what} ${show(name)} leads outside the image with '..'`);
  return parts;
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Makes sure every parent of `parts` is a real directory inside `root` (creating missing ones
 * 0755), so that a write never follows a symbolic link a layer planted: a layer that reaches
 * through one is refused, whatever the link points to.
 */
function parentDir(root: string, parts: string[], name: string): string {
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    const st = lstat(dir);
    if (!st) fs.mkdirSync(dir, { mode: 0o755 });
    else if (st.isSymbolicLink()) throw refuse(`entry ${show(name)} would be written through the symbolic link ${show(path.relative(root, dir))}`);
    else if (!st.isDirectory()) throw refuse(`entry ${show(name)} has a parent ${show(path.relative(root, dir))} that is not a directory`);
  }
  return dir;
}

/** Removes what lower layers left at a path (a file, a link, or a whole tree), never following links. */
function removePath(p: string) {
  fs.rmSync(p, { recursive: true, force: true });
}

function emptyDir(dir: string) {
  for (const name of fs.readdirSync(dir)) removePath(path.join(dir, name));
}

/** Permission bits only: never setuid, setgid or sticky (the function runs as nobody anyway). */
const permissions = (mode: number | undefined, fallback: number) => (mode ?? fallback) & 0o777;

function counter(budget: UnpackBudget): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      budget.bytes += chunk.length;
      done(budget.bytes > budget.limits.maxBytes ? tooBig(budget) : null, chunk);
    },
  });
}

const tooBig = (budget: UnpackBudget) => new ImageUnpackError(`The image was refused: its layers unpack to more than ${budget.limits.maxBytes} bytes.`);

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) throw refuse(`a file longer than ${max} bytes was found where a short one was expected`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Whether a stream starts with gzip's magic bytes, without losing them. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Applies one layer (a tar, gzip-compressed or not) from `file` onto `root`. Directories a
 * layer has not seen yet are created 0755; files keep their permission bits; everything is
 * owned by the user Gust runs as (the function itself runs as nobody and only reads it).
 */
export async function applyLayer(root: string, file: string, budget: UnpackBudget): Promise<void> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  const extract = tar.extract();
  const source = fs.createReadStream(file);
  const feeding = isGzip(head) ? pipeline(source, createGunzip(), extract) : pipeline(source, extract);
  const fed = feeding.catch((err) => {
    extract.destroy(err as Error);
  });
  try {
    for await (const entry of extract) await applyEntry(root, entry, budget);
  } catch (err) {
    source.destroy();
    if (err instanceof ImageUnpackError) throw err;
    throw refuse(`a layer is not a valid tar archive (${(err as Error).message})`);
  }
  await fed;
}

async function applyEntry(root: string, entry: Entry, budget: UnpackBudget): Promise<void> {
  const h = entry.header;
  if (++budget.entries > budget.limits.maxEntries) throw refuse(`its layers hold more than ${budget.limits.maxEntries} entries`);
  const parts = components(h.name);
  if (parts.length === 0) {
    entry.resume();
    return; // "./": the root itself
  }
  if (h.pax && typeof h.pax === 'object' && Object.keys(h.pax).some((k) => k.startsWith('GNU.sparse'))) throw refuse(`entry ${show(h.name)} is a sparse file, which is not supported`);
  if ((h.size ?? 0) > budget.limits.maxBytes - budget.bytes) throw tooBig(budget);
  const base = parts.at(-1)!;
  const dir = parentDir(root, parts, h.name);
  const target = path.join(dir, base);

  if (base === OPAQUE) {
    emptyDir(dir);
    entry.resume();
    return;
  }
  if (base.startsWith(WHITEOUT)) {
    const hidden = base.slice(WHITEOUT.length);
    if (hidden === '' || hidden === '.' || hidden === '..') throw refuse(`whiteout ${show(h.name)} names no file`);
    removePath(path.join(dir, hidden));
    entry.resume();
    return;
  }

  switch (h.type) {
    case 'directory': {
      const st = lstat(target);
      if (st && !st.isDirectory()) removePath(target);
      if (!st || !st.isDirectory()) fs.mkdirSync(target, { mode: 0o755 });
      fs.chmodSync(target, permissions(h.mode, 0o755) | 0o700);
      entry.resume();
      return;
    }
    case 'file':
    case 'contiguous-file': {
      removePath(target); // a later layer replaces; a link there must not be written through
      await pipeline(entry as unknown as Readable, counter(budget), fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
      fs.chmodSync(target, permissions(h.mode, 0o644));
      return;
    }
    case 'symlink': {
      const link = h.linkname ?? '';
      if (link === '' || link.includes('\0') || Buffer.byteLength(link) > MAX_LINK_TARGET) throw refuse(`symbolic link ${show(h.name)} has an empty or invalid target`);
      // Kept as it is: inside the sandbox the image is the root, so an absolute or '..' target
      // resolves within it. Gust itself never follows a link of an image (see parentDir).
      budget.bytes += Buffer.byteLength(link);
      removePath(target);
      fs.symlinkSync(link, target);
      entry.resume();
      return;
    }
    case 'link': {
      const linkParts = components(h.linkname ?? '', 'hard link target');
      if (linkParts.length === 0) throw refuse(`hard link ${show(h.name)} has no target`);
      const source = path.join(parentDir(root, linkParts, h.linkname!), linkParts.at(-1)!);
      const st = lstat(source);
      if (!st || !st.isFile()) throw refuse(`hard link ${show(h.name)} points to ${show(h.linkname!)}, which is not a file earlier in the image`);
      if (source === target) {
        entry.resume();
        return;
      }
      removePath(target);
      fs.linkSync(source, target);
      entry.resume();
      return;
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw refuse(`entry ${show(h.name)} is a device or FIFO; only files, directories and links are allowed`);
    default:
      throw refuse(`entry ${show(h.name)} has an unsupported type${h.type ? ` (${h.type})` : ''}`);
  }
}

/** Reads a small file from an archive entry (a manifest or a config), bounded. */
export const readSmall = (stream: Readable, max = 4 * 1024 * 1024) => readAll(stream, max);
