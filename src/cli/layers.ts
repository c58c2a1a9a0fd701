// `gust layer publish NAME DIR|ZIP [--runtimes …]`, `gust layer ls [NAME]`, `gust layer rm NAME VERSION`.
import fs from 'node:fs';
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';
import { formatBytes, withProgress } from './progress.js';
import { zipDirectory } from './zip-directory.js';

const layerPath = (name: string) => `/2018-10-31/layers/${encodeURIComponent(name)}/versions`;

export async function publishLayer(client: GustClient, name: string, target: string, opts: OutputOptions & { runtimes?: string[]; description?: string }): Promise<void> {
  const zip = fs.statSync(target).isDirectory() ? await zipDirectory(target) : fs.readFileSync(target);
  const body = { Content: { ZipFile: zip.toString('base64') }, ...(opts.runtimes ? { CompatibleRuntimes: opts.runtimes } : {}), ...(opts.description ? { Description: opts.description } : {}) };
  const v = await withProgress(`Publishing layer ${name} (${formatBytes(zip.length)})`, async () => (await client.request('POST', layerPath(name), { body: JSON.stringify(body) })).json());
  if (opts.json) return printJson(v);
  process.stdout.write(`Published ${name} version ${v.Version}: ${v.LayerVersionArn}\n`);
}

type Item = { LayerVersionArn: string; Version: number; Description: string; CreatedDate: string; CompatibleRuntimes?: string[] };
const row = (name: string, v: Item) => ({ layer: name, version: v.Version, runtimes: (v.CompatibleRuntimes ?? []).join(','), created: v.CreatedDate, arn: v.LayerVersionArn });

export async function listLayers(client: GustClient, name: string | undefined, opts: OutputOptions): Promise<void> {
  const columns = ['layer', 'version', 'runtimes', 'created', 'arn'];
  if (name) {
    const { LayerVersions } = (await client.request('GET', `${layerPath(name)}?MaxItems=50`)).json();
    if (opts.json) return printJson(LayerVersions);
    return printTable((LayerVersions as Item[]).map((v) => row(name, v)), columns);
  }
  const { Layers } = (await client.request('GET', '/2018-10-31/layers?MaxItems=50')).json();
  if (opts.json) return printJson(Layers);
  printTable((Layers as { LayerName: string; LatestMatchingVersion: Item }[]).map((l) => row(l.LayerName, l.LatestMatchingVersion)), columns);
}

export async function removeLayer(client: GustClient, name: string, version: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `${layerPath(name)}/${encodeURIComponent(version)}`);
  if (opts.json) return printJson({ deleted: { layer: name, version: Number(version) } });
  process.stdout.write(`Deleted ${name} version ${version}\n`);
}
