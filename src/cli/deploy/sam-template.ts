// Reads a SAM template.yaml (or `sam build`'s .aws-sam/build/template.yaml) into the project
// model: Parameters with defaults and overrides, Conditions, Globals, intrinsics resolved,
// AWS::Serverless::Function with its events, LayerVersion, S3 buckets, SQS queues, and Outputs.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CliError, EXIT } from '../client.js';
import { CFN_TAGS, evaluate, evaluateProperties, type IntrinsicContext } from './cfn-intrinsics.js';
import { bundleFor } from './handler-source.js';
import { functionArn, PROJECT_TAG, type DeployedFacts, type Project, type ProjectFunction, type ProjectLayer, type ProjectOutput, type ProjectQueue } from './project.js';
import { declaredQueueName, inCreationOrder, projectQueue, queueAttribute } from './project-queues.js';
import { samEvents } from './sam-events.js';
import { layerPlaceholder } from './layer-steps.js';

export interface SamOptions {
  stackName?: string;
  region?: string;
  accountId?: string;
  parameterOverrides?: Record<string, string>;
  /** Gust's address, for a queue's URL (what !Ref of a queue gives). */
  endpoint?: string;
}

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const FUNCTION_PROPS = new Set(['CodeUri', 'Handler', 'Runtime', 'MemorySize', 'Timeout', 'Environment', 'Layers', 'AutoPublishAlias', 'DeploymentPreference', 'FunctionUrlConfig', 'Events', 'FunctionName', 'Description', 'Tags', 'ReservedConcurrentExecutions', 'ProvisionedConcurrencyConfig', 'Role', 'Policies', 'Architectures']);

export function findSamTemplate(dir: string): string | undefined {
  const candidates = [path.join(dir, '.aws-sam/build/template.yaml'), path.join(dir, 'template.yaml'), path.join(dir, 'template.yml')];
  return candidates.find((f) => fs.existsSync(f));
}

/** `K=V K2=V2`, as `sam deploy --parameter-overrides` takes them (also ParameterKey=K,ParameterValue=V). */
export function parseParameterOverrides(items: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items.flatMap((s) => s.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [])) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(item);
    const eq = item.indexOf('=');
    if (long) out[long[1]] = long[2];
    else if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1).replace(/^(['"])(.*)\1$/, '$2');
    else throw new CliError(`--parameter-overrides expects KEY=VALUE, got '${item}'`, EXIT.usage);
  }
  return out;
}

function stackNameFrom(dir: string): string {
  try {
    const m = /^\s*stack_name\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(dir, 'samconfig.toml'), 'utf8'));
    if (m) return m[1];
  } catch {
    /* no samconfig.toml: the directory's name */
  }
  return path.basename(dir).replace(/[^a-zA-Z0-9-]/g, '-');
}

/** Globals.Function under a function's own properties; Environment variables merge. */
function withGlobals(globals: Obj, props: Obj): Obj {
  const merged = { ...globals, ...props };
  const gv = globals.Environment?.Variables;
  const pv = props.Environment?.Variables;
  if (isObj(gv) || isObj(pv)) merged.Environment = { Variables: { ...(gv ?? {}), ...(pv ?? {}) } };
  return merged;
}

