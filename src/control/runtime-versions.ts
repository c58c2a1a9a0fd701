// Runtime versions as Lambda names them (arn:aws:lambda:REGION::runtime:<sha256>): Gust has one
// version of each runtime, the one on this machine, so the ARN is derived from the runtime's name.
// Get/PutRuntimeManagementConfig accept that one version and no other.
import { createHash } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { FunctionRecord } from './function-record.js';

const MODES = ['Auto', 'Manual', 'FunctionUpdate'] as const;
const ARN = /^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}::runtime:.+$/;

export const runtimeVersionArn = (region: string, runtime: string) =>
  `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(`gust:${runtime}`).digest('hex')}`;

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
