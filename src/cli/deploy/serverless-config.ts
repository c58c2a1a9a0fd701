// Reads a serverless.yml (Framework v3 and its fork osls) into the project model: variables
// resolved, functions named service-stage-function, events mapped to Gust's routes, schedules,
// URLs, S3 notifications and SQS subscriptions, resources (buckets, queues) with the CloudFormation
// intrinsics that point at them, and every key Gust does not support collected for one warning.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CliError, EXIT } from '../client.js';
import { CFN_TAGS, evaluate, evaluateProperties, type IntrinsicContext } from './cfn-intrinsics.js';
import { bundleFor } from './handler-source.js';
import { PROJECT_TAG, type Project, type ProjectFunction, type ProjectQueue, type S3Event, type ScheduleEvent } from './project.js';
import { declaredQueueName, inCreationOrder, projectQueue, queueAttribute, serverlessQueueEvent } from './project-queues.js';
import { resolveValue } from './serverless-variables.js';

export interface ServerlessOptions {
  stage?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
  accountId?: string;
  /** Gust's address, for a queue's URL (what Ref of a queue gives). */
  endpoint?: string;
}

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const PROVIDER_KEYS = new Set(['name', 'runtime', 'memorySize', 'timeout', 'environment', 'stage', 'region', 'tags', 'logRetentionInDays', 'versionFunctions']);
const FUNCTION_KEYS = new Set(['handler', 'name', 'runtime', 'memorySize', 'timeout', 'environment', 'layers', 'reservedConcurrency', 'provisionedConcurrency', 'url', 'events', 'description', 'tags', 'package']);
const TOP_KEYS = new Set(['service', 'frameworkVersion', 'provider', 'functions', 'package', 'resources', 'custom', 'plugins', 'useDotenv', 'configValidationMode', 'variablesResolutionMode', 'org', 'app']);
/** Plugins whose job gust does itself. */
const BUILT_IN_PLUGINS = new Set(['serverless-esbuild', 'serverless-plugin-typescript', 'serverless-offline', 'serverless-python-requirements']);

