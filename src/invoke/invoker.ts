// invoke(): the one door every trigger goes through. It resolves the function, checks payload
// limits, then either runs the invocation now (RequestResponse), queues it durably (Event), or
// only checks it could run (DryRun). Every run is logged and metered here.
import { randomUUID } from 'node:crypto';
import { LATEST, type FunctionRecord } from '../control/function-record.js';
import { GustError } from '../errors.js';
import type { AsyncEventStore } from '../storage/async-event-store.js';
import type { InvocationHistoryStore } from '../storage/invocation-history-store.js';
import { gbSeconds, type Metering } from '../telemetry/metering.js';
import type { GustMetrics } from '../telemetry/metrics/gust-metrics.js';
import { InvocationTracer } from '../telemetry/tracing/invocation-tracer.js';
import type { TraceContext } from '../telemetry/tracing/trace-context.js';
import type { InvocationOutcome } from './invocation.js';
import type { Concurrency } from './concurrency.js';
import type { Pool } from './pool.js';
import type { ResponseSink } from './streamed-response.js';

export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;
const MAX_CLIENT_CONTEXT = 3583;
const LOG_TAIL_BYTES = 4096;

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeRequest {
  functionName: string;
  qualifier?: string;
  payload: Buffer;
  type: InvocationType;
  logTail?: boolean;
  /** Base64 JSON, as in X-Amz-Client-Context. */
  clientContext?: string;
  /**
   * Event only: a repeat of a key seen within the idempotency window is not queued again. Keys
   * are kept per caller and function, so one caller's key never swallows another's event.
   */
  idempotencyKey?: string;
  /** Who asked (`admin`, `function:NAME`); triggers inside Gust leave it out. */
  caller?: string;
  source: { kind: 'api' | 'http' | 'async' | 'queue'; detail?: unknown };
  /** RequestResponse only: a streamed response's chunks go here as they arrive (InvokeWithResponseStream, streaming URLs). */
  stream?: ResponseSink;
  /** The caller's trace context (traceparent or X-Amzn-Trace-Id): the invocation's span is its child. */
  trace?: TraceContext;
}

/** How execute() was reached, for the invocation's span. */
export interface ExecuteContext {
  parent?: TraceContext;
  /** FaaS semantic conventions' faas.trigger. */
  trigger?: string;
  /** An async event: when it was queued (its parent is what invoke() remembered for its request id). */
  queuedAt?: number;
  /** What started it (api, http, async...), as the invocation history records it. */
  source?: string;
}

/** Monthly budgets, as invoke/ sees them: a check before running and the spending after. */
export interface BudgetGate {
  /** Throws TooManyRequestsException when the function's hard budget is used up. */
  check(functionName: string): void;
  record(functionName: string, gbSeconds: number): void;
}

export interface InvokeResult {
  status: 200 | 202 | 204;
  requestId: string;
  executedVersion: string;
  payload?: Buffer;
  functionError?: 'Unhandled';
  /** Base64 of the last 4 KB of the invocation's log. */
  logResult?: string;
}

export interface InvokerDeps {
  /** The version record a function name and qualifier (version or alias) stand for now. */
  resolveFunction(name: string, qualifier?: string): Promise<FunctionRecord>;
  pool: Pool;
  concurrency: Concurrency;
  metering: Metering;
  asyncEvents: AsyncEventStore;
  arnOf(name: string, qualifier?: string): string;
  /** Payloads and responses kept for the console's history and replay (bounded; off when absent). */
  history?: InvocationHistoryStore;
  /** Told of each invocation refused by a concurrency limit (the console's throttle counts). */
  onThrottled?(functionName: string): void;
  idempotencyWindowMs: number;
  /** Wakes the async worker when an event was queued. */
  onEventQueued(): void;
  metrics?: GustMetrics;
  /** Spans per invocation; without one, ids are still made for _X_AMZN_TRACE_ID but nothing is exported. */
  tracer?: InvocationTracer;
  budgets?: BudgetGate;
}

const TRIGGERS: Record<InvokeRequest['source']['kind'], string> = { api: 'other', http: 'http', async: 'other', queue: 'pubsub' };

function decodeClientContext(encoded: string | undefined): string | undefined {
  if (!encoded) return undefined;
  if (encoded.length > MAX_CLIENT_CONTEXT) {
    throw new GustError('InvalidParameterValueException', `Client context must be at most ${MAX_CLIENT_CONTEXT} bytes, base64 encoded.`);
  }
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    throw new GustError('InvalidParameterValueException', 'Client context must be base64-encoded JSON.');
  }
  return text;
}

/** The idempotency key as stored: the caller's identity and the client's key, unambiguously joined. */
function callerScopedKey(caller: string | undefined, key: string): string {
  return JSON.stringify([caller ?? 'gust', key]);
}

