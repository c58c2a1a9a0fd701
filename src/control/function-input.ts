// Validation of the configuration fields of CreateFunction and UpdateFunctionConfiguration.
// Each rule and message follows Lambda's, so a client sees the error it would see on AWS.
import { GustError, invalidParameter } from '../errors.js';
import { NETWORK_TAG, parseNetworkTag, SUPPORTED_RUNTIMES } from '../invoke/runtime-launch.js';
import type { FunctionRecord, LoggingSettings } from './function-record.js';
import { parseLoggingConfig } from './logging-config.js';

export type ConfigFields = Partial<
  Pick<
    FunctionRecord,
    'runtime' | 'handler' | 'role' | 'description' | 'memorySize' | 'timeout' | 'environment' | 'architectures' | 'ephemeralStorageMb' | 'tracingMode'
  >
> & {
  /** What the request's LoggingConfig sets; merged over the current settings by the caller. */
  loggingPatch?: Partial<LoggingSettings>;
  /** DeadLetterConfig: an ARN, or null to remove it. */
  deadLetterTargetArn?: string | null;
};

export interface ConfigContext {
  /** The one dead-letter target Gust has: its built-in store, addressed as an SQS queue. */
  deadLetterArn: string;
  /** The runtime the function has or will have, for SnapStart's check. */
  runtime?: string;
}

const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const MAX_ENV_BYTES = 4096;

const constraint = (value: unknown, field: string, rule: string) =>
  new GustError('ValidationException', `1 validation error detected: Value '${String(value).slice(0, 200)}' at '${field}' failed to satisfy constraint: ${rule}`);

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(`${field} must be an integer, got ${JSON.stringify(value)}`);
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

/** A pattern as AWS prints it in a message: unanchored, with `/` unescaped. */
const printedPattern = (pattern: RegExp) => pattern.source.replace(/^\^/, '').replace(/\$$/, '').replaceAll('\\/', '/');

function string(value: unknown, field: string, max: number, pattern?: RegExp): string {
  if (typeof value !== 'string') throw invalidParameter(`${field} must be a string, got ${JSON.stringify(value)}`);
  if (value.length > max) throw constraint(value, field, `Member must have length less than or equal to ${max}`);
  if (pattern && !pattern.test(value)) throw constraint(value, field, `Member must satisfy regular expression pattern: ${printedPattern(pattern)}`);
  return value;
}

function environment(value: unknown): Record<string, string> {
  const vars = (value as { Variables?: unknown } | null)?.Variables ?? {};
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) throw invalidParameter('Environment.Variables must be a map of strings');
  const result: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [key, v] of Object.entries(vars)) {
    if (!ENV_KEY.test(key)) throw constraint(key, 'environment.variables', `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${ENV_KEY.source}]`);
    if (typeof v !== 'string') throw invalidParameter(`Environment variable ${key} must be a string`);
    // A process environment cannot hold a NUL, and the launch passes values NUL-separated.
    if (v.includes('\0')) throw invalidParameter(`Environment variable ${key} must not contain a NUL character`);
    if (RESERVED_ENV.has(key)) reserved.push(key);
    result[key] = v;
  }
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(result);
  if (Buffer.byteLength(measured) > MAX_ENV_BYTES) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return result;
}