export function readSamTemplate(file: string, opts: SamOptions = {}): Project {
  const templateDir = path.dirname(path.resolve(file));
  const built = templateDir.endsWith(path.join('.aws-sam', 'build'));
  const projectDir = built ? path.resolve(templateDir, '../..') : templateDir;
  let t: unknown;
  try {
    t = YAML.parse(fs.readFileSync(file, 'utf8'), { customTags: CFN_TAGS });
  } catch (err) {
    throw new CliError(`${path.basename(file)}: ${(err as Error).message}`, EXIT.usage);
  }
  if (!isObj(t) || !isObj(t.Resources)) throw new CliError(`${path.basename(file)} has no Resources.`, EXIT.usage);
  const stackName = opts.stackName ?? stackNameFrom(projectDir);
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const where = { region, accountId, endpoint: opts.endpoint ?? 'http://127.0.0.1:9000' };
  const resources: Obj = t.Resources;
  const unsupported: string[] = [];
  const notes: string[] = [];

  const params: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(isObj(t.Parameters) ? t.Parameters : {})) {
    const v = opts.parameterOverrides?.[name] ?? def?.Default;
    if (v === undefined) throw new CliError(`template.yaml: parameter ${name} has no Default; pass --parameter-overrides ${name}=VALUE.`, EXIT.usage);
    if (Array.isArray(def?.AllowedValues) && !def.AllowedValues.map(String).includes(String(v))) throw new CliError(`template.yaml: parameter ${name} must be one of ${def.AllowedValues.join(', ')}; got '${v}'.`, EXIT.usage);
    params[name] = def?.Type === 'CommaDelimitedList' ? String(v).split(',') : v;
  }
  for (const name of Object.keys(opts.parameterOverrides ?? {})) if (!(name in params)) throw new CliError(`template.yaml has no parameter ${name}.`, EXIT.usage);

  const nameOf = (id: string): string | undefined => {
    const r = resources[id];
    if (r?.Type === 'AWS::Serverless::Function') return r.Properties?.FunctionName !== undefined ? String(evaluate(r.Properties.FunctionName, ctx)) : id;
    return undefined;
  };
  const bucketOf = (id: string): string => {
    const p = resources[id]?.Properties?.BucketName;
    return p !== undefined ? String(evaluate(p, ctx)) : `${stackName}-${id}`.toLowerCase();
  };
  const queueOf = (id: string): string => declaredQueueName(stackName, id, evaluateProperties(resources[id]?.Properties ?? {}, ctx));
  const conditionCache = new Map<string, boolean>();
  const ctx: IntrinsicContext = {
    mappings: isObj(t.Mappings) ? t.Mappings : {},
    ref(name) {
      if (name in params) return params[name];
      if (name === 'AWS::Region') return region;
      if (name === 'AWS::AccountId') return accountId;
      if (name === 'AWS::StackName') return stackName;
      if (name === 'AWS::Partition') return 'aws';
      if (name === 'AWS::URLSuffix') return 'amazonaws.com';
      if (name === 'AWS::StackId') return `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/gust`;
      // SAM's implicit APIs: their address in Outputs becomes Gust's endpoint (deployedValue).
      if (name === 'ServerlessHttpApi' || name === 'ServerlessRestApi') return 'gust';
      const r = resources[name];
      if (!r) return undefined;
      if (r.Type === 'AWS::Serverless::Function') return nameOf(name);
      if (r.Type === 'AWS::S3::Bucket') return bucketOf(name);
      if (r.Type === 'AWS::SQS::Queue') return queueAttribute(queueOf(name), undefined, where);
      if (r.Type === 'AWS::Serverless::LayerVersion') return layerPlaceholder(name);
      return name;
    },
    getAtt(id, attr) {
      const r = resources[id];
      const fnId = id.endsWith('Url') ? id.slice(0, -3) : undefined;
      if (r?.Type === 'AWS::Serverless::Function' && attr === 'Arn') return functionArn(region, accountId, nameOf(id)!);
      if (r?.Type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:aws:s3:::${bucketOf(id)}`;
      if (r?.Type === 'AWS::SQS::Queue') return queueAttribute(queueOf(id), attr, where);
      if (fnId && resources[fnId]?.Properties?.FunctionUrlConfig && attr === 'FunctionUrl') return `\${gust:url:${nameOf(fnId)}}`;
      return undefined;
    },
    condition(name) {
      if (!conditionCache.has(name)) {
        const def = t.Conditions?.[name];
        if (def === undefined) throw new CliError(`template.yaml: condition ${name} is not defined.`, EXIT.usage);
        conditionCache.set(name, false); // a condition that refers to itself is false, not a hang
        conditionCache.set(name, Boolean(evaluate(def, ctx)));
      }
      return conditionCache.get(name)!;
    },
  };
  const layerName = (id: string) => String(resources[id]?.Properties?.LayerName !== undefined ? evaluate(resources[id].Properties.LayerName, ctx) : id);

  const globals: Obj = isObj(t.Globals?.Function) ? t.Globals.Function : {};
  for (const key of Object.keys(t.Globals ?? {})) if (key !== 'Function') unsupported.push(`Globals.${key}`);
  const functions: ProjectFunction[] = [];
  const buckets: string[] = [];
  const queues: ProjectQueue[] = [];
  const layers: ProjectLayer[] = [];
  for (const [id, res] of Object.entries(resources)) {
    if (!isObj(res)) continue;
    if (res.Condition && !ctx.condition(String(res.Condition))) continue;
    if (res.Type === 'AWS::S3::Bucket') buckets.push(bucketOf(id));
    else if (res.Type === 'AWS::SQS::Queue') queues.push(projectQueue(queueOf(id), evaluateProperties(res.Properties ?? {}, ctx), `Resources.${id}.Properties`, unsupported));
    else if (res.Type === 'AWS::Serverless::LayerVersion') {
      const p = evaluateProperties(res.Properties ?? {}, ctx);
      layers.push({ key: id, name: layerName(id), contentDir: path.resolve(templateDir, String(p.ContentUri ?? '.')), runtimes: p.CompatibleRuntimes ?? [] });
    } else if (res.Type === 'AWS::Serverless::Function') functions.push(samFunction(id, res, globals));
    else if (res.Type === 'AWS::Serverless::HttpApi' || res.Type === 'AWS::Serverless::Api') notes.push(`${id} (${res.Type}): its routes are served on Gust's own port`);
    else unsupported.push(`Resources.${id} (${res.Type})`);
  }

  function samFunction(id: string, res: Obj, globalProps: Obj): ProjectFunction {
    const raw = withGlobals(globalProps, isObj(res.Properties) ? res.Properties : {});
    const p = evaluateProperties(raw, ctx);
    for (const key of Object.keys(p)) if (!FUNCTION_PROPS.has(key)) unsupported.push(`Resources.${id}.Properties.${key}`);
    if (p.PackageType === 'Image') throw new CliError(`template.yaml: ${id} is a container image function; gust deploy takes zip functions for now.`, EXIT.usage);
    if (typeof p.Handler !== 'string' || typeof p.Runtime !== 'string') throw new CliError(`template.yaml: ${id} needs Handler and Runtime.`, EXIT.usage);
    const name = nameOf(id)!;
    const codeDir = path.resolve(templateDir, typeof p.CodeUri === 'string' ? p.CodeUri : '.');
    const metadata: Obj = isObj(res.Metadata) ? res.Metadata : {};
    const esbuild = !built && metadata.BuildMethod === 'esbuild';
    const props: Obj = isObj(metadata.BuildProperties) ? metadata.BuildProperties : {};
    const preference = isObj(p.DeploymentPreference) ? String(p.DeploymentPreference.Type ?? 'AllAtOnce') : undefined;
    const pct = /^(?:Canary|Linear)(\d+)Percent/.exec(preference ?? '');
    const events = samEvents(id, name, isObj(raw.Events) ? raw.Events : {}, ctx, resources, unsupported);
    return {
      key: id,
      name,
      handler: p.Handler,
      runtime: p.Runtime,
      memorySize: p.MemorySize === undefined ? undefined : Number(p.MemorySize),
      timeout: p.Timeout === undefined ? undefined : Number(p.Timeout),
      description: p.Description,
      environment: Object.fromEntries(Object.entries(p.Environment?.Variables ?? {}).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)])),
      layers: (p.Layers ?? []).map(String),
      tags: { ...(p.Tags ?? {}), [PROJECT_TAG]: stackName },
      reservedConcurrency: p.ReservedConcurrentExecutions === undefined ? undefined : Number(p.ReservedConcurrentExecutions),
      provisionedConcurrency: p.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions === undefined ? undefined : Number(p.ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions),
      url: p.FunctionUrlConfig ? { authType: p.FunctionUrlConfig.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE', cors: p.FunctionUrlConfig.Cors } : undefined,
      alias: p.AutoPublishAlias ? { name: String(p.AutoPublishAlias), newVersionWeight: pct ? Number(pct[1]) / 100 : undefined, preference } : undefined,
      codeDir,
      patterns: [],
      bundle: esbuild ? bundleFor(codeDir, p.Handler, p.Runtime, { entryPoints: props.EntryPoints, format: props.Format }) : undefined,
      ...events,
    };
  }

  const outputs: ProjectOutput[] = Object.entries(isObj(t.Outputs) ? t.Outputs : {}).flatMap(([key, out]) => {
    if (!isObj(out) || (out.Condition && !ctx.condition(String(out.Condition)))) return [];
    const value = String(evaluate(out.Value, ctx));
    return [{ key, description: out.Description === undefined ? undefined : String(evaluate(out.Description, ctx)), value: (d) => deployedValue(value, d) }];
  });
  if (functions.some((f) => f.alias?.newVersionWeight !== undefined)) notes.push('DeploymentPreference Canary/Linear: the new version gets its first share through the alias weight; finish the shift with `gust alias set NAME ALIAS VERSION`');
  return { kind: 'sam', dir: projectDir, id: stackName, region, functions, buckets, queues: inCreationOrder(queues, region, accountId), layers, outputs, unsupported, notes };
}

/** API Gateway addresses become Gust's endpoint; function URLs are filled in once known. */
function deployedValue(value: string, d: DeployedFacts): string {
  return value
    .replace(/gust-layer:[A-Za-z0-9]+/g, (placeholder) => d.layerArns.get(placeholder) ?? placeholder)
    .replace(/https:\/\/[^/\s]+\.execute-api\.[^/\s]+\.amazonaws\.com(\/(Prod|Stage))?/g, d.endpoint)
    .replace(/\$\{gust:url:([^}]+)\}/g, (_m, fn: string) => d.functionUrls[fn] ?? '(no URL)');
}
