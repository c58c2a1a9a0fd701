// FunctionRecord → the JSON shapes of Lambda's API (FunctionConfiguration, GetFunction), with
// exactly the members botocore's model has (a test compares them).
import type { FunctionRecord } from '../../control/function-record.js';
import { loggingConfigShape } from '../../control/logging-config.js';
import { runtimeVersionArn } from '../../control/runtime-versions.js';
import { imageConfigResponse } from '../../control/image-uri.js';

/** What Lambda says while a change settles (function-activation.ts); its own wording, "Creating" for updates too. */
const CREATING = 'The function is being created.';

/** State, StateReason(Code) and LastUpdateStatus(…) of a record, as GetFunction shows them. */
function stateShape(fn: FunctionRecord) {
  if (fn.state === 'Pending') return { State: 'Pending', StateReason: CREATING, StateReasonCode: 'Creating' };
  const state = fn.state === 'Failed' ? { State: 'Failed', StateReason: fn.failureReason ?? '', StateReasonCode: 'InternalError' } : { State: 'Active' };
  if (fn.state === 'Failed') return state;
  if (fn.lastUpdateStatus === 'InProgress') return { ...state, LastUpdateStatus: 'InProgress', LastUpdateStatusReason: CREATING, LastUpdateStatusReasonCode: 'Creating' };
  if (fn.lastUpdateStatus === 'Failed') return { ...state, LastUpdateStatus: 'Failed', LastUpdateStatusReason: fn.failureReason ?? '', LastUpdateStatusReasonCode: 'InternalError' };
  return { ...state, LastUpdateStatus: 'Successful' };
}

/**
 * `list`: the entries of ListFunctions and ListVersionsByFunction, which carry no State,
 * LastUpdateStatus nor RuntimeVersionConfig in Lambda's answers.
 */
export function functionConfiguration(fn: FunctionRecord, arn: string, view: 'detail' | 'list' = 'detail') {
  const detail = view === 'detail';
  const region = arn.split(':')[3];
  const image = fn.packageType === 'Image';
  const imageConfig = imageConfigResponse(fn.imageConfig);
  return {
    FunctionName: fn.name,
    FunctionArn: arn,
    // An image brings its own runtime and entry point: Lambda shows neither field.
    ...(image ? {} : { Runtime: fn.runtime }),
    Role: fn.role,
    ...(image ? {} : { Handler: fn.handler }),
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.codeSha256,
    Version: fn.version,
    ...(fn.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: fn.deadLetterTargetArn } } : {}),
    Environment: { Variables: fn.environment },
    ...(fn.layers && fn.layers.length > 0 ? { Layers: fn.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize })) } : {}),
    TracingConfig: { Mode: fn.tracingMode ?? 'PassThrough' },
    RevisionId: fn.revisionId,
    ...(detail ? stateShape(fn) : {}),
    PackageType: image ? 'Image' : 'Zip',
    ...(imageConfig ? { ImageConfigResponse: imageConfig } : {}),
    Architectures: fn.architectures,
    EphemeralStorage: { Size: fn.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    ...(image || !detail ? {} : { RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(region, fn.runtime) } }),
    LoggingConfig: loggingConfigShape(fn),
  };
}
