// A project's own layers (SAM AWS::Serverless::LayerVersion): published through the Lambda layer
// API when their content changed, and their references in functions' Layers replaced by the
// version ARN, which is known only once the publish has run.
import { createHash } from 'node:crypto';
import type { CliError, GustClient } from '../client.js';
import { zipDirectory } from './package.js';
import type { ProjectLayer } from './project.js';
import type { Step } from './plan.js';

/** How a function refers to a layer of its own project before it is published. */
export const layerPlaceholder = (key: string) => `gust-layer:${key}`;

export interface LayerPlan {
  steps: Step[];
  /** Placeholder → version ARN; filled in by the publish steps for changed layers. */
  arns: Map<string, string>;
  /** Placeholders of layers this deploy publishes: functions using them get the new version. */
  republished: Set<string>;
}

const layerPath = (name: string) => `/2018-10-31/layers/${encodeURIComponent(name)}/versions`;

async function latest(client: GustClient, name: string): Promise<{ arn: string; sha: string } | undefined> {
  const list = await client.request('GET', layerPath(name)).then((r) => r.json(), (err: CliError) => (/ResourceNotFound/.test(err.message) ? undefined : Promise.reject(err)));
  const top = list?.LayerVersions?.[0];
  if (!top) return undefined;
  const version = (await client.request('GET', `${layerPath(name)}/${top.Version}`)).json();
  return { arn: top.LayerVersionArn, sha: version.Content?.CodeSha256 };
}

export async function planLayers(client: GustClient, layers: ProjectLayer[]): Promise<LayerPlan> {
  const plan: LayerPlan = { steps: [], arns: new Map(), republished: new Set() };
  for (const layer of layers) {
    const zip = await zipDirectory(layer.contentDir);
    const sha = createHash('sha256').update(zip).digest('base64');
    const current = await latest(client, layer.name);
    const placeholder = layerPlaceholder(layer.key);
    if (current && current.sha === sha) {
      plan.arns.set(placeholder, current.arn);
      continue;
    }
    plan.republished.add(placeholder);
    plan.steps.push({
      action: 'publish',
      kind: 'layer',
      target: layer.name,
      detail: `${zip.length} bytes`,
      run: async () => {
        const body = { Content: { ZipFile: zip.toString('base64') }, ...(layer.runtimes.length ? { CompatibleRuntimes: layer.runtimes } : {}) };
        plan.arns.set(placeholder, (await client.request('POST', layerPath(layer.name), { body: JSON.stringify(body) })).json().LayerVersionArn);
      },
    });
  }
  return plan;
}

export const resolveLayers = (layers: string[], arns: Map<string, string>) => layers.map((l) => arns.get(l) ?? l);
