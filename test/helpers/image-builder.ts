// Builds container images for tests without Docker: layer tars written with tar-stream, an image
// config, and either an OCI image layout directory or a `docker save` tarball around them.
// bashRuntimeLayer() is a base layer holding the machine's bash and its libraries, enough to run
// a Lambda runtime written in bash (over /dev/tcp) as an image's entry point.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export type LayerEntry =
  | { name: string; type?: 'file'; content: Buffer | string; mode?: number }
  | { name: string; type: 'directory'; mode?: number }
  | { name: string; type: 'symlink' | 'link'; linkname: string }
  | { name: string; type: 'character-device' | 'fifo' }
  /** A header only, declaring `size` bytes that never follow (a huge or sparse file). */
  | { name: string; type: 'raw-size'; size: number };

export async function layerTar(entries: LayerEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', mode: e.mode ?? 0o755 });
    else if (e.type === 'symlink' || e.type === 'link') pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else if (e.type === 'character-device' || e.type === 'fifo') pack.entry({ name: e.name, type: e.type, devmajor: 1, devminor: 3 });
    else if (e.type === 'raw-size') {
      pack.finalize();
      await done;
      // A header that promises more bytes than the archive holds.
      const header = Buffer.concat(chunks.splice(0)).subarray(0, -1024);
      const h = Buffer.alloc(512);
      const p2 = tar.pack();
      const got: Buffer[] = [];
      p2.on('data', (c) => got.push(c as Buffer));
      p2.entry({ name: e.name, size: 0 }, '');
      p2.finalize();
      await new Promise((r) => p2.on('end', r));
      Buffer.concat(got).copy(h, 0, 0, 512);
      writeOctal(h, 124, 12, e.size);
      return Buffer.concat([header, fixChecksum(h), Buffer.alloc(4096)]);
    } else pack.entry({ name: e.name, mode: e.mode ?? 0o644 }, typeof e.content === 'string' ? Buffer.from(e.content) : e.content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number) {
  buf.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

function fixChecksum(h: Buffer): Buffer {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  writeOctal(h, 148, 8, sum);
  return h;
}

/** The machine's bash with the libraries it loads, at their own paths, and a Debian-like top level. */
export function bashRuntimeLayer(): LayerEntry[] {
  const bash = fs.realpathSync('/bin/bash');
  const out = execFileSync('/usr/bin/ldd', [bash], { encoding: 'utf8' });
  const entries: LayerEntry[] = [
    { name: 'usr/', type: 'directory' },
    { name: 'usr/bin/', type: 'directory' },
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'lib64', type: 'symlink', linkname: 'usr/lib64' },
    { name: 'usr/lib64/', type: 'directory' },
    { name: 'var/', type: 'directory' },
    { name: 'var/task/', type: 'directory' },
    { name: 'etc/', type: 'directory' },
    { name: 'etc/hostname', content: 'image\n' },
    // The loader finds the libraries through its cache, as on the machine they were copied from.
    { name: 'etc/ld.so.cache', content: fs.readFileSync('/etc/ld.so.cache') },
    { name: bash.slice(1), content: fs.readFileSync(bash), mode: 0o755 },
  ];
  const seen = new Set<string>();
  for (const line of out.split('\n')) {
    const lib = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s/.exec(line)?.[1];
    if (!lib) continue;
    const real = fs.realpathSync(lib);
    const dirs = path.dirname(real).slice(1).split('/');
    for (let i = 1; i <= dirs.length; i++) {
      const d = `${dirs.slice(0, i).join('/')}/`;
      if (!seen.has(d) && d !== 'usr/') entries.push({ name: d, type: 'directory' }), seen.add(d);
    }
    // Under the name the program asks for (libtinfo.so.6), not the versioned file it links to.
    const asked = path.join(path.dirname(real), path.basename(lib)).slice(1);
    entries.push({ name: asked, content: fs.readFileSync(real), mode: 0o755 });
    // The program interpreter's well-known path (e.g. /lib64/ld-linux-x86-64.so.2).
    if (/ld-linux/.test(lib) && lib !== real) entries.push({ name: `usr/lib64/${path.basename(lib)}`, type: 'symlink', linkname: `/${asked}` });
  }
  return entries;
}

/** A Lambda runtime in bash: GET /next, answer with what it knows, over /dev/tcp. */
export function bashRuntime(replyFields: string): string {
  const reply = replyFields.replace(/"/g, '\\"'); // inside a double-quoted bash string
  return `#!/usr/bin/bash
api=$AWS_LAMBDA_RUNTIME_API; host=\${api%:*}; port=\${api##*:}
while true; do
  exec 9<>/dev/tcp/$host/$port
  printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n' "$api" >&9
  id=; len=0
  while IFS= read -r line <&9; do line=\${line%$'\\r'}; [ -z "$line" ] && break
    case "\${line,,}" in lambda-runtime-aws-request-id:*) id=\${line#*: };; content-length:*) len=\${line#*: };; esac
  done
  event=null; [ "$len" -gt 0 ] && IFS= read -r -N "$len" event <&9
  exec 9<&-
  out="{${reply},\\"greeting\\":\\"$GREETING\\",\\"args\\":\\"$*\\",\\"cwd\\":\\"$PWD\\",\\"event\\":$event}"
  exec 9<>/dev/tcp/$host/$port
  printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\\r\\nHost: %s\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s' "$id" "$api" "\${#out}" "$out" >&9
  while IFS= read -r line <&9; do :; done
  exec 9<&-
done
`;
}

export interface ImageSpec {
  layers: Buffer[];
  config: { Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string; Env?: string[] };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function configBlob(spec: ImageSpec): Buffer {
  return Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: spec.config, rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => `sha256:${sha(l)}`) } }));
}

/** Writes an OCI image layout into `dir` (layers gzip-compressed); returns the image id. */
export function writeOciLayout(dir: string, spec: ImageSpec, refName?: string): string {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => (fs.writeFileSync(path.join(blobs, sha(b)), b), { digest: `sha256:${sha(b)}`, size: b.length });
  const config = configBlob(spec);
  const layers = spec.layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(gzipSync(l)) }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) }, layers }));
  const m = put(manifest);
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, ...(refName ? { annotations: { 'io.containerd.image.name': refName } } : {}) }] }),
  );
  return sha(config);
}

/** A `docker save` tarball (legacy layout: manifest.json, <id>.json, <n>/layer.tar); returns the image id. */
export async function dockerSaveTar(file: string, spec: ImageSpec, repoTags: string[]): Promise<string> {
  const config = configBlob(spec);
  const id = sha(config);
  const entries: LayerEntry[] = [
    { name: `${id}.json`, content: config },
    ...spec.layers.map((l, i) => ({ name: `layer${i}/layer.tar`, content: l })),
    { name: 'manifest.json', content: JSON.stringify([{ Config: `${id}.json`, RepoTags: repoTags, Layers: spec.layers.map((_, i) => `layer${i}/layer.tar`) }]) },
  ];
  fs.writeFileSync(file, await layerTar(entries));
  return id;
}
