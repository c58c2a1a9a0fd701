// Delivers queued Event invocations at least once: claims due events from the durable store,
// runs them through the invoker, retries function errors as configured (Lambda's default: twice,
// after about one and two minutes), retries throttles and system errors with backoff until the
// event is too old, and sends Lambda's destination record to OnSuccess / OnFailure.
import { realClock, type Clock } from '../clock.js';
import { randomUUID } from 'node:crypto';
import { deadLetterArn, type Home } from '../control/home.js';
import { parseFunctionName } from '../control/function-names.js';
import { LATEST } from '../control/function-record.js';
import type { AsyncEvent, AsyncEventStore } from '../storage/async-event-store.js';
import type { DeadLetterStore } from '../storage/dead-letter-store.js';
import type { EventInvokeConfigStore } from '../storage/event-invoke-config-store.js';
import type { InvocationOutcome } from './invocation.js';
import type { Invoker } from './invoker.js';
import { QueueDestinations } from '../queues/queue-destinations.js';

const LEASE_MS = 16 * 60 * 1000; // longer than the longest function timeout
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_S = 6 * 60 * 60;
const MAX_THROTTLE_BACKOFF_MS = 5 * 60_000;
/** When the queue itself cannot be read, the worker tries again this much later. */
const QUEUE_RETRY_MS = 1000;

/**
 * The wait before a throttled event is tried again: 1 s after its first throttle, doubling with
 * each one up to 5 minutes, with jitter (half to all of it) so that throttled events spread out.
 */
export function throttleBackoffMs(throttles: number, random: () => number = Math.random): number {
  return Math.min(MAX_THROTTLE_BACKOFF_MS, 1000 * 2 ** Math.min(throttles, 10)) * (0.5 + random() / 2);
}

export interface AsyncWorkerDeps {
  store: AsyncEventStore;
  invoker: Invoker;
  configs: EventInvokeConfigStore;
  deadLetters: DeadLetterStore;
  /** Gust's queues, for destinations and DeadLetterConfig naming a queue ARN. */
  queueDestinations?: QueueDestinations;
  home: Home;
  arnOf(name: string, qualifier?: string): string;
  maxParallel: number;
  /** Delay before the first retry of a function error; the second waits twice as long. */
  retryDelayMs: number;
  log: (message: string) => void;
  /**
   * Set when other nodes claim from the same store (a cluster): a lease is this short and renewed
   * while the event runs, so a node that dies loses its events to the others within `leaseMs`,
   * and start() voids no lease (they may be other nodes' running events).
   */
  sharedQueue?: { leaseMs: number };
  /** The clock (its time and its timers) and the jitter's randomness, injected so that tests run on fake time. */
  clock?: Clock;
  random?: () => number;
}

type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

const parseOrText = (buf: Buffer) => {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return buf.toString('utf8');
  }
};

export class AsyncWorker {
  private running = 0;
  private readonly deliveries = new Set<Promise<void>>();
  private wakeTimer: { clear(): void } | null = null;
  /** The claim pass running now, if any. */
  private pass: Promise<void> | null = null;
  private wakeAgain = false;
  private stopped = false;
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Events that were running when Gust last stopped and run again: possible duplicates. */
  possibleDuplicates = 0;
  /** Ids of the events this worker runs, whose leases it renews (shared queue only). */
  private readonly held = new Set<number>();
  private renewTimer: { clear(): void } | null = null;

  constructor(private readonly deps: AsyncWorkerDeps) {
    this.clock = deps.clock ?? realClock;
    this.now = () => this.clock.now();
    this.random = deps.random ?? Math.random;
  }

  private get leaseMs(): number {
    return this.deps.sharedQueue?.leaseMs ?? LEASE_MS;
  }

  /** Voids the leases a previous process held (one node only), then starts claiming. */
  async start(): Promise<void> {
    if (this.deps.sharedQueue) {
      this.renewLeases();
      return this.wake();
    }
    this.possibleDuplicates = await this.deps.store.releaseAllLeases();
    if (this.possibleDuplicates > 0) {
      this.deps.log(`Async events: ${this.possibleDuplicates} were running when Gust stopped; they run again (at-least-once: possible duplicates)`);
    }
    this.wake();
  }

  /** Claims nothing more; resolves once the deliveries already running have finished. */
  stop(): Promise<void> {
    this.stopped = true;
    this.wakeTimer?.clear();
    this.wakeTimer = null;
    // Renewal goes on while deliveries drain: they are still this node's.
    return this.idle().finally(() => {
      this.renewTimer?.clear();
      this.renewTimer = null;
    });
  }

