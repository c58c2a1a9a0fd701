// The CloudWatch Logs service module (awsJson 1.1, X-Amz-Target: Logs_20140328.<Operation>): the
// operations LogsApi implements, and the rest of the service model, which answer
// UnknownOperationException. Registered in api/services.ts.
import { GustError } from '../../errors.js';
import { SIGNING_SERVICES } from '../authenticator.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { TargetOperation, TargetService } from '../service.js';
import type { LogsApi } from './logs-api.js';
import { UNIMPLEMENTED_LOGS_OPERATIONS } from './unimplemented-operations.js';

const MAX_LOGS_BODY = 1024 * 1024;

export function logsService(api: LogsApi): TargetService {
  const implemented: TargetOperation[] = Object.entries(api.operations).map(([name, run]) => ({
    name,
    handle: async (ctx) => {
      const output = await run(parseJsonObject(ctx.body));
      sendJson(ctx.res, 200, output, { 'x-amzn-RequestId': ctx.requestId, 'Content-Type': 'application/x-amz-json-1.1' });
    },
  }));
  return {
    name: 'logs',
    protocol: 'aws-json-1.1',
    signingServices: SIGNING_SERVICES.logs,
    targetPrefix: 'Logs_20140328',
    defaultBodyLimit: { bytes: MAX_LOGS_BODY, message: 'Request body must be smaller than 1 MB' },
    unknownOperation: (what) => new GustError('UnknownOperationException', `Gust does not implement CloudWatch Logs operation ${what}.`),
    operations: [...implemented, ...UNIMPLEMENTED_LOGS_OPERATIONS.map((name) => ({ name }))],
  };
}
