// Bounds how many instances start at once. A burst (hundreds of queued events after a restart)
// would otherwise start every instance together on a few cores, and each would take so long
// that it hits the init timeout. Waiting starts are served round-robin between function
// versions, so one function's burst does not hold back another's single cold start.

export type ReleaseSlot = () => void;

export class StartGate {
  private busy = 0;
  /** Waiting starts per key, and the order in which keys take turns. */
  private readonly queues = new Map<string, Array<(release: ReleaseSlot) => void>>();
  private readonly turns: string[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`a start gate needs at least one slot (got ${slots})`);
  }

  /** Starts now running. */
  get running(): number {
    return this.busy;
  }

  /** Starts waiting for a slot. */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves with a release function once a slot is free; release exactly once. */
  acquire(key: string): Promise<ReleaseSlot> {
    return new Promise((resolve) => {
      let queue = this.queues.get(key);
      if (!queue) {
        this.queues.set(key, (queue = []));
        this.turns.push(key);
      }
      queue.push(resolve);
      this.dispatch();
    });
  }

  private dispatch() {
    while (this.busy < this.slots && this.turns.length > 0) {
      const key = this.turns.shift()!;
      const queue = this.queues.get(key)!;
      const next = queue.shift()!;
      if (queue.length > 0) this.turns.push(key);
      else this.queues.delete(key);
      this.busy++;
      let released = false;
      next(() => {
        if (released) return;
        released = true;
        this.busy--;
        this.dispatch();
      });
    }
  }
}
