// InvokeWithResponseStream (POST /2021-11-15/functions/{name}/response-streaming-invocations):
// the function's bytes go to the client as PayloadChunk events the moment the runtime streams
// them, then one InvokeComplete event carries the error (if any) and the log tail. A function
// that answers in one piece (not streamified) arrives as one PayloadChunk.
import { traceContextFromHeaders } from '../../telemetry/tracing/trace-context.js';
import type { ServerResponse } from 'node:http';
import { invalidParameter } from '../../errors.js';
import type { Invoker } from '../../invoke/invoker.js';
import type { KeyScope } from '../../control/access-keys.js';
import type { FunctionRef } from '../../control/function-names.js';
import { invokeComplete, payloadChunk } from './event-stream.js';

export interface StreamInvokeRequest {
  ref: FunctionRef;
  headers: Record<string, string | string[] | undefined>;
  payload: Buffer;
  caller: KeyScope;
  requestId: string;
}

const header = (headers: StreamInvokeRequest['headers'], name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function errorOf(payload: Buffer | undefined): { ErrorCode: string; ErrorDetails: string } {
  try {
    const doc = JSON.parse(payload?.toString('utf8') ?? '{}') as { errorType?: unknown; errorMessage?: unknown };
    return { ErrorCode: String(doc.errorType ?? 'Unhandled'), ErrorDetails: String(doc.errorMessage ?? '') };
  } catch {
    return { ErrorCode: 'Unhandled', ErrorDetails: payload?.toString('utf8') ?? '' };
  }
}

export async function invokeWithResponseStream(invoker: Invoker, req: StreamInvokeRequest, res: ServerResponse): Promise<void> {
  const type = header(req.headers, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'DryRun') throw invalidParameter(`InvocationType must be RequestResponse or DryRun; got '${type.slice(0, 50)}'.`);
  const logType = header(req.headers, 'x-amz-log-type') ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') throw invalidParameter(`LogType must be None or Tail; got '${logType.slice(0, 50)}'.`);
  let executedVersion = '';
  let streamed = false;
  // Headers go out with the first chunk: until then a failure (not found, throttled) is an ordinary AWS error.
  const start = () => {
    if (res.headersSent) return;
    res.writeHead(200, {
      'Content-Type': 'application/vnd.amazon.eventstream',
      'x-amzn-RequestId': req.requestId,
      ...(executedVersion ? { 'X-Amz-Executed-Version': executedVersion } : {}),
    });
    res.flushHeaders();
  };
  const result = await invoker.invoke({
    functionName: req.ref.name,
    qualifier: req.ref.qualifier,
    payload: req.payload,
    type,
    logTail: logType === 'Tail',
    clientContext: header(req.headers, 'x-amz-client-context'),
    caller: req.caller,
    source: { kind: 'api' },
    trace: traceContextFromHeaders(req.headers),
    stream: {
      resolved: (version) => (executedVersion = version),
      begin: () => {},
      write: (chunk) => {
        start();
        streamed = true;
        res.write(payloadChunk(chunk));
      },
    },
  });
  executedVersion = result.executedVersion;
  if (result.status === 204) {
    res.writeHead(204, { 'x-amzn-RequestId': result.requestId, 'X-Amz-Executed-Version': result.executedVersion });
    res.end();
    return;
  }
  start();
  if (!result.functionError && !streamed && result.payload && result.payload.length > 0) res.write(payloadChunk(result.payload));
  const complete = result.functionError ? errorOf(result.payload) : {};
  res.end(invokeComplete({ ...complete, ...(result.logResult !== undefined ? { LogResult: result.logResult } : {}) }));
}
