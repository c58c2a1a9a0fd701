// Delivers queued Event invocations at least once: claims due events from the durable store,
// runs them through the invoker, and retries function errors as Lambda does (twice, after about
// one and two minutes) and throttles with backoff until the event is too old.
import { GustError } from '../errors.js';
import type { AsyncEventStore, AsyncEvent } from '../storage/async-event-store.js';
import type { Invoker } from './invoker.js';

const LEASE_MS = 16 * 60 * 1000; // longer than the longest function timeout
const FUNCTION_ERROR_RETRIES = 2;
const MAX_EVENT_AGE_MS = 6 * 60 * 60 * 1000;

export class AsyncWorker {
  private running = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: AsyncEventStore,
    private readonly invoker: Invoker,
    private readonly maxParallel: number,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    this.store.releaseAllLeases();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
  }

  /** Claims as many due events as there is room for, then sleeps until the next one is due. */
  wake = (): void => {
    if (this.stopped) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    while (this.running < this.maxParallel) {
      const event = this.store.claim(Date.now(), LEASE_MS);
      if (!event) break;
      this.running++;
      void this.deliver(event).finally(() => {
        this.running--;
        this.wake();
      });
    }
    const due = this.store.nextDueAt();
    if (due !== null && this.running < this.maxParallel) {
      this.wakeTimer = setTimeout(this.wake, Math.max(10, Math.min(due - Date.now(), 60_000)));
      this.wakeTimer.unref();
    }
  };

  private async deliver(event: AsyncEvent) {
    let fn;
    try {
      fn = this.invoker.resolve(event.functionName, event.qualifier);
    } catch {
      this.log(`async event ${event.requestId} dropped: function ${event.functionName}:${event.qualifier} no longer exists`);
      return this.store.complete(event.id);
    }
    try {
      const outcome = await this.invoker.execute(fn, event.requestId, event.payload);
      if (outcome.kind === 'success' || event.attempts > FUNCTION_ERROR_RETRIES) return this.store.complete(event.id);
      this.store.retryAt(event.id, Date.now() + 60_000 * event.attempts);
    } catch (err) {
      // Throttled or failed to start: not the function's fault, so retry until the event is too old.
      if (Date.now() - event.createdAt > MAX_EVENT_AGE_MS) {
        this.log(`async event ${event.requestId} dropped after ${event.attempts} attempts: ${(err as Error).message}`);
        return this.store.complete(event.id);
      }
      const backoff = Math.min(5 * 60_000, 1000 * 2 ** Math.min(event.attempts, 10)) * (0.5 + Math.random() / 2);
      if (!(err instanceof GustError)) this.log(`async event ${event.requestId} will be retried: ${(err as Error).message}`);
      this.store.retryAt(event.id, Date.now() + backoff);
    }
  }
}
