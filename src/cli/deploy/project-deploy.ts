// `gust deploy` in a directory with a serverless.yml or a SAM template.yaml, and `gust remove`
// (or `gust deploy --delete`): read the project, package it, plan, then apply step by step.
import path from 'node:path';
import { CliError, EXIT, type GustClient } from '../client.js';
import { printJson } from '../output.js';
import { withProgress } from '../progress.js';
import { accountIdOf, readCurrentState } from './current-state.js';
import { packageFunction, type Package } from './package.js';
import { planLayers } from './layer-steps.js';
import { plan, type Step } from './plan.js';
import type { Project } from './project.js';
import { findSamTemplate, parseParameterOverrides, readSamTemplate } from './sam-template.js';
import { findServerlessFile, readServerlessConfig } from './serverless-config.js';

export interface ProjectDeployOptions {
  json?: boolean;
  stage?: string;
  region?: string;
  stackName?: string;
  parameterOverrides?: string[];
  dryRun?: boolean;
  delete?: boolean;
}

/** The project file in a directory, serverless.yml first. */
export function findProjectFile(dir: string): string | undefined {
  return findServerlessFile(dir) ?? findSamTemplate(dir);
}

export async function loadProject(client: GustClient, file: string, opts: ProjectDeployOptions): Promise<Project> {
  const accountId = await accountIdOf(client);
  const region = opts.region ?? client.region;
  return /serverless\.ya?ml$/.test(file)
    ? readServerlessConfig(file, { stage: opts.stage, region, accountId, endpoint: client.endpoint })
    : readSamTemplate(file, { stackName: opts.stackName, region, accountId, parameterOverrides: parseParameterOverrides(opts.parameterOverrides), endpoint: client.endpoint });
}

async function layersSupported(client: GustClient): Promise<boolean> {
  return client.request('GET', '/2018-10-31/layers').then(
    () => true,
    () => false,
  );
}

/** Every key Gust does not support, in one line; what Gust does differently, one line each. */
function warn(project: Project, withLayers: boolean): void {
  const unsupported = [...project.unsupported];
  if (!withLayers) {
    for (const f of project.functions) if (f.layers.length) unsupported.push(`${f.key}.layers (layers not yet supported by this server)`);
    for (const l of project.layers) unsupported.push(`${l.key} (layer: not yet supported by this server)`);
  }
  if (unsupported.length) process.stderr.write(`gust: warning: not supported by Gust, ignored: ${unsupported.join(', ')}\n`);
  for (const note of project.notes) process.stderr.write(`gust: note: ${note}\n`);
}

const describe = (s: Step) => `${s.action.padEnd(7)} ${s.kind.padEnd(12)} ${s.target}${s.detail ? `  ${s.detail}` : ''}`;
const stepJson = (s: Step) => ({ action: s.action, kind: s.kind, target: s.target, ...(s.detail ? { detail: s.detail } : {}) });

export async function deployProject(client: GustClient, file: string, opts: ProjectDeployOptions): Promise<void> {
  const project = await loadProject(client, file, opts);
  const removing = Boolean(opts.delete);
  const withLayers = await layersSupported(client);
  warn(project, withLayers);
  const packages = new Map<string, Package>();
  if (!removing) {
    const byContent = new Map<string, Package>();
    for (const f of project.functions) {
      const key = JSON.stringify([f.codeDir, f.patterns, f.bundle, f.runtime]);
      if (!byContent.has(key)) byContent.set(key, await packageFunction(f));
      packages.set(f.key, byContent.get(key)!);
    }
  }
  const wanted = removing ? [] : project.functions;
  const current = await readCurrentState(client, project.id, project.functions.map((f) => f.name));
  const unlogged = project.functions.filter((f) => !current.logRetention.has(`/aws/lambda/${f.name}`)).map((f) => f.name);
  if (!removing && project.logRetentionInDays !== undefined && unlogged.length) {
    process.stderr.write(`gust: note: logRetentionInDays applies to a log group once its function has run (not yet: ${unlogged.join(', ')}); deploy again after that\n`);
  }
  if (removing) for (const f of project.functions) if (current.functions.get(f.name) && current.functions.get(f.name)!.tags['gust:project'] !== project.id) current.functions.delete(f.name);
  const layers = withLayers && !removing ? await planLayers(client, project.layers) : { steps: [], arns: new Map<string, string>(), republished: new Set<string>() };
  const steps = plan({ client, project, wanted, packages, current, accountId: await accountIdOf(client), layersSupported: withLayers, layers });
  const label = `${project.kind === 'serverless' ? 'service' : 'stack'} ${project.id} (${path.relative(process.cwd(), file) || file})`;

  if (opts.dryRun) {
    if (opts.json) return printJson({ project: project.id, dryRun: true, steps: steps.map(stepJson) });
    process.stdout.write(steps.length ? `Plan for ${label}:\n${steps.map((s) => `  ${describe(s)}\n`).join('')}` : `${label}: nothing to change\n`);
    return;
  }
  const tty = Boolean(process.stdout.isTTY) && !opts.json;
  for (const [i, step] of steps.entries()) {
    if (tty) process.stdout.write(`[${i + 1}/${steps.length}] ${describe(step)}\n`);
    try {
      await withProgress(describe(step), () => step.run());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new CliError(`${step.action} ${step.kind} ${step.target} failed: ${message}${i > 0 ? ` (${i} of ${steps.length} steps done; deploy again once fixed)` : ''}`, err instanceof CliError ? err.exitCode : EXIT.failed);
    }
  }
  if (removing) {
    if (opts.json) return printJson({ project: project.id, removed: true, steps: steps.map(stepJson) });
    process.stdout.write(`Removed ${label}: ${steps.length} change${steps.length === 1 ? '' : 's'}\n`);
    return;
  }
  const functionUrls: Record<string, string> = {};
  for (const f of project.functions.filter((f) => f.url)) {
    functionUrls[f.name] = (await client.request('GET', `/2021-10-31/functions/${encodeURIComponent(f.name)}/url`)).json().FunctionUrl;
  }
  const outputs = Object.fromEntries(project.outputs.map((o) => [o.key, o.value({ endpoint: client.endpoint, functionUrls, layerArns: layers.arns })]));
  const endpoints = project.functions.flatMap((f) => f.routes.map((r) => ({ method: r.method, url: r.path === '$default' ? `${client.endpoint}/` : client.endpoint + r.path, function: f.name })));
  if (opts.json) return printJson({ project: project.id, steps: steps.map(stepJson), functions: project.functions.map((f) => f.name), endpoints, functionUrls, outputs });
  process.stdout.write(`Deployed ${label}: ${steps.length ? `${steps.length} change${steps.length === 1 ? '' : 's'}` : 'nothing changed'}\n`);
  for (const e of endpoints) process.stdout.write(`  ${e.method} ${e.url} → ${e.function}\n`);
  for (const [fn, url] of Object.entries(functionUrls)) process.stdout.write(`  URL ${url} → ${fn}\n`);
  for (const f of project.functions) for (const s of f.schedules) process.stdout.write(`  schedule ${s.name}: ${s.expression} → ${f.name}\n`);
  for (const o of project.outputs) process.stdout.write(`  ${o.key}: ${outputs[o.key]}${o.description ? `  (${o.description})` : ''}\n`);
}
