// What a runtime can tell its instance, whichever way it speaks: Lambda's Runtime API over HTTP
// (runtime-api-server.ts, for custom runtimes, images and the function's own code) or the framed
// channel of Gust's own clients (runtime-channel.ts). The instance implements this once.
import type { Invocation } from './invocation.js';
import type { StreamedResponseReceiver } from './streamed-response.js';

export type RuntimeAck = { status: 202 } | { status: 400 | 403 | 413 | 500; errorType: string; errorMessage: string };

/** A runtime waiting for its next invocation (an HTTP long poll, or a `next` frame). */
export interface ParkedRuntime {
  /** Hands the invocation over, with its deadline (epoch ms). */
  deliver(invocation: Invocation, deadlineMs: number): void;
  /** Ends the wait without an invocation (the instance is ending). */
  abandon(): void;
}

export interface RuntimeHandlers {
  /** The runtime asks for its next invocation; the instance answers `parked` when work arrives. */
  next(parked: ParkedRuntime): void;
  /** The runtime gave up waiting (its connection closed). */
  nextAbandoned(parked: ParkedRuntime): void;
  response(requestId: string, body: Buffer): RuntimeAck;
  error(requestId: string, errorType: string, body: Buffer): RuntimeAck;
  initError(errorType: string, body: Buffer): RuntimeAck;
  /** A response body went over the limit: the invocation fails, the runtime gets 413. */
  responseTooLarge(requestId: string): void;
  /** A streamed response begins: where its chunks go, or why it is refused. */
  streamStart(requestId: string, contentType: string): StreamedResponseReceiver | RuntimeAck;
}
