// `gust image import PATH [--name NAME:TAG]`, `gust image ls` and `gust deploy --image PATH`:
// container images from a `docker save` tarball or an OCI image layout (a directory, or a tar
// of one), uploaded to Gust, which stands in for a registry (there is none on this machine).
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';
import { formatBytes, withProgress } from './progress.js';

export interface ImportedImage {
  Id: string;
  Names: string[];
  Bytes: number;
}

/** Packs an OCI image layout directory into a tar (regular files and directories only). */
async function packLayout(dir: string): Promise<Buffer> {
  if (!fs.existsSync(path.join(dir, 'index.json')) && !fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new CliError(`${dir} is not an OCI image layout (no index.json) nor an unpacked docker save (no manifest.json).`, EXIT.usage);
  }
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile() || entry.isSymbolicLink()) pack.entry({ name, mode: 0o644 }, fs.readFileSync(path.join(dir, name)));
    }
  };
  walk('');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function imageArchive(target: string): Promise<Buffer> {
  if (!fs.existsSync(target)) throw new CliError(`${target} does not exist`, EXIT.usage);
  return fs.statSync(target).isDirectory() ? packLayout(target) : fs.readFileSync(target);
}

export async function uploadImage(client: GustClient, target: string, names: string[]): Promise<ImportedImage> {
  const body = await imageArchive(target);
  const query = names.map((n) => `name=${encodeURIComponent(n)}`).join('&');
  return withProgress(`Importing ${target} (${formatBytes(body.length)})`, async () => (await client.request('PUT', `/gust/images${query ? `?${query}` : ''}`, { body, headers: { 'content-type': 'application/x-tar' } })).json());
}

export async function importImage(client: GustClient, target: string, opts: OutputOptions & { name?: string[] }): Promise<void> {
  const image = await uploadImage(client, target, opts.name ?? []);
  if (opts.json) return printJson(image);
  process.stdout.write(`Imported ${image.Id} (${image.Bytes} bytes)${image.Names.length > 0 ? ` as ${image.Names.join(', ')}` : ' (no name: use --name NAME:TAG, or ImageUri NAME@' + image.Id + ')'}\n`);
}

export async function listImages(client: GustClient, opts: OutputOptions): Promise<void> {
  const { Images } = (await client.request('GET', '/gust/images')).json();
  if (opts.json) return printJson(Images);
  printTable((Images as { Name: string; Id: string; Bytes: number }[]).map((i) => ({ name: i.Name, id: i.Id.slice(0, 19), bytes: i.Bytes })), ['name', 'id', 'bytes']);
}

/** `gust deploy --image PATH`: import, then create the function from it or point it at it. */
export async function deployImage(client: GustClient, target: string, opts: OutputOptions & { name?: string; imageName?: string; memory?: string; timeout?: string }): Promise<void> {
  const fnName = opts.name ?? path.basename(path.resolve(target)).replace(/\.(tar|tgz|tar\.gz)$/i, '').replace(/[^a-zA-Z0-9_-]/g, '-');
  const imageName = opts.imageName ?? `${fnName.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '') || 'image'}:latest`;
  const image = await uploadImage(client, target, [imageName]);
  const fnPath = `/2015-03-31/functions/${encodeURIComponent(fnName)}`;
  const exists = await client.request('GET', `${fnPath}/configuration`).then(
    () => true,
    (err: CliError) => {
      if (/ResourceNotFoundException/.test(err.message)) return false;
      throw err;
    },
  );
  const config: Record<string, unknown> = {};
  if (opts.memory) config.MemorySize = Number(opts.memory);
  if (opts.timeout) config.Timeout = Number(opts.timeout);
  let result;
  if (!exists) {
    const body = { FunctionName: fnName, PackageType: 'Image', Code: { ImageUri: imageName }, ...config };
    result = (await client.request('POST', '/2015-03-31/functions', { body: JSON.stringify(body) })).json();
  } else {
    result = (await client.request('PUT', `${fnPath}/code`, { body: JSON.stringify({ ImageUri: imageName }) })).json();
    if (Object.keys(config).length > 0) result = (await client.request('PUT', `${fnPath}/configuration`, { body: JSON.stringify(config) })).json();
  }
  if (opts.json) return printJson(result);
  process.stdout.write(`${exists ? 'Updated' : 'Created'} ${result.FunctionName} from image ${imageName} (${image.Id.slice(0, 19)}, ${result.MemorySize} MB)\n`);
  process.stdout.write(`ARN: ${result.FunctionArn}\n`);
}
