// The pollers of one event-source mapping: each long-polls the queue (no busy loop: a waiting
// receive costs nothing), gathers a batch within the batching window, invokes the function once
// per batch and deletes what succeeded. One poller to start; another joins after a full batch (a
// backlog), at most one a second, up to the mapping's limit; a poller whose long poll comes back
// empty leaves, down to one.
import { pauseUnlessAborted, type Clock } from '../../clock.js';
import { GustError } from '../../errors.js';
import type { ReceivedMessage } from '../../queues/queues.js';
import type { Queues } from '../../queues/queues.js';
import type { EventSourceMappingRecord } from '../../storage/event-source-mapping-store.js';
import { matchesAny, parseFilterCriteria, type Pattern } from './event-filter.js';
import { failedItems, filterView, sqsRecord, type SqsRecord } from './sqs-event.js';

/** The longest long poll SQS allows; a poller waits this long for the first message of a batch. */
const LONG_POLL_S = 20;
/** Batches stop growing past this estimate, so that 10 more messages of 256 KB stay within Lambda's 6 MB. */
const BATCH_BYTES_BUDGET = 6 * 1024 * 1024 - 10 * 270_000;
/** A record's JSON beyond its body and message attributes (ids, receipt handle, attributes...). */
const RECORD_OVERHEAD = 900;
/**
 * At most one poller added per second while batches come back full (Lambda adds up to 60 a
 * minute): each new poller may mean a cold start, and adding them all at once on a small machine
 * only makes every start slower (and batches outlive their visibility timeout).
 */
const SCALE_UP_INTERVAL_MS = 1000;
/** After a problem that is not the function's (throttled, queue gone): wait before trying again. */
const PAUSE_MS = 1000;

export interface InvokeOutcome {
  payload?: Buffer;
  functionError?: string;
}

export interface PollerDeps {
  queues: Pick<Queues, 'receive' | 'deleteMessages' | 'changeVisibility' | 'require' | 'nameOfArn'>;
  clock: Clock;
  region: string;
  /** Invokes the function synchronously (through Invoker.invoke); throws TooManyRequestsException when throttled. */
  invoke(functionName: string, qualifier: string | undefined, payload: Buffer): Promise<InvokeOutcome>;
  /** How many pollers this mapping may run at once (MaximumConcurrency, reserved concurrency, the account's limit). */
  limit(mapping: EventSourceMappingRecord): number;
  /** LastProcessingResult, reported when it changes. */
  recordResult(uuid: string, result: string): void;
  log(message: string): void;
}

export class MappingPoller {
  private readonly abort = new AbortController();
  private readonly workers = new Set<Promise<void>>();
  private readonly patterns: Pattern[];
  private lastSpawn = -Infinity;
  private readonly queueName: string;
  private lastResult: string;
  /** The most pollers that ran at once (for tests and the benchmark). */
  peak = 0;
  /** Batches handed to the function so far. */
  batches = 0;

  constructor(readonly mapping: EventSourceMappingRecord, private readonly deps: PollerDeps) {
    this.patterns = mapping.filterCriteria ? parseFilterCriteria(mapping.filterCriteria) : [];
    this.queueName = deps.queues.nameOfArn(mapping.eventSourceArn) ?? '';
    this.lastResult = mapping.lastProcessingResult;
  }

  get pollers(): number {
    return this.workers.size;
  }

  start(): void {
    if (this.workers.size === 0) this.spawn();
  }

  /** Stops polling; resolves once the batches being processed have finished. */
  async stop(): Promise<void> {
    this.abort.abort();
    while (this.workers.size > 0) await Promise.all([...this.workers]);
  }

  private spawn() {
    const worker: Promise<void> = this.run().finally(() => this.workers.delete(worker));
    this.workers.add(worker);
    this.lastSpawn = this.deps.clock.now();
    this.peak = Math.max(this.peak, this.workers.size);
  }

