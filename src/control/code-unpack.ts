// Unpacks a deployment zip safely: nothing may land outside the code directory (`../`, absolute
// paths, symlinks pointing out, writes through symlinks), no device files or setuid bits, and a
// cap on real unzipped bytes and entries against zip bombs. All or nothing: a refused zip
// leaves no trace, because it is unpacked beside the destination and renamed at the end.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';

export class CodeUnpackError extends Error {}

export interface UnpackLimits {
  maxUnzippedBytes: number;
  maxEntries: number;
}

export const LAMBDA_LIMITS: UnpackLimits = { maxUnzippedBytes: 262_144_000, maxEntries: 20_000 };

const CORRUPT = 'Could not unzip uploaded file. Please check your file, then try to upload again.';
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zf) =>
      err || !zf ? reject(new CodeUnpackError(CORRUPT)) : resolve(zf),
    ),
  );
}

function readStream(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zf.openReadStream(entry, (err, stream) => (err || !stream ? reject(new CodeUnpackError(CORRUPT)) : resolve(stream))));
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function unpackZip(zip: Buffer, destDir: string, limits: UnpackLimits = LAMBDA_LIMITS): Promise<{ files: number; bytes: number }> {
  const zf = await openZip(zip);
  if (zf.entryCount === 0) throw new CodeUnpackError('The deployment package is empty: the zip file has no entries.');
  if (zf.entryCount > limits.maxEntries) throw new CodeUnpackError(`The deployment package has ${zf.entryCount} entries; at most ${limits.maxEntries} are allowed.`);

  const tmp = `${destDir}.unpack-${randomBytes(6).toString('hex')}`;
  fs.mkdirSync(tmp, { recursive: true, mode: 0o755 });
  const root = fs.realpathSync(tmp);
  let bytes = 0;
  let files = 0;
  const tooBig = () => new CodeUnpackError(`Unzipped size must be smaller than ${limits.maxUnzippedBytes} bytes`);

  /** The real directory an entry goes into, refusing any path that leaves the tree. */
  const parentOf = (name: string) => {
    const target = path.resolve(root, name);
    if (!isInside(root, target) || target === root) throw new CodeUnpackError(`The zip entry '${name}' points outside the code directory.`);
    const dir = path.dirname(target);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const real = fs.realpathSync(dir);
    if (!isInside(root, real)) throw new CodeUnpackError(`The zip entry '${name}' is written through a link that leaves the code directory.`);
    return { dir: real, target: path.join(real, path.basename(target)) };
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        zf.close();
        reject(err instanceof CodeUnpackError ? err : new CodeUnpackError(err instanceof Error && /invalid|absolute|relative/i.test(err.message) ? `Refused zip entry: ${err.message}` : CORRUPT));
      };
      zf.on('error', fail);
      zf.on('end', () => resolve());
      zf.on('entry', (entry: yauzl.Entry) => {
        handleEntry(entry).then(() => zf.readEntry(), fail);
      });
      zf.readEntry();
    });
    if (files === 0) throw new CodeUnpackError('The deployment package holds no files.');
    fs.renameSync(tmp, destDir);
    return { files, bytes };
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (err instanceof CodeUnpackError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') return { files, bytes }; // unpacked concurrently by an identical upload
    throw err;
  }

  async function handleEntry(entry: yauzl.Entry) {
    const name = entry.fileName;
    if (name.includes('\\') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..') || name.startsWith('/')) {
      throw new CodeUnpackError(`The zip entry '${name}' points outside the code directory.`);
    }
    const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
    const type = unixMode & S_IFMT;
    const isDir = name.endsWith('/') || type === S_IFDIR;
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR && type !== S_IFLNK) {
      throw new CodeUnpackError(`The zip entry '${name}' is a device, FIFO or socket; only files, directories and symlinks are allowed.`);
    }
    if (isDir) {
      const target = path.resolve(root, name);
      if (!isInside(root, target)) throw new CodeUnpackError(`The zip entry '${name}' points outside the code directory.`);
      parentOf(path.join(name, 'x'));
      return;
    }
    bytes += entry.uncompressedSize;
    if (bytes > limits.maxUnzippedBytes) throw tooBig();
    const { target } = parentOf(name);
    const stream = await readStream(zf, entry);

    if (type === S_IFLNK) {
      const chunks: Buffer[] = [];
      for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
      const linkTarget = Buffer.concat(chunks).toString('utf8');
      if (path.isAbsolute(linkTarget) || !isInside(root, path.resolve(path.dirname(target), linkTarget))) {
        throw new CodeUnpackError(`The zip entry '${name}' is a symlink to '${linkTarget}', outside the code directory.`);
      }
      fs.symlinkSync(linkTarget, target);
      files++;
      return;
    }

    // Count the bytes really inflated: a bomb's headers can lie about its size.
    let written = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        written += chunk.length;
        if (bytes - entry.uncompressedSize + written > limits.maxUnzippedBytes) return done(tooBig());
        done(null, chunk);
      },
    });
    const executable = (unixMode & 0o100) !== 0;
    // 'wx' refuses duplicates and never follows a symlink planted by an earlier entry.
    await pipeline(stream, counter, fs.createWriteStream(target, { flags: 'wx', mode: executable ? 0o755 : 0o644 }));
    fs.chmodSync(target, executable ? 0o755 : 0o644);
    files++;
  }
}
