// Wakes long polls without polling the database: receivers wait on a queue's name, and the
// queue service fires it when a message is sent, made visible again or moved in. A wait also
// ends at a deadline the waiter gives (the end of its poll, or when a delayed or in-flight
// message becomes visible), on the injected clock.
import type { Clock } from '../clock.js';

export class QueueNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  private isClosed = false;

  constructor(private readonly clock: Clock) {}

  /** Resolves on the next notify(queue), at `until` (clock time), on abort or on close. */
  wait(queue: string, until: number, signal?: AbortSignal): Promise<void> {
    if (this.isClosed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(queue);
      if (!set) this.waiters.set(queue, (set = new Set()));
      const done = () => {
        timer.clear();
        signal?.removeEventListener('abort', done);
        set!.delete(done);
        if (set!.size === 0 && this.waiters.get(queue) === set) this.waiters.delete(queue);
        resolve();
      };
      const timer = this.clock.setTimeout(done, Math.max(0, until - this.clock.now()));
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  notify(queue: string): void {
    for (const wake of [...(this.waiters.get(queue) ?? [])]) wake();
  }

  /** How many receivers wait on a queue (for tests and status). */
  waiting(queue: string): number {
    return this.waiters.get(queue)?.size ?? 0;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Shutdown: every wait ends now, and later ones at once. */
  close(): void {
    this.isClosed = true;
    for (const queue of [...this.waiters.keys()]) this.notify(queue);
  }
}
