// Container images on local disk, content-addressed by the image id (the SHA-256 of the image's
// config, the same for its docker-save and OCI forms): images/<id>/rootfs is the unpacked root
// filesystem instances run on, images/<id>/image.json what Gust read from its config, and
// images/refs/<NAME:TAG, URI-encoded> holds the id a name points at (Gust's stand-in for a
// registry): one file per name, replaced by an atomic rename, so that nodes sharing the directory
// import at once without a lock and without losing a name. images/refs.json, the whole map
// rewritten at each import before, is still read under them.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readImageArchive } from '../control/image-archive.js';
import { applyLayer, DEFAULT_IMAGE_LIMITS, ImageUnpackError, newBudget, type ImageLimits } from '../control/image-unpack.js';

/** What a function needs from the image's config. */
export interface ImageInfo {
  id: string;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  /** NAME=VALUE, as the image config writes them. */
  env: string[];
  architecture: string;
  bytes: number;
}

export interface ImageRef {
  name: string;
  id: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const bad = (reason: string) => new ImageUnpackError(`The image was refused: ${reason}.`);

function strings(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.includes('\0'))) throw bad(`its config's ${what} is not a list of strings`);
  return value as string[];
}

/** Reads the parts of an image config a function uses, refusing what could not be launched. */
export function parseImageConfig(id: string, bytes: Buffer): Omit<ImageInfo, 'bytes'> {
  let doc: any;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad('its config is not valid JSON');
  }
  if (doc?.os !== undefined && doc.os !== 'linux') throw bad(`it is built for ${String(doc.os).slice(0, 50)}, not linux`);
  const c = doc?.config ?? {};
  const env = strings(c.Env, 'Env');
  for (const pair of env) if (!ENV_NAME.test(pair.split('=')[0])) throw bad(`its config's Env has a variable named ${JSON.stringify(pair.split('=')[0].slice(0, 100))}`);
  if (c.WorkingDir !== undefined && (typeof c.WorkingDir !== 'string' || c.WorkingDir.includes('\0'))) throw bad("its config's WorkingDir is not a string");
  return { id, entrypoint: strings(c.Entrypoint, 'Entrypoint'), cmd: strings(c.Cmd, 'Cmd'), workingDir: c.WorkingDir || '/', env, architecture: String(doc?.architecture ?? 'amd64') };
}

export class ImageStore {
  private readonly root: string;
  /** Imports on this node, one at a time (each unpacks a whole image: memory and disk bound). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, private readonly limits: ImageLimits = DEFAULT_IMAGE_LIMITS) {
    this.root = path.join(dataDir, 'images');
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  rootfsOf(id: string): string {
    return path.join(this.root, id, 'rootfs');
  }

  info(id: string): ImageInfo | undefined {
    if (!/^[0-9a-f]{64}$/.test(id)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(path.join(this.root, id, 'image.json'), 'utf8')) as ImageInfo;
    } catch {
      return undefined;
    }
  }

  refs(): Record<string, string> {
    const refs = this.legacyRefs();
    let files: string[] = [];
    try {
      files = fs.readdirSync(this.refsDir);
    } catch {
      /* no import since refs/ came */
    }
    for (const file of files) {
      if (file.endsWith('.tmp')) continue;
      try {
        const id = fs.readFileSync(path.join(this.refsDir, file), 'utf8').trim();
        if (/^[0-9a-f]{64}$/.test(id)) refs[decodeURIComponent(file)] = id;
      } catch {
        /* replaced or malformed meanwhile: skipped */
      }
    }
    return refs;
  }

  private get refsDir(): string {
    return path.join(this.root, 'refs');
  }

  private legacyRefs(): Record<string, string> {
    try {
      const refs = JSON.parse(fs.readFileSync(path.join(this.root, 'refs.json'), 'utf8')) as unknown;
      return refs && typeof refs === 'object' && !Array.isArray(refs) ? { ...(refs as Record<string, string>) } : {};
    } catch {
      return {};
    }
  }

  list(): ImageRef[] {
    return Object.entries(this.refs())
      .map(([name, id]) => ({ name, id }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Unpacks an archive (unless its image is already here) and points `names` at it. */
  import(archive: Buffer, names: string[]): Promise<{ image: ImageInfo; names: string[] }> {
    const run = this.queue.then(() => this.importNow(archive, names));
    this.queue = run.catch(() => {});
    return run;
  }

  private async importNow(archive: Buffer, givenNames: string[]) {
    const scratch = fs.mkdtempSync(path.join(this.root, '.import-'));
    try {
      const found = await readImageArchive(archive, path.join(scratch, mkdir(scratch, 'blobs')), this.limits.maxBytes);
      const id = createHash('sha256').update(found.config).digest('hex');
      const names = givenNames.length > 0 ? givenNames : found.names;
      let image = this.info(id);
      if (!image) {
        const parsed = parseImageConfig(id, found.config);
        const staging = path.join(scratch, 'image');
        const rootfs = path.join(staging, 'rootfs');
        fs.mkdirSync(rootfs, { recursive: true, mode: 0o755 });
        const budget = newBudget(this.limits);
        for (const layer of found.layers) await applyLayer(rootfs, layer, budget);
        fs.chmodSync(rootfs, 0o755);
        image = { ...parsed, bytes: budget.bytes };
        fs.writeFileSync(path.join(staging, 'image.json'), JSON.stringify(image));
        try {
          fs.renameSync(staging, path.join(this.root, id));
        } catch (err) {
          // Another node sharing the directory filed the same image first: theirs is the same bytes.
          const theirs = this.info(id);
          if (!theirs) throw err;
          image = theirs;
        }
      }
      for (const name of names) this.writeRef(name, id);
      return { image, names };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  private writeRef(name: string, id: string) {
    fs.mkdirSync(this.refsDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.refsDir, encodeURIComponent(name));
    // Random, not the pid: nodes sharing the directory (containers) may all be pid 1.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, id);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }
}

function mkdir(parent: string, name: string): string {
  fs.mkdirSync(path.join(parent, name));
  return name;
}
