// FunctionRecord → the JSON shapes of Lambda's API (FunctionConfiguration, GetFunction).
import type { FunctionRecord } from '../../control/function-record.js';
import { logGroupName } from '../../telemetry/lambda-log-lines.js';

export function functionConfiguration(fn: FunctionRecord, arn: string) {
  return {
    FunctionName: fn.name,
    FunctionArn: arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.codeSha256,
    Version: fn.version,
    Environment: { Variables: fn.environment },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: fn.architectures,
    EphemeralStorage: { Size: fn.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: logGroupName(fn.name) },
  };
}
