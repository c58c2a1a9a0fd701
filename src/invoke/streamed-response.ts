// A response the runtime streams (the Runtime API's `Lambda-Runtime-Function-Response-Mode:
// streaming`, chunked, errors in trailers; or stream frames on the runtime channel): each chunk is
// handed on to the caller's sink as it arrives, so a client sees it before the handler finishes;
// without a sink (a buffered Invoke) the body is collected within the synchronous response limit.
import type { IncomingMessage } from 'node:http';
import type { RuntimeAck } from './runtime-handlers.js';

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
 * One streamed response, whatever carries it: begin, chunks, end. `done` is called once, with
 * the result (never if the runtime goes away mid-stream: the instance's own exit or timeout
 * settles the invocation then), and its answer is what the runtime is told.
 */
export class StreamedResponseReceiver {
  private readonly limit: number;
  private readonly kept: Buffer[] = [];
  private size = 0;
  private over = false;

  constructor(
    private readonly sink: ResponseSink | undefined,
    bufferLimit: number,
    private readonly done: (result: StreamedResult) => RuntimeAck,
  ) {
    this.limit = sink ? MAX_STREAMED_RESPONSE_BYTES : bufferLimit;
  }

  /** Before the first chunk: the function's content type. */
  begin(contentType: string): void {
    this.sink?.begin(contentType);
  }

  /** Null while within the limit; the answer (413) the moment it goes over. */
  write(chunk: Buffer): RuntimeAck | null {
    if (this.over) return null;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.over = true;
      this.kept.length = 0;
      return this.done({ kind: 'too-large', limit: this.limit });
    }
    if (this.sink) this.sink.write(chunk);
    else this.kept.push(chunk);
    return null;
  }

  /** `errorType` set: the function failed after streaming began. Null once over the limit. */
  end(errorType?: string, errorBody?: Buffer): RuntimeAck | null {
    if (this.over) return null;
    if (errorType) {
      const body = errorBody && errorBody.length > 0 ? errorBody : Buffer.from(JSON.stringify({ errorType, errorMessage: '' }));
      return this.done({ kind: 'error', errorType, body });
    }
    return this.done({ kind: 'success', body: Buffer.concat(this.kept) });
  }
}

/** Feeds an HTTP streamed response (chunked, errors in trailers) to `receiver`; `reply` answers it once. */
export function receiveStreamedRequest(req: IncomingMessage, receiver: StreamedResponseReceiver, reply: (ack: RuntimeAck) => void): void {
  let replied = false;
  const answer = (ack: RuntimeAck | null) => {
    if (ack && !replied) {
      replied = true;
      reply(ack);
    }
  };
  req.on('data', (chunk: Buffer) => answer(receiver.write(chunk)));
  req.on('end', () => {
    const errorType = req.trailers['lambda-runtime-function-error-type'];
    answer(receiver.end(errorType, errorType ? Buffer.from(req.trailers['lambda-runtime-function-error-body'] ?? '', 'base64') : undefined));
  });
}
