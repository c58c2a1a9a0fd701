// Runtime versions as Lambda names them (arn:aws:lambda:REGION::runtime:<sha256>): Gust has one
// version of each runtime, the interpreter on this machine, so the ARN is derived from the
// runtime's name and that interpreter's real version (3.12.1, 22.23.5), which the server registers
// once at start-up (the machine's, not any request's). Get/PutRuntimeManagementConfig accept that
// one version and no other.
import { createHash } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { FunctionRecord } from './function-record.js';

const MODES = ['Auto', 'Manual', 'FunctionUpdate'] as const;
const ARN = /^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}::runtime:.+$/;

let versionOf: (runtime: string) => string | undefined = () => undefined;

/** Tells runtime version ARNs which interpreter version runs each runtime (RuntimeCatalog). */
export function registerRuntimeVersions(lookup: (runtime: string) => string | undefined): void {
  versionOf = lookup;
}

export const runtimeVersionArn = (region: string, runtime: string) => {
  const version = versionOf(runtime);
  return `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(version ? `gust:${runtime}:${version}` : `gust:${runtime}`).digest('hex')}`;
};

/** The stored setting a PutRuntimeManagementConfig body asks for, validated. */
export function parseRuntimeManagement(body: Record<string, unknown>, fn: FunctionRecord, region: string): NonNullable<FunctionRecord['runtimeManagement']> {
  const mode = body.UpdateRuntimeOn;
  if (!(MODES as readonly unknown[]).includes(mode)) {
    throw new GustError('ValidationException', `1 validation error detected: Value '${String(mode).slice(0, 100)}' at 'updateRuntimeOn' failed to satisfy constraint: Member must satisfy enum value set: [Auto, Manual, FunctionUpdate]`);
  }
  const arn = body.RuntimeVersionArn;
  if (mode !== 'Manual') {
    if (arn !== undefined && arn !== null) throw invalidParameter('RuntimeVersionArn can be set only when UpdateRuntimeOn is Manual.');
    return { updateRuntimeOn: mode as 'Auto' | 'FunctionUpdate' };
  }
  if (typeof arn !== 'string') throw invalidParameter('RuntimeVersionArn is required when UpdateRuntimeOn is Manual.');
  if (!ARN.test(arn)) {
    throw new GustError('ValidationException', `1 validation error detected: Value '${arn.slice(0, 200)}' at 'runtimeVersionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}::runtime:.+`);
  }
  const ours = runtimeVersionArn(region, fn.runtime);
  if (arn !== ours) throw invalidParameter(`Gust has one version of ${fn.runtime}, ${ours}; it cannot run ${arn.slice(0, 200)}.`);
  return { updateRuntimeOn: 'Manual', runtimeVersionArn: arn };
}

export function runtimeManagementShape(fn: FunctionRecord, functionArn: string) {
  const setting = fn.runtimeManagement ?? { updateRuntimeOn: 'Auto' };
  return {
    UpdateRuntimeOn: setting.updateRuntimeOn,
    ...(setting.runtimeVersionArn ? { RuntimeVersionArn: setting.runtimeVersionArn } : {}),
    FunctionArn: functionArn,
  };
}
