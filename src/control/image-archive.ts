// Reads an uploaded image archive: a `docker save` tarball (manifest.json) or an OCI image
// layout packed into a tar (oci-layout, index.json, blobs/). Its files are spooled to a
// scratch directory first (either format may list its manifest after the blobs), then the
// manifest names the config and the layers, each checked against its digest where it has one.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { ImageUnpackError, readSmall } from './image-unpack.js';

export interface ImageArchive {
  /** The image config's bytes; its SHA-256 is the image id. */
  config: Buffer;
  /** Layer files in the scratch directory, bottom first. */
  layers: string[];
  /** Names the archive carries (docker save's RepoTags, OCI ref annotations). */
  names: string[];
}

const bad = (reason: string) => new ImageUnpackError(`The image archive was refused: ${reason}.`);
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const MAX_ARCHIVE_FILES = 10_000;

const hostArch = () => (process.arch === 'arm64' ? 'arm64' : 'amd64');

function normal(name: string): string {
  if (name.includes('\0') || name.startsWith('/') || name.split('/').includes('..')) throw bad(`it holds an entry named ${JSON.stringify(name.slice(0, 200))}`);
  return path.posix.normalize(name).replace(/^\.\/+/, '').replace(/\/+$/, '');
}

/** Spools every regular file of the outer tar into `scratch`; symlinks (docker save reuses layers that way) are followed by name. */
async function spool(archive: Buffer, scratch: string, maxBytes: number) {
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  const fed = pipeline(Readable.from([archive]), extract).catch((err) => extract.destroy(err as Error));
  let total = 0;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const name = normal(h.name);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        if (files.size >= MAX_ARCHIVE_FILES) throw bad(`it holds more than ${MAX_ARCHIVE_FILES} files`);
        total += h.size ?? 0;
        if (total > maxBytes) throw bad(`it is larger than ${maxBytes} bytes`);
        const file = path.join(scratch, String(files.size));
        await pipeline(entry, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
        files.set(name, file);
      } else {
        if (h.type === 'symlink' && h.linkname) links.set(name, path.posix.join(path.posix.dirname(name), h.linkname));
        entry.resume();
      }
    }
  } catch (err) {
    if (err instanceof ImageUnpackError) throw err;
    throw bad(`it is not a tar archive of an image (${(err as Error).message})`);
  }
  await fed;
  return (name: string): string | undefined => {
    let n = normal(name);
    for (let i = 0; i < 8 && !files.has(n) && links.has(n); i++) n = normal(links.get(n)!);
    return files.get(n);
  };
}

function parseJson(bytes: Buffer, what: string): any {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad(`its ${what} is not valid JSON`);
  }
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** OCI: blobs/sha256/<hex>, checked against its digest. */
async function blob(find: (name: string) => string | undefined, digest: unknown, what: string): Promise<string> {
  const m = typeof digest === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(digest) : null;
  if (!m) throw bad(`its ${what} has no sha256 digest`);
  const file = find(`blobs/sha256/${m[1]}`);
  if (!file) throw bad(`its ${what} ${digest} is missing from blobs/`);
  if ((await fileDigest(file)) !== m[1]) throw bad(`its ${what} does not match its digest ${digest}`);
  return file;
}

async function fromOciIndex(find: (name: string) => string | undefined, indexFile: string) {
  let index = parseJson(await readSmall(fs.createReadStream(indexFile)), 'index.json');
  const names: string[] = [];
  for (let depth = 0; depth < 4; depth++) {
    const manifests = Array.isArray(index?.manifests) ? index.manifests : [];
    if (manifests.length === 0) throw bad('its index lists no manifest');
    const pick = manifests.find((m: any) => !m.platform || (m.platform.os === 'linux' && m.platform.architecture === hostArch())) ?? manifests[0];
    const ref = pick.annotations?.['io.containerd.image.name'] ?? pick.annotations?.['org.opencontainers.image.ref.name'];
    if (typeof ref === 'string' && ref.includes(':')) names.push(ref);
    const file = await blob(find, pick.digest, 'manifest');
    const doc = parseJson(await readSmall(fs.createReadStream(file)), 'manifest');
    if (INDEX_TYPES.has(pick.mediaType) || INDEX_TYPES.has(doc.mediaType) || Array.isArray(doc.manifests)) {
      index = doc;
      continue;
    }
    const config = await readSmall(fs.createReadStream(await blob(find, doc.config?.digest, 'config')));
    const layers: string[] = [];
    for (const layer of Array.isArray(doc.layers) ? doc.layers : []) layers.push(await blob(find, layer?.digest, 'layer'));
    return { config, layers, names };
  }
  throw bad('its indexes nest too deeply');
}

async function fromDockerManifest(find: (name: string) => string | undefined, manifestFile: string) {
  const list = parseJson(await readSmall(fs.createReadStream(manifestFile)), 'manifest.json');
  const m = Array.isArray(list) ? list[0] : undefined;
  if (!m || typeof m.Config !== 'string' || !Array.isArray(m.Layers)) throw bad('its manifest.json names no image');
  const configFile = find(m.Config);
  if (!configFile) throw bad(`its config ${JSON.stringify(String(m.Config).slice(0, 200))} is missing`);
  const layers = m.Layers.map((l: unknown) => {
    const file = typeof l === 'string' ? find(l) : undefined;
    if (!file) throw bad(`its layer ${JSON.stringify(String(l).slice(0, 200))} is missing`);
    return file;
  });
  const names = Array.isArray(m.RepoTags) ? m.RepoTags.filter((t: unknown) => typeof t === 'string') : [];
  return { config: await readSmall(fs.createReadStream(configFile)), layers, names };
}

/** Reads `archive` into `scratch` (which the caller removes) and finds the image in it. */
export async function readImageArchive(archive: Buffer, scratch: string, maxBytes: number): Promise<ImageArchive> {
  const find = await spool(archive, scratch, maxBytes);
  const manifest = find('manifest.json');
  const index = find('index.json');
  if (manifest) return fromDockerManifest(find, manifest);
  if (index) return fromOciIndex(find, index);
  throw bad('it has neither manifest.json (docker save) nor index.json (OCI image layout)');
}