  /** A third of a lease apart, so that two renewals may fail before another node takes over. */
  private renewLeases = (): void => {
    this.renewTimer = this.clock.setTimeout(async () => {
      const now = this.now();
      try {
        await this.deps.store.extendLeases([...this.held], now, now + this.leaseMs);
      } catch (err) {
        this.deps.log(`Async events: could not renew leases: ${(err as Error)?.message ?? err}`);
      }
      if (this.renewTimer) this.renewLeases();
    }, this.leaseMs / 3);
  }

  /** Resolves once no claim pass and no delivery is running (those started meanwhile included). */
  async idle(): Promise<void> {
    while (this.pass || this.deliveries.size > 0) await Promise.all([this.pass, ...this.deliveries]);
  }

  /**
   * Claims as many due events as there is room for, then sleeps until the next one is due. One
   * pass at a time, started at the end of the turn: a wake during a pass makes it go round once more (claims are async, and two
   * passes side by side would claim past maxParallel).
   */
  wake = (): void => {
    if (this.stopped) return;
    if (this.pass) {
      this.wakeAgain = true;
      return;
    }
    this.wakeTimer?.clear();
    this.wakeTimer = null;
    // The pass starts at the end of this turn, so that the wakes of a turn (deliveries whose
    // completions shared a commit, events accepted together) share one claim as well.
    this.pass = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.claimPasses())
      .finally(() => (this.pass = null));
  };

  private async claimPasses(): Promise<void> {
    do {
      this.wakeAgain = false;
      await this.claimPass();
    } while (this.wakeAgain && !this.stopped);
  }

  private async claimPass(): Promise<void> {
    try {
      // One statement and one commit claims as many events as there is room for: a commit per
      // event (an fsync each, on SQLite with the event loop waiting) bounded the whole server.
      while (this.running < this.deps.maxParallel && !this.stopped) {
        const room = this.deps.maxParallel - this.running;
        const events = await this.deps.store.claimBatch(this.now(), this.leaseMs, room);
        for (const event of events) this.startDelivery(event);
        if (events.length < room) break;
      }
      // Full: a delivery that ends wakes the worker, so when the next event is due does not
      // matter (and looking is a scan of the queue, on every wake while it fills).
      if (this.running >= this.deps.maxParallel || this.stopped) return;
      const due = await this.deps.store.nextDueAt();
      // Other nodes queue events too, and die leaving leased ones: a shared queue is looked at
      // again within a third of a lease even when nothing here says it must.
      const idleMs = this.deps.sharedQueue ? this.leaseMs / 3 : null;
      if (this.running < this.deps.maxParallel) {
        if (due !== null) this.sleep(Math.max(10, Math.min(due - this.now(), idleMs ?? 60_000)));
        else if (idleMs !== null) this.sleep(idleMs);
      }
    } catch (err) {
      this.deps.log(`Async events: could not read the queue: ${(err as Error)?.message ?? err}; trying again in a second`);
      this.sleep(QUEUE_RETRY_MS);
    }
  }

  private startDelivery(event: AsyncEvent) {
    this.running++;
    this.held.add(event.id);
    const delivery: Promise<void> = this.deliver(event)
      // A failure of Gust's own (the store, a destination) must not end the process as an
      // unhandled rejection; the event stays leased and runs again when the lease ends.
      .catch((err) => this.deps.log(`async event ${event.requestId} for ${event.functionName} failed in Gust and runs again later: ${(err as Error)?.stack ?? err}`))
      .finally(() => {
        this.running--;
        this.held.delete(event.id);
        this.deliveries.delete(delivery);
        this.wake();
      });
    this.deliveries.add(delivery);
  }

  private sleep(ms: number) {
    if (this.stopped) return;
    this.wakeTimer?.clear();
    this.wakeTimer = this.clock.setTimeout(this.wake, ms);
  }

  private async deliver(event: AsyncEvent) {
    const { store, invoker, configs } = this.deps;
    let fn;
    try {
      fn = await invoker.resolve(event.functionName, event.qualifier);
    } catch {
      this.deps.log(`async event ${event.requestId} dropped: function ${event.functionName}:${event.qualifier} no longer exists`);
      return await store.complete(event.id);
    }
    const config = await configs.get(fn.name, event.qualifier);
    const maxRetries = config?.maximumRetryAttempts ?? DEFAULT_RETRIES;
    const maxAgeMs = (config?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
    if (this.now() - event.createdAt > maxAgeMs) {
      await this.toDeadLetterQueue(event, fn.deadLetterTargetArn, 'EventAgeExceeded');
      return this.finish(event, 'EventAgeExceeded', config?.onFailure);
    }

    let outcome: InvocationOutcome;
    try {
      outcome = await invoker.execute(fn, event.requestId, event.payload, undefined, event.qualifier, undefined, { queuedAt: event.createdAt, trigger: 'other' });
    } catch {
      // Throttled or failed to start: not the function's doing, so it does not count as an
      // attempt; try again with a backoff that grows with each throttle, until the event is too old.
      return await store.retryAt(event.id, this.now() + throttleBackoffMs(event.throttles, this.random), false);
    }
    if (outcome.kind === 'success') return this.finish(event, 'Success', config?.onSuccess, outcome, fn.version);
    // attempts counts this run: the first retry comes after one delay, the second after two.
    if (event.attempts > maxRetries) {
      await this.toDeadLetterQueue(event, fn.deadLetterTargetArn, 'RetriesExhausted', outcome);
      return this.finish(event, 'RetriesExhausted', config?.onFailure, outcome, fn.version);
    }
    await store.retryAt(event.id, this.now() + this.deps.retryDelayMs * event.attempts);
  }

  /**
   * The function's DeadLetterConfig: the event as it was sent, with the attributes Lambda puts on
   * a dead-letter message (RequestID, ErrorCode, ErrorMessage): to Gust's built-in store, or to
   * another of its queues.
   */
  private async toDeadLetterQueue(event: AsyncEvent, target: string | undefined, condition: Condition, outcome?: InvocationOutcome) {
    if (target === undefined) return;
    const error = outcome ? parseOrText(outcome.payload) : undefined;
    const record = {
      source: 'DeadLetterConfig',
      condition,
      MessageAttributes: {
        RequestID: event.requestId,
        ErrorCode: '200',
        ErrorMessage: typeof error === 'object' && error !== null ? String((error as { errorMessage?: unknown }).errorMessage ?? '') : `Event ${condition === 'EventAgeExceeded' ? 'too old' : 'failed'}`,
      },
    };
    if (target === deadLetterArn(this.deps.home)) {
      await this.deps.deadLetters.add({ functionName: event.functionName, qualifier: event.qualifier, requestId: event.requestId, condition, record, payload: event.payload });
    } else if (target.startsWith('arn:aws:sqs:') && this.deps.queueDestinations) {
      // Another of Gust's queues: the event as it was sent, with Lambda's dead-letter attributes.
      await this.deps.queueDestinations.send(target, event.payload.toString('utf8'), QueueDestinations.deadLetterAttributes(event.requestId, record.MessageAttributes.ErrorMessage));
    }
  }

  /** Sends Lambda's destination record where it was asked for, then forgets the event. */
  private async finish(event: AsyncEvent, condition: Condition, destination: string | undefined, outcome?: InvocationOutcome, executedVersion = event.qualifier) {
    if (destination) {
      const record = {
        version: '1.0',
        timestamp: new Date(this.now()).toISOString(),
        requestContext: {
          requestId: event.requestId,
          functionArn: this.deps.arnOf(event.functionName, event.qualifier),
          condition,
          approximateInvokeCount: outcome ? event.attempts : event.attempts - 1,
        },
        requestPayload: parseOrText(event.payload),
        ...(outcome
          ? {
              responseContext: { statusCode: 200, executedVersion, ...(outcome.kind === 'success' ? {} : { functionError: 'Unhandled' }) },
              responsePayload: parseOrText(outcome.payload),
            }
          : {}),
      };
      await this.send(destination, event, condition, record);
    } else if (condition !== 'Success') {
      this.deps.log(`async event ${event.requestId} for ${event.functionName} discarded: ${condition} and no OnFailure destination`);
    }
    await this.deps.store.complete(event.id);
  }

  private async send(destination: string, event: AsyncEvent, condition: Condition, record: object) {
    const payload = Buffer.from(JSON.stringify(record));
    if (destination === deadLetterArn(this.deps.home)) {
      await this.deps.deadLetters.add({ functionName: event.functionName, qualifier: event.qualifier, requestId: event.requestId, condition, record, payload: event.payload });
      return;
    }
    if (destination.startsWith('arn:aws:sqs:') && this.deps.queueDestinations) return this.deps.queueDestinations.send(destination, payload.toString('utf8'));
    const target = parseFunctionName(destination, this.deps.home);
    await this.deps.store.enqueue({ requestId: randomUUID(), functionName: target.name, qualifier: target.qualifier ?? LATEST, payload });
  }
}
