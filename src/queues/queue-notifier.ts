// Wakes long polls without polling the database: receivers wait on a queue's name, and the
// queue service fires it when a message is sent, made visible again or moved in. A wait also
// ends at a deadline the waiter gives (the end of its poll, or when a delayed or in-flight
// message becomes visible), on the injected clock.
import type { Clock } from '../clock.js';

export class QueueNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Notifications so far per queue: a receiver that looked before one came need not wait. */
  private readonly generations = new Map<string, number>();
  private isClosed = false;

  /** `announce` tells other nodes of a cluster, whose receivers wait on their own notifiers. */
  constructor(
    private readonly clock: Clock,
    private readonly announce: (queue: string) => void = () => {},
  ) {}

  /** The queue's notification count: taken before a look at the queue, handed to wait(). */
  generation(queue: string): number {
    return this.generations.get(queue) ?? 0;
  }

  /**
   * Resolves on the next notify(queue), at `until` (clock time), on abort or on close; at once
   * when a notification came since `since` (a send between a receiver's look and its wait).
   */
  wait(queue: string, until: number, signal?: AbortSignal, since?: number): Promise<void> {
    if (this.isClosed || signal?.aborted || (since !== undefined && this.generation(queue) !== since)) return Promise.resolve();
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
    this.wake(queue);
    this.announce(queue);
  }

  /** Wakes this node's receivers only: another node announced the queue. */
  wake(queue: string): void {
    this.generations.set(queue, this.generation(queue) + 1);
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
    for (const queue of [...this.waiters.keys()]) this.wake(queue);
  }
}
