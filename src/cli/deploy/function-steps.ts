// Steps for each wanted function: create it or update its code, configuration and tags; then its
// reserved concurrency, function URL, AutoPublishAlias (a weighted alias for Canary/Linear),
// provisioned concurrency and log retention. Unchanged parts make no step.
import { CliError, EXIT, type GustClient } from '../client.js';
import type { DeployedFunction } from './current-state.js';
import type { PlanInput, Step } from './plan.js';
import type { ProjectFunction } from './project.js';
import { resolveLayers } from './layer-steps.js';

import { waitUntilSettled } from './wait-settled.js';

const fnPath = (name: string) => `/2015-03-31/functions/${encodeURIComponent(name)}`;
const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

function wantedConfig(f: ProjectFunction, pkgEnv: Record<string, string>, layers: string[]) {
  return {
    Runtime: f.runtime,
    Handler: f.handler,
    MemorySize: f.memorySize ?? 128,
    Timeout: f.timeout ?? 3,
    Description: f.description ?? '',
    Environment: { Variables: { ...f.environment, ...pkgEnv } },
    ...(layers.length ? { Layers: layers } : {}),
  };
}

/** The configuration fields that differ, by their Lambda names. */
function configChanges(d: DeployedFunction, want: ReturnType<typeof wantedConfig>): string[] {
  const c = d.config;
  const have: Record<string, unknown> = { ...c, Description: c.Description ?? '', Environment: { Variables: c.Environment?.Variables ?? {} }, Layers: (c.Layers ?? []).map((l: { Arn: string }) => l.Arn) };
  return (Object.keys(want) as (keyof typeof want)[]).concat(want.Layers ? [] : ['Layers' as const]).filter((k) => !same(have[k], want[k] ?? []));
}

