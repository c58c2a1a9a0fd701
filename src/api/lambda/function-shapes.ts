// FunctionRecord → the JSON shapes of Lambda's API (FunctionConfiguration, GetFunction), with
// exactly the members botocore's model has (a test compares them).
import type { FunctionRecord } from '../../control/function-record.js';
import { loggingConfigShape } from '../../control/logging-config.js';
import { runtimeVersionArn } from '../../control/runtime-versions.js';
import { imageConfigResponse } from '../../control/image-uri.js';

export function functionConfiguration(fn: FunctionRecord, arn: string) {
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
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: image ? 'Image' : 'Zip',
    ...(imageConfig ? { ImageConfigResponse: imageConfig } : {}),
    Architectures: fn.architectures,
    EphemeralStorage: { Size: fn.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    ...(image ? {} : { RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(region, fn.runtime) } }),
    LoggingConfig: loggingConfigShape(fn),
  };
}
