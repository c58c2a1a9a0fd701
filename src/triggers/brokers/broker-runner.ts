// Runs one broker mapping: connects its source, reads a batch at a time (one batch in flight, so
// the broker's order holds per key and per partition), invokes the function, and acknowledges
// only after success. A failed batch is retried with backoff up to MaximumRetryAttempts, halved
// first when BisectBatchOnFunctionError is on (halving does not count as a retry, as in Lambda),
// then sent to the OnFailure queue and acknowledged. A lost connection is reported in
// LastProcessingResult and retried with backoff; unacknowledged messages come back from the broker.
import { pauseUnlessAborted, type Clock } from '../../clock.js';
import { GustError } from '../../errors.js';
import type { EventSourceMappingRecord } from '../../storage/event-source-mapping-store.js';
import type { InvokeOutcome } from '../queue/mapping-poller.js';
import type { BrokerSource, SourceFactory } from './broker-source.js';

const LONG_POLL_MS = 20_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 10_000;
const THROTTLED_PAUSE_MS = 1000;

export interface BrokerRunnerDeps {
  clock: Clock;
  region: string;
  /** A name for this node (its consumer name within each mapping's group). */
  nodeId: string;
  /** See SourceContext.redeliverAfterMs. */
  redeliverAfterMs: number;
  sources: SourceFactory;
  invoke(functionName: string, qualifier: string | undefined, payload: Buffer): Promise<InvokeOutcome & { requestId?: string; executedVersion?: string }>;
  /** Sends a failure record to a Gust queue (DestinationConfig.OnFailure). */
  sendToDestination(arn: string, body: string): Promise<void>;
  functionArn(mapping: EventSourceMappingRecord): string;
  recordResult(uuid: string, result: string): void;
  log(message: string): void;
}

class Stopped extends Error {}

export class BrokerRunner {
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private lastResult: string;
  /** Batches handed to the function so far (tests and the benchmark read it). */
  batches = 0;

  constructor(readonly mapping: EventSourceMappingRecord, private readonly deps: BrokerRunnerDeps) {
    this.lastResult = mapping.lastProcessingResult;
  }

  private get spec() {
    return this.mapping.broker!;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops reading; the batch in flight finishes (or, mid-retry, is left unacknowledged for the broker to redeliver). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get stopped() {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    let backoff = RECONNECT_MIN_MS;
    while (!this.stopped) {
      const source = this.deps.sources({
        uuid: this.mapping.uuid,
        spec: this.spec,
        group: `gust-${this.mapping.uuid}`,
        consumer: `gust-${this.deps.nodeId}`,
        region: this.deps.region,
        batchSize: this.mapping.batchSize,
        sourceArn: this.mapping.eventSourceArn,
        clock: this.deps.clock,
        redeliverAfterMs: this.deps.redeliverAfterMs,
      });
      try {
        await source.connect();
        backoff = RECONNECT_MIN_MS;
        await this.consume(source);
      } catch (err) {
        if (!(err instanceof Stopped) && !this.stopped) {
          this.report(`PROBLEM: Connection error. ${String((err as Error)?.message ?? err).slice(0, 300)}`);
          this.deps.log(`event source mapping ${this.mapping.uuid} (${this.spec.kind}): ${(err as Error)?.message ?? err}; reconnecting in ${backoff} ms`);
        }
      } finally {
        await source.close().catch(() => {});
      }
      await this.pause(backoff);
      backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
    }
  }

  private async consume(source: BrokerSource<unknown>): Promise<void> {
    const windowMs = this.mapping.maximumBatchingWindowInSeconds * 1000;
    while (!this.stopped) {
      const batch = await source.read({ max: this.mapping.batchSize, firstWaitMs: LONG_POLL_MS, windowMs, signal: this.abort.signal });
      if (batch.length === 0) continue;
      const failed = await this.deliver(source, batch, 0);
      const ok = batch.filter((m) => !failed.has(m));
      const rejected = batch.filter((m) => failed.has(m));
      if (ok.length > 0) await source.ack(ok);
      if (rejected.length > 0) await source.reject(rejected);
    }
  }

  /**
   * Delivers a batch (retrying, bisecting); returns the messages given up on without a failure
   * destination (the rest are to be acknowledged). Throws Stopped when stopped mid-retry.
   */
  private async deliver(source: BrokerSource<unknown>, batch: unknown[], retried: number): Promise<Set<unknown>> {
    for (let invokes = 1; ; invokes++) {
      if (this.stopped) throw new Stopped();
      const outcome = await this.invoke(source, batch);
      if (outcome === 'ok') return new Set();
      if (outcome === 'throttled') {
        await this.pause(THROTTLED_PAUSE_MS);
        continue;
      }
      this.report('PROBLEM: Function call failed');
      if (this.spec.bisectBatchOnFunctionError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        const first = await this.deliver(source, batch.slice(0, half), retried);
        const second = await this.deliver(source, batch.slice(half), retried);
        return new Set([...first, ...second]);
      }
      if (this.spec.maximumRetryAttempts === -1 || retried < this.spec.maximumRetryAttempts) {
        retried++;
        await this.pause(Math.min(RETRY_MIN_MS * 2 ** (retried - 1), RETRY_MAX_MS));
        continue;
      }
      return this.giveUp(source, batch, outcome, invokes);
    }
  }

  private async invoke(source: BrokerSource<unknown>, batch: unknown[]): Promise<'ok' | 'throttled' | { error: string; requestId?: string; executedVersion?: string }> {
    try {
      this.batches++;
      const outcome = await this.deps.invoke(this.mapping.functionName, this.mapping.qualifier, Buffer.from(JSON.stringify(source.event(batch))));
      if (!outcome.functionError) {
        this.report('OK');
        return 'ok';
      }
      return { error: outcome.functionError, requestId: outcome.requestId, executedVersion: outcome.executedVersion };
    } catch (err) {
      if (err instanceof GustError && err.code === 'TooManyRequestsException') return 'throttled';
      return { error: (err as Error)?.message ?? String(err) };
    }
  }

  /** Retries exhausted: the failure record goes to OnFailure (then the batch is acknowledged), or the batch is rejected. */
  private async giveUp(source: BrokerSource<unknown>, batch: unknown[], failure: { error: string; requestId?: string; executedVersion?: string }, invokes: number): Promise<Set<unknown>> {
    const destination = this.spec.onFailure;
    if (!destination) return new Set(batch);
    const record = {
      requestContext: { requestId: failure.requestId ?? '', functionArn: this.deps.functionArn(this.mapping), condition: 'RetryAttemptsExhausted', approximateInvokeCount: invokes },
      responseContext: { statusCode: 200, executedVersion: failure.executedVersion ?? '$LATEST', functionError: failure.error },
      version: '1.0',
      timestamp: new Date(this.deps.clock.now()).toISOString(),
      BrokerBatchInfo: { eventSourceMappingUuid: this.mapping.uuid, kind: this.spec.kind, batchSize: batch.length, ...source.describe(batch) },
      // Unlike a stream, a broker forgets a message once acknowledged: the event travels with the record.
      payload: source.event(batch),
    };
    // Not acknowledged unless the record is safely on the queue (a throw reconnects and redelivers).
    await this.deps.sendToDestination(destination, JSON.stringify(record));
    return new Set();
  }

  private report(result: string) {
    if (result === this.lastResult) return;
    this.lastResult = result;
    this.deps.recordResult(this.mapping.uuid, result);
  }

  private pause(ms: number): Promise<void> {
    return this.stopped ? Promise.resolve() : pauseUnlessAborted(this.deps.clock, ms, this.abort.signal);
  }
}
