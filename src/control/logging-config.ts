// LoggingConfig as Lambda validates and merges it: LogFormat Text or JSON, application and system
// log levels (JSON only; INFO when switching to JSON, dropped when switching back to Text), and a
// custom log group. Also where a function's logs go and the env vars its runtime reads.
import { GustError, invalidParameter } from '../errors.js';
import type { FunctionRecord, LoggingSettings } from './function-record.js';

const APPLICATION_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const SYSTEM_LEVELS = ['DEBUG', 'INFO', 'WARN'];
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

const enumError = (value: unknown, field: string, values: string[]) =>
  new GustError('ValidationException', `1 validation error detected: Value '${String(value).slice(0, 100)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);

export const defaultLogGroup = (functionName: string) => `/aws/lambda/${functionName}`;

/** The fields a request's LoggingConfig sets, validated; absent fields stay absent. */
export function parseLoggingConfig(value: unknown): Partial<LoggingSettings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter('LoggingConfig must be an object.');
  const v = value as Record<string, unknown>;
  const patch: Partial<LoggingSettings> = {};
  if (v.LogFormat !== undefined) {
    if (v.LogFormat !== 'Text' && v.LogFormat !== 'JSON') throw enumError(v.LogFormat, 'loggingConfig.logFormat', ['JSON', 'Text']);
    patch.logFormat = v.LogFormat;
  }
  if (v.ApplicationLogLevel !== undefined) {
    if (!APPLICATION_LEVELS.includes(v.ApplicationLogLevel as string)) throw enumError(v.ApplicationLogLevel, 'loggingConfig.applicationLogLevel', APPLICATION_LEVELS);
    patch.applicationLogLevel = v.ApplicationLogLevel as string;
  }
  if (v.SystemLogLevel !== undefined) {
    if (!SYSTEM_LEVELS.includes(v.SystemLogLevel as string)) throw enumError(v.SystemLogLevel, 'loggingConfig.systemLogLevel', SYSTEM_LEVELS);
    patch.systemLogLevel = v.SystemLogLevel as string;
  }
  if (v.LogGroup !== undefined) {
    if (typeof v.LogGroup !== 'string' || !LOG_GROUP.test(v.LogGroup)) {
      throw new GustError('ValidationException', `1 validation error detected: Value '${String(v.LogGroup).slice(0, 100)}' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
    }
    patch.logGroup = v.LogGroup;
  }
  return patch;
}

/** Applies a request's LoggingConfig over the current settings, as Lambda does. */
export function mergeLoggingConfig(current: LoggingSettings | undefined, patch: Partial<LoggingSettings>): LoggingSettings {
  const before: LoggingSettings = current ?? { logFormat: 'Text' };
  const format = patch.logFormat ?? before.logFormat;
  if (format === 'Text' && (patch.applicationLogLevel !== undefined || patch.systemLogLevel !== undefined)) {
    throw invalidParameter('LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request or change the LogFormat to "JSON" and try again.');
  }
  const merged: LoggingSettings = { ...before, ...patch, logFormat: format };
  if (format === 'JSON') {
    merged.applicationLogLevel ??= 'INFO';
    merged.systemLogLevel ??= 'INFO';
  } else {
    delete merged.applicationLogLevel;
    delete merged.systemLogLevel;
  }
  if (merged.logGroup === undefined) delete merged.logGroup;
  return merged;
}

/** The log group a function's instances write to. */
export const logGroupOf = (fn: FunctionRecord) => fn.loggingConfig?.logGroup ?? defaultLogGroup(fn.name);

export function loggingConfigShape(fn: FunctionRecord) {
  const c = fn.loggingConfig ?? { logFormat: 'Text' as const };
  return {
    LogFormat: c.logFormat,
    ...(c.applicationLogLevel ? { ApplicationLogLevel: c.applicationLogLevel } : {}),
    ...(c.systemLogLevel ? { SystemLogLevel: c.systemLogLevel } : {}),
    LogGroup: logGroupOf(fn),
  };
}

/** What the runtime reads (Lambda sets AWS_LAMBDA_LOG_LEVEL only in JSON mode). */
export function loggingEnvironment(fn: FunctionRecord): Record<string, string> {
  const c = fn.loggingConfig;
  if (c?.logFormat !== 'JSON') return { AWS_LAMBDA_LOG_FORMAT: 'Text' };
  return { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: c.applicationLogLevel ?? 'INFO' };
}
