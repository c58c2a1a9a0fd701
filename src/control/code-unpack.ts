// Unpacks a function's deployment zip into a new directory, refusing whatever could escape it
// (zip-slip paths, symlinks leading out), plant special files, or inflate past Lambda's limits.
// All or nothing: it unpacks into a temporary directory beside the destination and renames it last.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** A zip Gust refuses. The message is for the user: it becomes an InvalidParameterValueException. */
export class CodeUnpackError extends Error {
  override name = 'CodeUnpackError';
}

export interface UnpackLimits {
  maxUnzippedBytes: number;
  maxEntries: number;
}

/** Lambda's 250 MB unzipped quota, which it words as "smaller than 262144000 bytes". */
export const DEFAULT_UNPACK_LIMITS: Readonly<UnpackLimits> = { maxUnzippedBytes: 250 * 1024 * 1024, maxEntries: 10_000 };

/** Lambda's own words for a zip it cannot read. */
export const CORRUPT_ZIP_MESSAGE = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MAX_LINK_TARGET_BYTES = 4096;

type Kind = 'file' | 'dir' | 'symlink';
interface Planned {
  entry: yauzl.Entry;
  /** Normalized relative path: no '..', no leading '/', no trailing '/'. */
  rel: string;
  kind: Kind;
  mode: number;
}

const refuse = (reason: string) => new CodeUnpackError(`Could not unzip uploaded file: ${reason}.`);
const show = (name: string) => JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
const tooBig = (limits: UnpackLimits) => new CodeUnpackError(`Unzipped size must be smaller than ${limits.maxUnzippedBytes} bytes`);
const outside = (name: string) => refuse(`entry ${show(name)} would be written outside the function's directory`);

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The quick, lexical check; the real one runs once every link exists. */
function leavesTree(rel: string, target: string): boolean {
  if (target === '' || target.includes('\0') || path.posix.isAbsolute(target)) return true;
  return path.posix.normalize(path.posix.join(path.posix.dirname(rel), target)).split('/')[0] === '..';
}

/** yauzl's own checks fire before we see an entry; give them Gust's wording. */
function fromYauzl(err: Error): CodeUnpackError {
  const named = /^(?:absolute path|invalid relative path|invalid characters in fileName): (.*)$/s.exec(err.message);
  if (named) return outside(named[1]);
  if (/strong encryption/.test(err.message)) return refuse('it uses strong encryption, which is not supported');
  return new CodeUnpackError(CORRUPT_ZIP_MESSAGE);
}

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  // strictFileNames off: yauzl turns the backslashes of zips made by old .NET into '/', then checks the result.
  const options = { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };
  return new Promise((resolve, reject) => yauzl.fromBuffer(zip, options, (err, zf) => (err ? reject(new CodeUnpackError(CORRUPT_ZIP_MESSAGE)) : resolve(zf))));
}

function readEntries(zf: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zf.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zf.readEntry();
    });
    zf.on('end', () => resolve(entries));
    zf.on('error', (err: Error) => reject(fromYauzl(err)));
    zf.readEntry();
  });
}

function openStream(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zf.openReadStream(entry, (err, stream) => (err ? reject(new CodeUnpackError(CORRUPT_ZIP_MESSAGE)) : resolve(stream))));
}