export function findServerlessFile(dir: string): string | undefined {
  return ['serverless.yml', 'serverless.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

function num(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`serverless.yml: ${where} must be a number, got '${String(value)}'.`, EXIT.usage);
  return n;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) throw new CliError(`serverless.yml: ${where} must be a map.`, EXIT.usage);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function unknownKeys(obj: Obj, known: Set<string>, prefix: string, out: string[]): void {
  for (const key of Object.keys(obj)) if (!known.has(key)) out.push(`${prefix}${key}`);
}

/** `'GET /users/{id}'`, `'*'`, or `{ method, path }`. */
function httpApiRoute(value: unknown, where: string): { method: string; path: string } {
  if (value === '*') return { method: 'ANY', path: '$default' };
  if (typeof value === 'string') {
    const m = /^(\S+)\s+(\S+)$/.exec(value.trim());
    if (!m) throw new CliError(`serverless.yml: ${where} must be 'METHOD /path' or '*', got '${value}'.`, EXIT.usage);
    return { method: m[1] === '*' ? 'ANY' : m[1].toUpperCase(), path: m[2] };
  }
  if (isObj(value)) {
    const method = String(value.method ?? '*');
    return { method: method === '*' ? 'ANY' : method.toUpperCase(), path: String(value.path ?? '$default') };
  }
  throw new CliError(`serverless.yml: ${where} is not an httpApi event.`, EXIT.usage);
}

/** REST API events: `'get users'` or `{ path, method }`; paths are relative to the API root. */
function httpRoute(value: unknown, where: string): { method: string; path: string } {
  let method: string;
  let p: string;
  if (typeof value === 'string') {
    const m = /^(\S+)\s+(\S*)$/.exec(value.trim());
    if (!m) throw new CliError(`serverless.yml: ${where} must be 'METHOD path', got '${value}'.`, EXIT.usage);
    [method, p] = [m[1], m[2]];
  } else if (isObj(value)) [method, p] = [String(value.method ?? 'ANY'), String(value.path ?? '')];
  else throw new CliError(`serverless.yml: ${where} is not an http event.`, EXIT.usage);
  return { method: method === '*' ? 'ANY' : method.toUpperCase(), path: `/${p.replace(/^\/+/, '')}` };
}

function scheduleEvents(value: unknown, fnName: string, index: number): ScheduleEvent[] {
  const spec: Obj = typeof value === 'string' ? { rate: value } : isObj(value) ? value : {};
  const rates = Array.isArray(spec.rate) ? spec.rate : [spec.rate];
  return rates.map((expression: unknown, i: number) => ({
    name: String(spec.name ?? `${fnName}-schedule-${index + 1}${rates.length > 1 ? `-${i + 1}` : ''}`).slice(0, 64),
    expression: String(expression),
    input: spec.input === undefined ? undefined : typeof spec.input === 'string' ? spec.input : JSON.stringify(spec.input),
    enabled: spec.enabled !== false,
    timezone: spec.timezone,
  }));
}

function s3Event(value: unknown): S3Event {
  if (typeof value === 'string') return { bucket: value, events: ['s3:ObjectCreated:*'], existing: false };
  const spec = isObj(value) ? value : {};
  const rules: Obj[] = Array.isArray(spec.rules) ? spec.rules : [];
  return {
    bucket: String(spec.bucket),
    events: [String(spec.event ?? 's3:ObjectCreated:*')],
    prefix: rules.find((r) => r.prefix !== undefined)?.prefix,
    suffix: rules.find((r) => r.suffix !== undefined)?.suffix,
    existing: spec.existing === true,
  };
}

function patternsOf(pkg: unknown): string[] {
  if (!isObj(pkg)) return [];
  const patterns = [...(Array.isArray(pkg.patterns) ? pkg.patterns : [])];
  // Framework v2's include/exclude, still read by v3: exclusions become `!` patterns.
  for (const p of Array.isArray(pkg.exclude) ? pkg.exclude : []) patterns.push(`!${p}`);
  for (const p of Array.isArray(pkg.include) ? pkg.include : []) patterns.push(p);
  return patterns.map(String);
}

export function readServerlessConfig(file: string, opts: ServerlessOptions = {}): Project {
  const dir = path.dirname(path.resolve(file));
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'), { customTags: CFN_TAGS });
  } catch (err) {
    throw new CliError(`${path.basename(file)}: ${(err as Error).message}`, EXIT.usage);
  }
  if (!isObj(raw)) throw new CliError(`${path.basename(file)} is empty or not a map.`, EXIT.usage);
  const base = { self: raw, env: opts.env ?? process.env, dir, accountId: opts.accountId ?? '000000000000' };
  const early = { ...base, options: { stage: opts.stage, region: opts.region }, stage: opts.stage ?? 'dev', region: opts.region ?? 'us-east-1' };
  const stage = String(opts.stage ?? resolveValue(early, raw.provider?.stage) ?? 'dev');
  const region = String(opts.region ?? resolveValue({ ...early, stage }, raw.provider?.region) ?? 'us-east-1');
  const config = resolveValue({ ...base, options: { stage: opts.stage, region: opts.region }, stage, region }, raw) as Obj;
  const unsupported: string[] = [];
  unknownKeys(config, TOP_KEYS, '', unsupported);

  const service = String(isObj(config.service) ? config.service.name : config.service ?? '');
  if (!service) throw new CliError('serverless.yml: `service` is required.', EXIT.usage);
  const provider: Obj = isObj(config.provider) ? config.provider : {};
  unknownKeys(provider, PROVIDER_KEYS, 'provider.', unsupported);
  if (provider.name !== undefined && provider.name !== 'aws') throw new CliError(`serverless.yml: provider.name '${provider.name}' is not supported (only aws).`, EXIT.usage);
  for (const plugin of Array.isArray(config.plugins) ? config.plugins : []) if (!BUILT_IN_PLUGINS.has(String(plugin))) unsupported.push(`plugins.${plugin}`);

  const resources: Obj = isObj(config.resources?.Resources) ? config.resources.Resources : {};
  const ctx = resourceIntrinsics(resources, `${service}-${stage}`, { region, accountId: base.accountId, endpoint: opts.endpoint ?? 'http://127.0.0.1:9000' });
  const buckets: string[] = [];
  const queues: ProjectQueue[] = [];
  for (const [id, res] of Object.entries(resources)) {
    if (res?.Type === 'AWS::S3::Bucket') buckets.push(String(ctx.ref(id)));
    else if (res?.Type === 'AWS::SQS::Queue') queues.push(projectQueue(String(ctx.getAtt(id, 'QueueName')), evaluateProperties(res.Properties ?? {}, ctx), `resources.Resources.${id}.Properties`, unsupported));
    else unsupported.push(`resources.Resources.${id} (${res?.Type})`);
  }
  if (isObj(config.resources)) unknownKeys(config.resources, new Set(['Resources']), 'resources.', unsupported);
  const environment = (value: unknown, where: string) => stringMap(evaluate(value, ctx), where);

  const projectPatterns = patternsOf(config.package);
  const id = `${service}-${stage}`;
  const functions: ProjectFunction[] = Object.entries(isObj(config.functions) ? config.functions : {}).map(([key, fnRaw]) => {
    const fn: Obj = isObj(fnRaw) ? fnRaw : {};
    unknownKeys(fn, FUNCTION_KEYS, `functions.${key}.`, unsupported);
    if (typeof fn.handler !== 'string') throw new CliError(`serverless.yml: functions.${key}.handler is required.`, EXIT.usage);
    const name = String(fn.name ?? `${service}-${stage}-${key}`);
    const runtime = String(fn.runtime ?? provider.runtime ?? 'nodejs20.x');
    const f: ProjectFunction = {
      key,
      name,
      handler: fn.handler,
      runtime,
      // The Framework's defaults, not Lambda's: 1024 MB and 6 seconds.
      memorySize: num(fn.memorySize ?? provider.memorySize, `functions.${key}.memorySize`) ?? 1024,
      timeout: num(fn.timeout ?? provider.timeout, `functions.${key}.timeout`) ?? 6,
      description: fn.description,
      environment: { ...environment(provider.environment, 'provider.environment'), ...environment(fn.environment, `functions.${key}.environment`) },
      layers: (Array.isArray(fn.layers) ? fn.layers : []).map(String),
      tags: { ...stringMap(provider.tags, 'provider.tags'), ...stringMap(fn.tags, `functions.${key}.tags`), [PROJECT_TAG]: id },
      reservedConcurrency: num(fn.reservedConcurrency, `functions.${key}.reservedConcurrency`),
      provisionedConcurrency: num(fn.provisionedConcurrency, `functions.${key}.provisionedConcurrency`),
      url: fn.url ? { authType: isObj(fn.url) && fn.url.authorizer === 'aws_iam' ? 'AWS_IAM' : 'NONE', cors: isObj(fn.url) && fn.url.cors ? urlCors(fn.url.cors) : undefined } : undefined,
      codeDir: dir,
      patterns: [...projectPatterns, ...patternsOf(fn.package)],
      bundle: bundleFor(dir, fn.handler, runtime),
      routes: [],
      schedules: [],
      s3: [],
      sqs: [],
    };
    (Array.isArray(fn.events) ? fn.events : []).forEach((event: unknown, i: number) => {
      const [type, spec] = isObj(event) ? Object.entries(event)[0] ?? [] : [];
      const where = `functions.${key}.events[${i}].${type}`;
      if (type === 'httpApi') f.routes.push({ ...httpApiRoute(spec, where), payloadFormat: '2.0' });
      else if (type === 'http') f.routes.push({ ...httpRoute(spec, where), payloadFormat: '1.0' });
      else if (type === 'schedule') f.schedules.push(...scheduleEvents(spec, name, f.schedules.length));
      else if (type === 's3') f.s3.push(s3Event(spec));
      else if (type === 'sqs') f.sqs.push(serverlessQueueEvent(evaluate(spec, ctx), where));
      else unsupported.push(`functions.${key}.events[${i}].${type ?? '?'}`);
    });
    return f;
  });
  const notes = functions.some((f) => f.routes.some((r) => r.payloadFormat === '1.0')) ? ['http (REST API) routes are served at their path, without the /stage prefix'] : [];
  return {
    kind: 'serverless',
    dir,
    id,
    region,
    functions,
    buckets,
    queues: inCreationOrder(queues, region, base.accountId),
    layers: [],
    logRetentionInDays: num(provider.logRetentionInDays, 'provider.logRetentionInDays'),
    outputs: [],
    unsupported,
    notes,
  };
}