export function functionSteps(input: PlanInput): Step[] {
  const { client, project, wanted, packages, current, layersSupported, layers: layerPlan } = input;
  const steps: Step[] = [];
  for (const f of wanted) {
    const pkg = packages.get(f.key)!;
    const layers = layersSupported ? f.layers : [];
    const want = wantedConfig(f, pkg.environment, resolveLayers(layers, layerPlan.arns));
    // A layer published by this deploy has its version ARN only once it ran: read it then.
    const atRunTime = () => wantedConfig(f, pkg.environment, resolveLayers(layers, layerPlan.arns));
    const newLayer = layers.some((l) => layerPlan.republished.has(l));
    const d = current.functions.get(f.name);
    const codeChanged = !d || d.config.CodeSha256 !== pkg.sha256;
    const changes = d ? configChanges(d, want) : [];
    if (d && newLayer && !changes.includes('Layers')) changes.push('Layers');
    const configChanged = !d || changes.length > 0;
    if (!d) {
      const body = () => ({ FunctionName: f.name, ...atRunTime(), Role: 'arn:aws:iam::000000000000:role/gust', Tags: f.tags, Code: { ZipFile: pkg.zip.toString('base64') } });
      steps.push({ action: 'create', kind: 'function', target: f.name, detail: `${f.runtime} ${f.handler}, ${pkg.zip.length} bytes`, run: () => client.request('POST', '/2015-03-31/functions', { body: JSON.stringify(body()) }).then(() => {}) });
    } else {
      if (codeChanged) steps.push({ action: 'update', kind: 'function', target: f.name, detail: `code (${pkg.zip.length} bytes)`, run: () => client.request('PUT', `${fnPath(f.name)}/code`, { body: JSON.stringify({ ZipFile: pkg.zip.toString('base64') }) }).then(() => {}) });
      if (configChanged) steps.push({ action: 'update', kind: 'function', target: f.name, detail: `configuration: ${changes.join(', ')}`, run: () => waitThen(client, f.name, () => client.request('PUT', `${fnPath(f.name)}/configuration`, { body: JSON.stringify(atRunTime()) })) });
      if (!same(d.tags, f.tags)) steps.push({ action: 'update', kind: 'function', target: f.name, detail: 'tags', run: () => retag(client, d, f.tags) });
    }
    if (f.reservedConcurrency !== d?.reserved) {
      const path = `/2017-10-31/functions/${encodeURIComponent(f.name)}/concurrency`;
      steps.push(
        f.reservedConcurrency === undefined
          ? { action: 'delete', kind: 'concurrency', target: f.name, detail: 'reserved', run: () => client.request('DELETE', path).then(() => {}) }
          : { action: d?.reserved === undefined ? 'create' : 'update', kind: 'concurrency', target: f.name, detail: `reserved ${f.reservedConcurrency}`, run: () => client.request('PUT', path, { body: JSON.stringify({ ReservedConcurrentExecutions: f.reservedConcurrency }) }).then(() => {}) },
      );
    }
    steps.push(...urlSteps(client, f, d));
    const changed = codeChanged || configChanged;
    // Alias and provisioned concurrency follow a new version, or are made up for when missing.
    if (f.alias && (changed || !d?.aliases[f.alias.name])) steps.push(aliasStep(client, f));
    const provisionedOn = f.alias?.name ?? 'provisioned';
    if (f.provisionedConcurrency !== undefined && (changed || d?.provisioned[provisionedOn] !== f.provisionedConcurrency)) steps.push(provisionedStep(client, f));
    if (f.provisionedConcurrency === undefined && d?.provisioned[provisionedOn] !== undefined) {
      steps.push({ action: 'delete', kind: 'concurrency', target: `${f.name}:${provisionedOn}`, detail: 'provisioned', run: () => client.request('DELETE', `/2019-09-30/functions/${encodeURIComponent(f.name)}/provisioned-concurrency?Qualifier=${encodeURIComponent(provisionedOn)}`).then(() => {}) });
    }
    // A log group exists once the function has logged: its retention is set from then on.
    const logGroupName = `/aws/lambda/${f.name}`;
    const retention = current.logRetention.get(logGroupName);
    if (project.logRetentionInDays !== undefined && retention !== undefined && retention !== project.logRetentionInDays) {
      steps.push({ action: 'update', kind: 'logs', target: logGroupName, detail: `retention ${project.logRetentionInDays} days`, run: () => client.logs('PutRetentionPolicy', { logGroupName, retentionInDays: project.logRetentionInDays }).then(() => {}) });
    }
  }
  return steps;
}

/** A step right after a create or an update may meet State Pending or LastUpdateStatus InProgress, as on Lambda: wait it out. */
async function waitThen(client: GustClient, name: string, call: () => Promise<unknown>): Promise<void> {
  await waitUntilSettled(client, name);
  await call();
}

async function retag(client: GustClient, d: DeployedFunction, tags: Record<string, string>): Promise<void> {
  const resource = `/2017-03-31/tags/${encodeURIComponent(d.arn)}`;
  const gone = Object.keys(d.tags).filter((k) => !(k in tags));
  if (gone.length) await client.request('DELETE', `${resource}?${gone.map((k) => `tagKeys=${encodeURIComponent(k)}`).join('&')}`);
  await client.request('POST', resource, { body: JSON.stringify({ Tags: tags }) });
}

function urlSteps(client: GustClient, f: ProjectFunction, d: DeployedFunction | undefined): Step[] {
  const path = `/2021-10-31/functions/${encodeURIComponent(f.name)}/url`;
  if (!f.url) return d?.url ? [{ action: 'delete', kind: 'url', target: f.name, run: () => client.request('DELETE', path).then(() => {}) }] : [];
  const body = { AuthType: f.url.authType, ...(f.url.cors ? { Cors: f.url.cors } : {}) };
  if (d?.url && d.url.AuthType === body.AuthType && same(d.url.Cors ?? null, body.Cors ?? null)) return [];
  return [{ action: d?.url ? 'update' : 'create', kind: 'url', target: f.name, detail: `auth ${f.url.authType}`, run: () => client.request(d?.url ? 'PUT' : 'POST', path, { body: JSON.stringify(body) }).then(() => {}) }];
}

