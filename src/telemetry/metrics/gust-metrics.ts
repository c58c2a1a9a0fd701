// Gust's Prometheus metrics, in a registry of its own (never prom-client's global one). The
// invocation path only increments counters and observes histograms in memory; gauges (running
// invocations, instances, the async queue) are read from their owners when someone scrapes.
// The same numbers are offered as JSON (snapshot()) for the console and `gust` commands.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LabelCap } from './label-cap.js';

/** Where the gauges are read from at scrape time. */
export interface MetricsSources {
  runningByFunction(): Promise<Map<string, number>>;
  instanceStates(): Array<{ functionName: string; state: string; count: number }>;
  asyncQueue(): Promise<{ count: number; oldestCreatedAt: number | null }>;
  now(): number;
}

export interface InvocationObservation {
  functionName: string;
  /** What the caller named: $LATEST, a version or an alias. */
  qualifier: string;
  outcome: string;
  durationMs: number;
  cold: boolean;
  initDurationMs?: number;
}

/** Distinct function names kept as label values; the rest are counted as __other__. */
export const MAX_FUNCTION_LABELS = 1000;
/** Distinct qualifiers (versions and aliases, over all functions) kept as label values. */
export const MAX_QUALIFIER_LABELS = 2000;

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const INIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class GustMetrics {
  readonly registry = new Registry();
  private readonly functions = new LabelCap(MAX_FUNCTION_LABELS);
  private readonly qualifiers = new LabelCap(MAX_QUALIFIER_LABELS);
  private readonly invocations: Counter<'function' | 'qualifier' | 'outcome'>;
  private readonly duration: Histogram<'function'>;
  private readonly initDuration: Histogram<'function'>;
  private readonly throttles: Counter<'function' | 'reason'>;
  private readonly coldStarts: Counter<'function'>;
  private readonly logBytesTotal: Counter<'function'>;
  private readonly spansDropped: Counter;
  private sources: MetricsSources | undefined;

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.invocations = new Counter({ name: 'gust_invocations_total', help: 'Invocations run, by function, the qualifier the caller named, and outcome (success, error, timeout, oom, crash, init-error).', labelNames: ['function', 'qualifier', 'outcome'], registers });
    this.duration = new Histogram({ name: 'gust_invocation_duration_seconds', help: 'Duration of the invoke phase of each invocation.', labelNames: ['function'], buckets: DURATION_BUCKETS, registers });
    this.initDuration = new Histogram({ name: 'gust_init_duration_seconds', help: 'Duration of the init phase of each cold start.', labelNames: ['function'], buckets: INIT_BUCKETS, registers });
    this.throttles = new Counter({ name: 'gust_throttles_total', help: 'Invocations refused with 429, by function and Reason.', labelNames: ['function', 'reason'], registers });
    this.coldStarts = new Counter({ name: 'gust_cold_starts_total', help: 'Invocations that started a new instance.', labelNames: ['function'], registers });
    this.logBytesTotal = new Counter({ name: 'gust_log_bytes_total', help: 'Bytes written to the log group of each function (its output and platform lines).', labelNames: ['function'], registers });
    this.spansDropped = new Counter({ name: 'gust_trace_spans_dropped_total', help: 'Spans dropped because the OTLP export queue was full or the collector refused them.', registers });
    const metrics = this;
    new Gauge({
      name: 'gust_concurrent_executions',
      help: 'Invocations running now, by function.',
      labelNames: ['function'],
      registers,
      async collect() {
        this.reset();
        for (const [fn, n] of (await metrics.sources?.runningByFunction()) ?? []) this.inc({ function: metrics.functions.label(fn) }, n);
      },
    });
    new Gauge({
      name: 'gust_instances',
      help: 'Function instances by state (starting, parked, frozen, busy, returning, dying).',
      labelNames: ['function', 'state'],
      registers,
      collect() {
        this.reset();
        for (const s of metrics.sources?.instanceStates() ?? []) this.inc({ function: metrics.functions.label(s.functionName), state: s.state }, s.count);
      },
    });
    // The queue is read once per scrape, for both gauges: the second collect uses what the first read.
    let queue: Promise<{ count: number; oldestCreatedAt: number | null }> | undefined;
    const readQueue = () => (queue ??= (metrics.sources?.asyncQueue() ?? Promise.resolve({ count: 0, oldestCreatedAt: null })).finally(() => setImmediate(() => (queue = undefined))));
    new Gauge({
      name: 'gust_async_queue_depth',
      help: 'Async (Event) invocations queued, including those being delivered.',
      registers,
      async collect() {
        this.set((await readQueue()).count);
      },
    });
    new Gauge({
      name: 'gust_async_queue_oldest_age_seconds',
      help: 'Age of the oldest queued async event; 0 when the queue is empty.',
      registers,
      async collect() {
        const { oldestCreatedAt } = await readQueue();
        const now = metrics.sources?.now() ?? Date.now();
        this.set(oldestCreatedAt === null ? 0 : Math.max(0, (now - oldestCreatedAt) / 1000));
      },
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Connects the gauges to what they report; until then they read as empty. */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  invocation(o: InvocationObservation): void {
    const fn = this.functions.label(o.functionName);
    this.invocations.inc({ function: fn, qualifier: this.qualifiers.label(o.qualifier), outcome: o.outcome });
    this.duration.observe({ function: fn }, o.durationMs / 1000);
    if (o.cold) {
      this.coldStarts.inc({ function: fn });
      if (o.initDurationMs !== undefined) this.initDuration.observe({ function: fn }, o.initDurationMs / 1000);
    }
  }

  throttle(functionName: string, reason: string): void {
    this.throttles.inc({ function: this.functions.label(functionName), reason });
  }

  logBytes(functionName: string, bytes: number): void {
    this.logBytesTotal.inc({ function: this.functions.label(functionName) }, bytes);
  }

  spanDropped(count = 1): void {
    this.spansDropped.inc(count);
  }

  /** The text exposition format, as a Prometheus server scrapes it. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** The same numbers as JSON (prom-client's shape: name, help, type, values with labels), for the console. */
  snapshot() {
    return this.registry.getMetricsAsJSON();
  }
}