/** serverless `url.cors`: true, or { allowedOrigins, allowedHeaders, allowedMethods, ... }. */
function urlCors(cors: unknown): Record<string, unknown> {
  const c: Obj = isObj(cors) ? cors : {};
  return {
    AllowOrigins: c.allowedOrigins ?? ['*'],
    AllowHeaders: c.allowedHeaders ?? ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token'],
    AllowMethods: c.allowedMethods ?? ['*'],
    ...(c.allowCredentials !== undefined ? { AllowCredentials: Boolean(c.allowCredentials) } : {}),
    ...(c.exposedResponseHeaders ? { ExposeHeaders: c.exposedResponseHeaders } : {}),
    ...(c.maxAge !== undefined ? { MaxAge: Number(c.maxAge) } : {}),
  };
}

/** Ref and Fn::GetAtt of the buckets and queues under `resources`, named as the Framework's stack names them. */
function resourceIntrinsics(resources: Obj, stackId: string, at: { region: string; accountId: string; endpoint: string }): IntrinsicContext {
  const props = (id: string): Obj => (isObj(resources[id]?.Properties) ? resources[id].Properties : {});
  const bucketOf = (id: string) => String(props(id).BucketName ?? `${stackId}-${id}`.toLowerCase());
  const queueOf = (id: string) => declaredQueueName(stackId, id, props(id));
  const ctx: IntrinsicContext = {
    file: 'serverless.yml',
    mappings: {},
    ref(name) {
      if (name === 'AWS::Region') return at.region;
      if (name === 'AWS::AccountId') return at.accountId;
      if (name === 'AWS::Partition') return 'aws';
      if (name === 'AWS::StackName') return stackId;
      const type = resources[name]?.Type;
      if (type === 'AWS::S3::Bucket') return bucketOf(name);
      if (type === 'AWS::SQS::Queue') return queueAttribute(queueOf(name), undefined, at);
      return undefined;
    },
    getAtt(id, attr) {
      const type = resources[id]?.Type;
      if (type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:aws:s3:::${bucketOf(id)}`;
      if (type === 'AWS::SQS::Queue') return queueAttribute(queueOf(id), attr, at);
      return undefined;
    },
    condition: () => false,
  };
  return ctx;
}