async function publishVersion(client: GustClient, name: string): Promise<string> {
  let version = '';
  await waitThen(client, name, async () => {
    version = (await client.request('POST', `${fnPath(name)}/versions`, { body: '{}' })).json().Version;
  });
  return version;
}

async function putAlias(client: GustClient, name: string, alias: string, body: Record<string, unknown>): Promise<void> {
  const path = `${fnPath(name)}/aliases/${encodeURIComponent(alias)}`;
  const exists = await client.request('GET', path).then(() => true, (err: Error) => (/ResourceNotFoundException/.test(err.message) ? false : Promise.reject(err)));
  if (exists) await client.request('PUT', path, { body: JSON.stringify(body) });
  else await client.request('POST', `${fnPath(name)}/aliases`, { body: JSON.stringify({ Name: alias, ...body }) });
}

/** Publishes a version; Canary/Linear keep the alias on the old version and give the new one its share. */
function aliasStep(client: GustClient, f: ProjectFunction): Step {
  const alias = f.alias!;
  const weighted = alias.newVersionWeight !== undefined;
  return {
    action: 'publish',
    kind: 'alias',
    target: `${f.name}:${alias.name}`,
    detail: weighted ? `new version gets ${Math.round(alias.newVersionWeight! * 100)} % (${alias.preference})` : 'new version',
    run: async () => {
      const version = await publishVersion(client, f.name);
      const current = await client.request('GET', `${fnPath(f.name)}/aliases/${encodeURIComponent(alias.name)}`).then((r) => r.json().FunctionVersion as string, () => undefined);
      const body = weighted && current && current !== version ? { FunctionVersion: current, RoutingConfig: { AdditionalVersionWeights: { [version]: alias.newVersionWeight } } } : { FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: {} } };
      await putAlias(client, f.name, alias.name, body);
    },
  };
}

/** Provisioned concurrency needs a version: on the SAM alias, or an alias `provisioned` as the Framework makes. */
function provisionedStep(client: GustClient, f: ProjectFunction): Step {
  const alias = f.alias?.name ?? 'provisioned';
  return {
    action: 'update',
    kind: 'concurrency',
    target: `${f.name}:${alias}`,
    detail: `provisioned ${f.provisionedConcurrency}`,
    run: async () => {
      if (!f.alias) await putAlias(client, f.name, alias, { FunctionVersion: await publishVersion(client, f.name) });
      const url = `/2019-09-30/functions/${encodeURIComponent(f.name)}/provisioned-concurrency?Qualifier=${encodeURIComponent(alias)}`;
      await client.request('PUT', url, { body: JSON.stringify({ ProvisionedConcurrentExecutions: f.provisionedConcurrency }) });
      await waitProvisioned(client, url, `${f.name}:${alias}`);
    },
  };
}

const PROVISIONED_WAIT_MS = 5 * 60_000;

/** As CloudFormation does, a deploy ends once the provisioned instances are ready (or have failed). */
async function waitProvisioned(client: GustClient, url: string, target: string): Promise<void> {
  const deadline = Date.now() + PROVISIONED_WAIT_MS;
  for (;;) {
    const c = (await client.request('GET', url)).json();
    if (c.Status === 'READY') return;
    if (c.Status === 'FAILED') throw new CliError(`provisioned instances of ${target} failed: ${c.StatusReason ?? 'see the function’s log'}`, EXIT.failed);
    if (Date.now() > deadline) throw new CliError(`provisioned instances of ${target} not ready after ${PROVISIONED_WAIT_MS / 60_000} minutes (${c.AvailableProvisionedConcurrentExecutions ?? 0} of ${c.RequestedProvisionedConcurrentExecutions} ready)`, EXIT.failed);
    await new Promise((r) => setTimeout(r, 250));
  }
}