  private get stopped() {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let leave = false;
      try {
        const batch = await this.collect();
        if (this.stopped) {
          await this.putBack(batch, 0);
          return;
        }
        if (batch.length === 0) {
          leave = this.workers.size > 1;
        } else {
          const full = batch.length >= this.mapping.batchSize || this.estimate(batch) >= BATCH_BYTES_BUDGET;
          const due = this.deps.clock.now() - this.lastSpawn >= SCALE_UP_INTERVAL_MS;
          if (full && due && this.workers.size < this.deps.limit(this.mapping)) this.spawn();
          const throttled = (await this.process(batch)) === 'throttled';
          if (throttled) {
            leave = this.workers.size > 1;
            if (!leave) await this.pause(PAUSE_MS);
          }
        }
      } catch (err) {
        this.report(`PROBLEM: ${(err as Error)?.message ?? err}`);
        if (!(err instanceof GustError)) this.deps.log(`event source mapping ${this.mapping.uuid}: ${(err as Error)?.stack ?? err}`);
        leave = this.workers.size > 1;
        if (!leave) await this.pause(PAUSE_MS);
      }
      if (leave) return;
    }
  }

  /** Up to BatchSize messages: the first long-polled, the rest gathered within the batching window. */
  private async collect(): Promise<ReceivedMessage[]> {
    const { batchSize, maximumBatchingWindowInSeconds: window } = this.mapping;
    const signal = this.abort.signal;
    const batch = await this.deps.queues.receive(this.queueName, { max: Math.min(batchSize, 10), waitSeconds: LONG_POLL_S, signal });
    if (batch.length === 0 || window === 0) return batch;
    const deadline = this.deps.clock.now() + window * 1000;
    let bytes = this.estimate(batch);
    while (batch.length < batchSize && bytes < BATCH_BYTES_BUDGET && !this.stopped) {
      const remaining = deadline - this.deps.clock.now();
      if (remaining <= 0) break;
      const more = await this.deps.queues.receive(this.queueName, { max: Math.min(batchSize - batch.length, 10), waitSeconds: remaining / 1000, signal });
      batch.push(...more);
      bytes += this.estimate(more);
    }
    return batch;
  }

  private estimate(messages: ReceivedMessage[]): number {
    return messages.reduce((sum, m) => sum + Buffer.byteLength(m.body) + RECORD_OVERHEAD + (m.messageAttributes ? JSON.stringify(m.messageAttributes).length : 0), 0);
  }

  /** One batch through the function; 'throttled' when the function could not run now. */
  private async process(batch: ReceivedMessage[]): Promise<'throttled' | void> {
    const queue = await this.deps.queues.require(this.queueName);
    const records = batch.map((m) => sqsRecord(m, this.mapping.eventSourceArn, this.deps.region, queue.fifo));
    // Messages that no filter matches are deleted without invoking, as Lambda does.
    const kept = records.filter((r) => matchesAny(this.patterns, filterView(r)));
    if (kept.length < records.length) await this.remove(records.filter((r) => !kept.includes(r)));
    if (kept.length === 0) return;
    let outcome: InvokeOutcome;
    try {
      this.batches++;
      outcome = await this.deps.invoke(this.mapping.functionName, this.mapping.qualifier, Buffer.from(JSON.stringify({ Records: kept })));
    } catch (err) {
      if (err instanceof GustError && err.code === 'TooManyRequestsException') {
        // Not the function's failure: back on the queue shortly, for this poller or another.
        await this.putBack(kept, 1);
        return 'throttled';
      }
      throw err; // left to the visibility timeout
    }
    if (outcome.functionError) {
      // The whole batch comes back after the queue's visibility timeout (and so to its redrive policy).
      this.report('PROBLEM: Function call failed');
      return;
    }
    let succeeded = kept;
    if (this.mapping.functionResponseTypes.includes('ReportBatchItemFailures')) {
      const failed = failedItems(outcome.payload, new Set(kept.map((r) => r.messageId)));
      if (failed === 'all') {
        this.report('PROBLEM: Function response was not a valid batch item failure response; the whole batch failed');
        return;
      }
      succeeded = kept.filter((r) => !failed.includes(r.messageId));
    }
    await this.remove(succeeded);
    this.report('OK');
  }

  private async remove(records: SqsRecord[]) {
    // One commit for the batch: a commit is the cost of a delete (synchronous=FULL).
    if (records.length > 0) await this.deps.queues.deleteMessages(this.queueName, records.map((r) => r.receiptHandle));
  }

  private async putBack(messages: { receiptHandle: string }[], seconds: number) {
    await Promise.all(messages.map((m) => this.deps.queues.changeVisibility(this.queueName, m.receiptHandle, seconds).catch(() => {})));
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
