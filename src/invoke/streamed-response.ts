// A response the runtime streams to the Runtime API (`Lambda-Runtime-Function-Response-Mode:
// streaming`, chunked, errors in trailers): each chunk is handed on to the caller's sink as it
// arrives, so a client sees it before the handler finishes; without a sink (a buffered Invoke)
// the body is collected within the synchronous response limit.
import type { IncomingMessage } from 'node:http';

/** Where the chunks of a streamed response go while the invocation runs. */
export interface ResponseSink {
  /** Which version runs (an alias resolved), before anything is streamed. */
  resolved?(executedVersion: string): void;
  /** The function's content type, before its first chunk. */
  begin(contentType: string): void;
  write(chunk: Buffer): void;
}

/** Lambda's limit for a streamed response; a buffered one keeps its 6 MB. */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;

export type StreamedResult =
  | { kind: 'success'; body: Buffer }
  | { kind: 'error'; errorType: string; body: Buffer }
  | { kind: 'too-large'; limit: number };

/**
 * Reads the runtime's request to its end and calls `done` once (never if the runtime goes away
 * mid-stream: the instance's own exit or timeout settles the invocation then).
 */
export function receiveStreamedResponse(req: IncomingMessage, sink: ResponseSink | undefined, bufferLimit: number, done: (result: StreamedResult) => void): void {
  const limit = sink ? MAX_STREAMED_RESPONSE_BYTES : bufferLimit;
  const kept: Buffer[] = [];
  let size = 0;
  let over = false;
  sink?.begin(String(req.headers['content-type'] ?? 'application/octet-stream'));
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > limit) {
      over = true;
      kept.length = 0;
      return done({ kind: 'too-large', limit });
    }
    if (sink) sink.write(chunk);
    else kept.push(chunk);
  });
  req.on('end', () => {
    if (over) return;
    const errorType = req.trailers['lambda-runtime-function-error-type'];
    if (errorType) {
      const encoded = req.trailers['lambda-runtime-function-error-body'] ?? '';
      const body = Buffer.from(encoded, 'base64');
      return done({ kind: 'error', errorType, body: body.length > 0 ? body : Buffer.from(JSON.stringify({ errorType, errorMessage: '' })) });
    }
    done({ kind: 'success', body: Buffer.concat(kept) });
  });
}