const enumError = (value: unknown, field: string, values: string[]) =>
  new GustError('ValidationException', `1 validation error detected: Value '${String(value).slice(0, 100)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);

function tracingMode(value: unknown): 'PassThrough' | 'Active' {
  const mode = (value as { Mode?: unknown } | null)?.Mode ?? 'PassThrough';
  if (mode !== 'PassThrough' && mode !== 'Active') throw enumError(mode, 'tracingConfig.mode', ['Active', 'PassThrough']);
  return mode;
}

/** Gust has no SQS or SNS yet: its built-in dead-letter store is the only target it can deliver to. */
function deadLetterTarget(value: unknown, ctx: ConfigContext): string | null {
  const arn = (value as { TargetArn?: unknown } | null)?.TargetArn;
  if (arn === undefined || arn === null || arn === '') return null;
  if (typeof arn !== 'string') throw invalidParameter('DeadLetterConfig.TargetArn must be a string.');
  if (arn === ctx.deadLetterArn) return arn;
  // One of Gust's queues (same region and account): Functions checks that it exists.
  if (arn.startsWith(ctx.deadLetterArn.slice(0, ctx.deadLetterArn.lastIndexOf(':') + 1)) && /:[\w.-]{1,80}$/.test(arn)) return arn;
  throw invalidParameter(
    `DeadLetterConfig.TargetArn '${arn.slice(0, 200)}' is not a target Gust can deliver to: name one of its queues, its built-in dead-letter queue ${ctx.deadLetterArn} (gust dlq ls), or use an OnFailure destination.`,
  );
}

function snapStart(value: unknown, runtime: string | undefined) {
  const applyOn = (value as { ApplyOn?: unknown } | null)?.ApplyOn ?? 'None';
  if (applyOn !== 'None' && applyOn !== 'PublishedVersions') throw enumError(applyOn, 'snapStart.applyOn', ['PublishedVersions', 'None']);
  if (applyOn === 'PublishedVersions') {
    throw invalidParameter(`${runtime ?? 'This runtime'} is not supported for SnapStart enabled functions: Gust does not take snapshots (set SnapStart.ApplyOn to None).`);
  }
}

/** Reads the configuration fields present in a request body; absent fields stay absent. */
export function parseConfigFields(body: Record<string, unknown>, ctx: ConfigContext): ConfigFields {
  const fields: ConfigFields = {};
  if (body.Runtime !== undefined) {
    const runtime = string(body.Runtime, 'runtime', 64);
    if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
      throw new GustError('InvalidParameterValueException', `The runtime parameter of ${runtime} is not supported. Supported runtimes: ${SUPPORTED_RUNTIMES.join(', ')}`);
    }
    fields.runtime = runtime;
  }
  if (body.Handler !== undefined) fields.handler = string(body.Handler, 'handler', 128, /^[^\s]+$/);
  if (body.Role !== undefined) fields.role = string(body.Role, 'role', 2048, ROLE);
  if (body.Description !== undefined) fields.description = string(body.Description, 'description', 256);
  if (body.MemorySize !== undefined) fields.memorySize = integer(body.MemorySize, 'memorySize', 128, 10240);
  if (body.Timeout !== undefined) fields.timeout = integer(body.Timeout, 'timeout', 1, 900);
  if (body.Environment !== undefined) fields.environment = environment(body.Environment);
  if (body.Architectures !== undefined) {
    const archs = body.Architectures;
    // AWS's two messages, the value printed as Java prints a list: [x86_64, arm64].
    const printed = Array.isArray(archs) ? `[${archs.map((a) => String(a).slice(0, 40)).join(', ')}]` : String(archs).slice(0, 100);
    if (!Array.isArray(archs) || archs.length < 1) throw constraint(printed, 'architectures', 'Member must have length greater than or equal to 1');
    if (archs.length > 1) throw constraint(printed, 'architectures', 'Member must have length less than or equal to 1');
    if (!['x86_64', 'arm64'].includes(archs[0])) {
      throw constraint(printed, 'architectures', 'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]');
    }
    fields.architectures = archs as string[];
  }
  if (body.EphemeralStorage !== undefined) {
    fields.ephemeralStorageMb = integer((body.EphemeralStorage as { Size?: unknown } | null)?.Size, 'ephemeralStorage.size', 512, 10240);
  }
  if (body.LoggingConfig !== undefined) fields.loggingPatch = parseLoggingConfig(body.LoggingConfig);
  if (body.TracingConfig !== undefined) fields.tracingMode = tracingMode(body.TracingConfig);
  if (body.DeadLetterConfig !== undefined) fields.deadLetterTargetArn = deadLetterTarget(body.DeadLetterConfig, ctx);
  if (body.SnapStart !== undefined) snapStart(body.SnapStart, fields.runtime ?? ctx.runtime);
  for (const unsupported of ['VpcConfig', 'FileSystemConfigs', 'KMSKeyArn'] as const) {
    const v = body[unsupported];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) throw invalidParameter(`${unsupported} is not supported by Gust yet`);
  }
  return fields;
}

const MAX_TAGS = 50;

/** Tags, including Gust's own `gust:network`: on (the default), off, or an allow-list of host:port. */
export function parseTags(value: unknown, networkIsolationSupported: boolean): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalidParameter('Tags must be a map of strings');
  }
  return checkTagSet({ ...(value as Record<string, string>) }, networkIsolationSupported);
}

/** The rules a function's whole tag set obeys, at creation and after every TagResource. */
export function checkTagSet(tags: Record<string, string>, networkIsolationSupported: boolean): Record<string, string> {
  if (Object.keys(tags).length > MAX_TAGS) throw invalidParameter('Number of tags exceeds resource tag limit.');
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw constraint(key, 'tags', 'Map keys must have length from 1 to 128');
    if (value.length > 256) throw constraint(value, 'tags', 'Map values must have length less than or equal to 256');
  }
  let mode;
  try {
    mode = parseNetworkTag(tags[NETWORK_TAG]).mode;
  } catch (err) {
    throw invalidParameter(`Tag ${NETWORK_TAG} must be 'on', 'off' or a comma-separated allow-list of host:port: ${(err as Error).message}.`);
  }
  if (mode !== 'on' && !networkIsolationSupported) throw invalidParameter(`Tag ${NETWORK_TAG} other than 'on' needs the namespace sandbox; this Gust runs with --sandbox process.`);
  return tags;
}
