// One trace span per invocation attempt, with children for its phases: `queue` (an async event
// waiting in the durable queue), `init` (a cold start's runtime initialisation) and `invoke`.
// Ids are chosen before the function runs, so that its _X_AMZN_TRACE_ID names the invoke span as
// Parent and a call it makes back into Gust continues the same trace.
import type { OtlpExporter, Span } from './otlp-exporter.js';
import { formatAmznTraceId, newSpanId, newTraceId, type TraceContext } from './trace-context.js';

/** Async events remember their caller's context this long at most (in memory: lost on restart). */
const MAX_PENDING = 10_000;

export interface InvocationTrace {
  traceId: string;
  parentSpanId?: string;
  spanId: string;
  invokeSpanId: string;
  /** Spans are recorded and exported only when sampled (and an exporter is configured). */
  sampled: boolean;
  /** The function's _X_AMZN_TRACE_ID. */
  amznTraceId: string;
}

export interface TracedInvocation {
  functionName: string;
  version: string;
  requestId: string;
  /** The ARN the caller invoked (with its qualifier), cloud.resource_id. */
  invokedArn: string;
  /** FaaS semantic conventions: http, pubsub, timer, datasource or other. */
  trigger: string;
  async: boolean;
  startMs: number;
  endMs: number;
  /** When the async event was accepted: the queue phase runs from here to startMs. */
  queuedAt?: number;
  cold?: boolean;
  initDurationMs?: number;
  durationMs?: number;
  memoryMb: number;
  /** success, error, timeout, oom, crash, init-error, or throttled. */
  outcome: string;
  errorType?: string;
}

export class InvocationTracer {
  private readonly pending = new Map<string, TraceContext>();

  constructor(
    private readonly exporter: OtlpExporter | undefined,
    private readonly cloud: { region: string; accountId: string },
  ) {}

  get exporting(): boolean {
    return this.exporter !== undefined;
  }

  /**
   * Ids for an invocation: a child of the caller's span when there is one, else a new trace.
   * Sampled as the caller decided; without a decision, when spans are exported or `active`
   * (the function's TracingConfig Active) asks for it.
   */
  begin(parent: TraceContext | undefined, active: boolean): InvocationTrace {
    const traceId = parent?.traceId ?? newTraceId();
    const sampled = parent?.sampled ?? (active || this.exporting);
    const invokeSpanId = newSpanId();
    return { traceId, parentSpanId: parent?.parentSpanId, spanId: newSpanId(), invokeSpanId, sampled, amznTraceId: formatAmznTraceId(traceId, invokeSpanId, sampled) };
  }

  /** Keeps an Event invocation's caller context until the async worker delivers it. */
  remember(requestId: string, parent: TraceContext | undefined): void {
    if (!parent) return;
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(requestId, parent);
  }

  /** The caller context an async event was queued with (it stays for its retries). */
  recall(requestId: string): TraceContext | undefined {
    return this.pending.get(requestId);
  }

  /** Whether end() would export this trace: callers skip describing an invocation nobody reads. */
  records(trace: InvocationTrace): boolean {
    return this.exporter !== undefined && trace.sampled;
  }

  /** Builds the invocation's spans and hands them to the exporter (nothing waits for the export). */
  end(trace: InvocationTrace, inv: TracedInvocation): void {
    if (!this.exporter || !trace.sampled) return;
    const base = { traceId: trace.traceId };
    const attrs = {
      'faas.invocation_id': inv.requestId,
      'faas.trigger': inv.trigger,
      'faas.coldstart': inv.cold ?? false,
      'faas.name': inv.functionName,
      'faas.version': inv.version,
      'faas.max_memory': inv.memoryMb * 1024 * 1024,
      'cloud.provider': 'gust',
      'cloud.platform': 'gust_functions',
      'cloud.region': this.cloud.region,
      'cloud.account.id': this.cloud.accountId,
      'cloud.resource_id': inv.invokedArn,
      'gust.outcome': inv.outcome,
      'gust.error_type': inv.errorType,
    };
    const failed = inv.outcome !== 'success' ? (inv.errorType ?? inv.outcome) : undefined;
    const rootStart = inv.queuedAt ?? inv.startMs;
    const spans: Span[] = [{ ...base, spanId: trace.spanId, parentSpanId: trace.parentSpanId, name: inv.functionName, kind: inv.async ? 5 : 2, startMs: rootStart, endMs: inv.endMs, attributes: attrs, error: failed }];
    const child = (name: string, startMs: number, endMs: number, spanId = newSpanId(), error?: string): Span => ({
      ...base,
      spanId,
      parentSpanId: trace.spanId,
      name,
      kind: 1,
      startMs,
      endMs: Math.max(startMs, endMs),
      attributes: { 'faas.invocation_id': inv.requestId },
      error,
    });
    if (inv.queuedAt !== undefined) spans.push(child('queue', inv.queuedAt, inv.startMs));
    if (inv.durationMs !== undefined) {
      // The invoke phase ends with the invocation; a cold start's init comes just before it.
      const invokeStart = Math.max(inv.startMs, inv.endMs - inv.durationMs);
      if (inv.cold && inv.initDurationMs !== undefined && inv.outcome !== 'init-error') {
        spans.push(child('init', Math.max(inv.startMs, invokeStart - inv.initDurationMs), invokeStart));
      }
      spans.push(child(inv.outcome === 'init-error' ? 'init' : 'invoke', invokeStart, inv.endMs, trace.invokeSpanId, failed));
    }
    this.exporter.add(spans);
  }
}