/** Checks one entry's metadata, before anything is written. */
function plan(entry: yauzl.Entry, seen: Set<string>): Planned | undefined {
  const name = entry.fileName;
  if (name.includes('\0')) throw refuse(`entry ${show(name)} has a NUL character in its name`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..')) throw outside(name);
  const host = entry.versionMadeBy >>> 8;
  // Only Unix (3) and macOS (19) zips carry a Unix mode in the high half of the external attributes.
  const unixMode = host === 3 || host === 19 ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  let kind: Kind;
  if (type === S_IFLNK) kind = 'symlink';
  else if (type === S_IFDIR || name.endsWith('/')) kind = 'dir';
  else if (type === 0 || type === S_IFREG) kind = 'file';
  else throw refuse(`entry ${show(name)} is a device, FIFO or socket; only files, directories and symbolic links are allowed`);
  const rel = path.posix.normalize(name).replace(/\/+$/, '');
  if (rel === '.' || rel === '') {
    if (kind === 'dir') return undefined; // "./": the directory itself
    throw refuse(`entry ${show(name)} has no file name`);
  }
  if (seen.has(rel)) throw refuse(`entry ${show(name)} appears more than once`);
  seen.add(rel);
  if (kind !== 'dir' && entry.isEncrypted()) throw refuse(`entry ${show(name)} is encrypted`);
  if (kind !== 'dir' && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw refuse(`entry ${show(name)} uses compression method ${entry.compressionMethod}; only deflate and store are supported`);
  }
  // Keep only the owner-exec bit's meaning: 0755 or 0644, never setuid/setgid/sticky or world-writable.
  const mode = kind === 'dir' || unixMode & 0o100 ? 0o755 : 0o644;
  return { entry, rel, kind, mode };
}

/** Turns a file-system refusal caused by the zip's own layout into a message for the user. */
function layoutError(err: unknown, rel: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') return refuse(`entry ${show(rel)} conflicts with another entry of the same path`);
  if (code === 'ENAMETOOLONG') return refuse(`entry ${show(rel)} has a name too long for the file system`);
  return err;
}

function streamError(err: unknown, rel: string): unknown {
  if (err instanceof CodeUnpackError) return err;
  if ((err as NodeJS.ErrnoException).syscall !== undefined) return layoutError(err, rel);
  if (/bytes in the stream/.test((err as Error).message)) return refuse(`entry ${show(rel)} does not hold the number of bytes its header declares`);
  return new CodeUnpackError(CORRUPT_ZIP_MESSAGE); // inflate errors
}

async function readLinkTarget(stream: Readable, rel: string): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_LINK_TARGET_BYTES) throw refuse(`symbolic link ${show(rel)} has a target longer than ${MAX_LINK_TARGET_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Unpacks `zip` into `destDir`, which must not exist yet, and returns how many files (regular
 * files and symbolic links) and bytes it wrote. Throws CodeUnpackError, leaving nothing behind,
 * for a zip that is corrupt, empty, too big, or unsafe. Files get mode 0755 if the zip gives
 * them the owner-exec bit, 0644 otherwise; directories 0755. Symbolic links are kept only when
 * they resolve, inside the tree, to something the zip holds. Hard links cannot be expressed in a
 * zip and are never created.
 */
export async function unpackZip(zip: Buffer, destDir: string, limits: UnpackLimits = DEFAULT_UNPACK_LIMITS): Promise<{ files: number; bytes: number }> {
  if (fs.existsSync(destDir)) throw Object.assign(new Error(`${destDir} already exists`), { code: 'EEXIST' });
  const zf = await openZip(zip);
  if (zf.entryCount > limits.maxEntries) throw refuse(`it has ${zf.entryCount} entries, more than the ${limits.maxEntries} allowed`);
  const seen = new Set<string>();
  const planned = (await readEntries(zf)).map((entry) => plan(entry, seen)).filter((p) => p !== undefined);
  if (!planned.some((p) => p.kind !== 'dir')) throw refuse('it holds no files');
  // Headers can lie, so this only refuses early; the bytes are counted again as they inflate.
  if (planned.reduce((sum, p) => sum + (p.kind === 'dir' ? 0 : p.entry.uncompressedSize), 0) > limits.maxUnzippedBytes) throw tooBig(limits);

  fs.mkdirSync(path.dirname(destDir), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(destDir), `.${path.basename(destDir)}.unpack-`));
  try {
    const root = fs.realpathSync.native(tmp);
    let bytes = 0;
    const links: { rel: string; target: string }[] = [];
    const dirs = new Set<string>();
    const ensureDir = (rel: string, owner: string) => {
      for (let d = rel; d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
      try {
        fs.mkdirSync(path.join(root, rel), { recursive: true });
      } catch (err) {
        throw layoutError(err, owner);
      }
    };

    // Files and directories first, while the tree holds no symlink that a write could follow.
    for (const p of planned) {
      if (p.kind === 'dir') {
        ensureDir(p.rel, p.rel);
        continue;
      }
      ensureDir(path.posix.dirname(p.rel), p.rel);
      const stream = await openStream(zf, p.entry);
      if (p.kind === 'symlink') {
        let target: string;
        try {
          target = await readLinkTarget(stream, p.rel);
        } catch (err) {
          throw streamError(err, p.rel);
        }
        bytes += Buffer.byteLength(target);
        if (bytes > limits.maxUnzippedBytes) throw tooBig(limits);
        if (leavesTree(p.rel, target)) throw refuse(`symbolic link ${show(p.rel)} points outside the function's directory (to ${show(target)})`);
        links.push({ rel: p.rel, target });
        continue;
      }
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(bytes > limits.maxUnzippedBytes ? tooBig(limits) : null, chunk);
        },
      });
      const file = path.join(root, p.rel);
      try {
        await pipeline(stream, counter, fs.createWriteStream(file, { flags: 'wx', mode: p.mode }));
      } catch (err) {
        throw streamError(err, p.rel);
      }
      fs.chmodSync(file, p.mode); // the umask may have taken bits away
    }

    // Then the links, then a check with all of them in place: a link may lead out through another one.
    for (const link of links) ensureDir(path.posix.dirname(link.rel), link.rel);
    for (const link of links) {
      try {
        fs.symlinkSync(link.target, path.join(root, link.rel));
      } catch (err) {
        throw layoutError(err, link.rel);
      }
    }
    for (const link of links) {
      let real: string;
      try {
        real = fs.realpathSync.native(path.join(root, link.rel)); // the kernel's answer: the JS version folds '..' before following links
      } catch {
        throw refuse(`symbolic link ${show(link.rel)} points to ${show(link.target)}, which is not in the zip file`);
      }
      if (!isInside(root, real)) throw refuse(`symbolic link ${show(link.rel)} points outside the function's directory (to ${show(link.target)})`);
    }

    for (const dir of dirs) fs.chmodSync(path.join(root, dir), 0o755);
    fs.chmodSync(root, 0o755);
    if (fs.existsSync(destDir)) throw Object.assign(new Error(`${destDir} appeared while unpacking`), { code: 'EEXIST' });
    fs.renameSync(tmp, destDir);
    return { files: planned.filter((p) => p.kind !== 'dir').length, bytes };
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    zf.close();
  }
}
