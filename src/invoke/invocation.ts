// The shapes that travel between invoke(), the pool and an instance.
import type { ResponseSink } from './streamed-response.js';

export interface Invocation {
  requestId: string;
  payload: Buffer;
  invokedFunctionArn: string;
  clientContext?: string;
  traceId: string;
  /** InvokeWithResponseStream and streaming function URLs: chunks go here as the function writes them. */
  stream?: ResponseSink;
}

export type OutcomeKind = 'success' | 'error' | 'timeout' | 'oom' | 'crash' | 'init-error';

export interface InvocationOutcome {
  kind: OutcomeKind;
  /** The response body: the function's result, or the error document Lambda would return. */
  payload: Buffer;
  /** errorType when kind is not 'success'. */
  errorType?: string;
  durationMs: number;
  billedMs: number;
  initDurationMs?: number;
  cold: boolean;
  maxMemoryUsedMb: number;
  /** The invocation's log text (init lines on a cold start, START … REPORT). */
  logText: string;
}