function checkPayload(payload: Buffer, type: InvocationType): Buffer {
  const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (payload.length > limit) {
    throw new GustError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  }
  if (payload.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new GustError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
  return payload;
}

export class Invoker {
  private readonly tracer: InvocationTracer;

  constructor(private readonly deps: InvokerDeps) {
    this.tracer = deps.tracer ?? new InvocationTracer(undefined, { region: '', accountId: '' });
  }

  resolve(functionName: string, qualifier = LATEST): Promise<FunctionRecord> {
    return this.deps.resolveFunction(functionName, qualifier);
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const fn = await this.resolve(req.functionName, req.qualifier);
    const payload = checkPayload(req.payload, req.type);
    const clientContext = decodeClientContext(req.clientContext);
    if (req.idempotencyKey !== undefined && (req.idempotencyKey.length === 0 || req.idempotencyKey.length > 256)) {
      throw new GustError('InvalidParameterValueException', 'Idempotency-Key must be 1 to 256 characters.');
    }
    const requestId = randomUUID();

    if (req.type === 'DryRun') return { status: 204, requestId, executedVersion: fn.version };
    if (req.type === 'Event') {
      // The qualifier as named (an alias stays an alias): the worker resolves it when it delivers.
      const event = { requestId, functionName: fn.name, qualifier: req.qualifier ?? LATEST, payload };
      this.tracer.remember(requestId, req.trace);
      if (req.idempotencyKey === undefined) {
        await this.deps.asyncEvents.enqueue(event);
        this.deps.onEventQueued();
        return { status: 202, requestId, executedVersion: fn.version };
      }
      const queued = await this.deps.asyncEvents.enqueueOnce(event, callerScopedKey(req.caller, req.idempotencyKey), this.deps.idempotencyWindowMs);
      if (!queued.duplicate) this.deps.onEventQueued();
      return { status: 202, requestId: queued.requestId, executedVersion: fn.version };
    }

    req.stream?.resolved?.(fn.version);
    const outcome = await this.execute(fn, requestId, payload, clientContext, req.qualifier, req.stream, { parent: req.trace, trigger: TRIGGERS[req.source.kind], source: req.source.kind });
    const result: InvokeResult = { status: 200, requestId, executedVersion: fn.version, payload: outcome.payload };
    if (outcome.kind !== 'success') result.functionError = 'Unhandled';
    if (req.logTail) {
      const log = Buffer.from(outcome.logText);
      result.logResult = log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64');
    }
    return result;
  }

  /** Runs one invocation to its end; its logs and meter reading are written within milliseconds. */
  /** `invokedQualifier` is what the caller named (an alias, say): it appears in invokedFunctionArn. */
  async execute(
    fn: FunctionRecord,
    requestId: string,
    payload: Buffer,
    clientContext?: string,
    invokedQualifier = fn.version,
    stream?: ResponseSink,
    context: ExecuteContext = {},
  ): Promise<InvocationOutcome> {
    const { metrics, budgets } = this.deps;
    const startedAt = Date.now();
    const invokedFunctionArn = this.deps.arnOf(fn.name, invokedQualifier === LATEST ? undefined : invokedQualifier);
    const isAsync = context.queuedAt !== undefined;
    const trace = this.tracer.begin(isAsync ? this.tracer.recall(requestId) : context.parent, fn.tracingMode === 'Active');
    const span = (outcome: string, rest: Partial<Parameters<InvocationTracer['end']>[1]> = {}) => ({
      functionName: fn.name,
      version: fn.version,
      requestId,
      invokedArn: invokedFunctionArn,
      trigger: context.trigger ?? 'other',
      async: isAsync,
      startMs: startedAt,
      endMs: Date.now(),
      queuedAt: context.queuedAt,
      memoryMb: fn.memorySize,
      outcome,
      ...rest,
    });
    let release: () => void;
    try {
      budgets?.check(fn.name);
      release = await this.deps.concurrency.acquire(fn.name);
    } catch (err) {
      const reason = err instanceof GustError && err.code === 'TooManyRequestsException' ? String(err.extra?.Reason ?? 'Unknown') : undefined;
      if (reason) {
        metrics?.throttle(fn.name, reason);
        this.deps.onThrottled?.(fn.name);
        if (this.tracer.records(trace)) this.tracer.end(trace, span('throttled', { errorType: reason }));
      }
      throw err;
    }
    let outcome: InvocationOutcome;
    try {
      outcome = await this.deps.pool.run(fn, { requestId, payload, clientContext, invokedFunctionArn, traceId: trace.amznTraceId, stream });
    } finally {
      release();
    }
    this.deps.metering.record({
      requestId,
      functionName: fn.name,
      version: fn.version,
      startedAt,
      durationMs: outcome.durationMs,
      billedMs: outcome.billedMs,
      memoryMb: fn.memorySize,
      maxMemoryUsedMb: outcome.maxMemoryUsedMb,
      cold: outcome.cold,
      initDurationMs: outcome.initDurationMs,
      outcome: outcome.kind,
    });
    this.deps.history?.record({
      requestId,
      functionName: fn.name,
      qualifier: invokedQualifier,
      startedAt,
      source: context.source ?? 'async',
      payload,
      // A streamed response went to its sink; only its final document (if any) is here.
      response: stream ? undefined : outcome.payload,
      functionError: outcome.kind === 'success' ? undefined : (outcome.errorType ?? outcome.kind),
    });
    budgets?.record(fn.name, gbSeconds(outcome.billedMs, fn.memorySize));
    metrics?.invocation({ functionName: fn.name, qualifier: invokedQualifier, outcome: outcome.kind, durationMs: outcome.durationMs, cold: outcome.cold, initDurationMs: outcome.initDurationMs });
    // Without an exporter (the default) no span is described: the invoke path stays as it was.
    if (this.tracer.records(trace)) this.tracer.end(trace, span(outcome.kind, { cold: outcome.cold, initDurationMs: outcome.initDurationMs, durationMs: outcome.durationMs, errorType: outcome.errorType }));
    return outcome;
  }
}
