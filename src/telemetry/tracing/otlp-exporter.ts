// Sends finished spans to an OpenTelemetry collector over OTLP/HTTP with the JSON encoding
// (POST <endpoint>/v1/traces). Spans wait in a bounded queue and go out in batches from a timer,
// never on the invocation path; when the collector is slow or down, what does not fit is dropped
// and counted (gust_trace_spans_dropped_total) instead of growing memory.

export type AttributeValue = string | number | boolean;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 5 consumer. */
  kind: 1 | 2 | 5;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue | undefined>;
  /** 2 = error, with its message; unset otherwise. */
  error?: string;
}

export interface OtlpExporterOptions {
  /** The collector's base URL; spans are posted to `<endpoint>/v1/traces`. */
  endpoint: string;
  resource: Record<string, AttributeValue>;
  /** Spans kept waiting at most; more are dropped. */
  maxQueue?: number;
  maxBatch?: number;
  intervalMs?: number;
  /** How long one POST may take before it counts as failed. */
  timeoutMs?: number;
  onDropped?(count: number): void;
  log?(line: string): void;
}

const attributes = (attrs: Record<string, AttributeValue | undefined>) =>
  Object.entries(attrs)
    .filter((e): e is [string, AttributeValue] => e[1] !== undefined)
    .map(([key, v]) => ({
      key,
      value: typeof v === 'boolean' ? { boolValue: v } : typeof v === 'number' ? (Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v }) : { stringValue: v },
    }));

// Milliseconds (with fractions) to the nanosecond strings OTLP's JSON uses for 64-bit integers.
const nanos = (ms: number) => (BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6))).toString();

export class OtlpExporter {
  private readonly queue: Span[] = [];
  private readonly url: string;
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly timeoutMs: number;
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> | null = null;
  private lastFailureLogged = 0;

  constructor(private readonly options: OtlpExporterOptions) {
    this.url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
    this.maxQueue = options.maxQueue ?? 2048;
    this.maxBatch = options.maxBatch ?? 512;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.timer = setInterval(() => void this.send(), options.intervalMs ?? 1000).unref();
  }

  /** Queues a finished span; drops it (counted) if the queue is full. */
  add(spans: Span[]): void {
    const room = this.maxQueue - this.queue.length;
    if (room < spans.length) this.options.onDropped?.(spans.length - Math.max(0, room));
    this.queue.push(...spans.slice(0, Math.max(0, room)));
    if (this.queue.length >= this.maxBatch) void this.send();
  }

  /** Sends everything queued (one batch after another); used at shutdown and by tests. */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
    while (this.queue.length > 0) await this.send();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** One POST at a time: a slow collector backs spans up into the bounded queue. */
  private send(): Promise<void> {
    if (this.sending || this.queue.length === 0) return this.sending ?? Promise.resolve();
    const batch = this.queue.splice(0, this.maxBatch);
    this.sending = this.post(batch).finally(() => (this.sending = null));
    return this.sending;
  }

  private async post(batch: Span[]): Promise<void> {
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(this.body(batch)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      this.options.onDropped?.(batch.length);
      // Once a minute at most: a collector that is down must not flood Gust's own log.
      const now = Date.now();
      if (now - this.lastFailureLogged > 60_000) {
        this.lastFailureLogged = now;
        this.options.log?.(`Traces: could not send ${batch.length} span(s) to ${this.url}: ${(err as Error)?.message ?? err}; dropped`);
      }
    }
  }

  private body(batch: Span[]) {
    return {
      resourceSpans: [
        {
          resource: { attributes: attributes(this.options.resource) },
          scopeSpans: [
            {
              scope: { name: 'gust' },
              spans: batch.map((s) => ({
                traceId: s.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.name,
                kind: s.kind,
                startTimeUnixNano: nanos(s.startMs),
                endTimeUnixNano: nanos(s.endMs),
                attributes: attributes(s.attributes),
                status: s.error !== undefined ? { code: 2, message: s.error } : { code: 0 },
              })),
            },
          ],
        },
      ],
    };
  }
}
