// Bounds how many instances start at once. A burst (hundreds of queued events after a restart)
// would otherwise start every instance together on a few cores, and each would take so long
// that it hits the init timeout. Waiting starts are served round-robin between function
// versions, so one function's burst does not hold back another's single cold start.
// Below the fixed ceiling, the machine's spare CPU decides (machine-capacity.ts): when other
// work already fills the cores, fewer starts run together, but always at least one.

export type ReleaseSlot = () => void;

export interface StartGateOptions {
  /** How many starts may run now, given the machine's load; read at each dispatch. */
  capacity?: (running: number) => number;
  /** How often to look at the load again while starts wait below the ceiling. */
  recheckMs?: number;
}

export class StartGate {
  private busy = 0;
  /** Waiting starts per key, and the order in which keys take turns. */
  private readonly queues = new Map<string, Array<(release: ReleaseSlot) => void>>();
  private readonly turns: string[] = [];
  private recheck: NodeJS.Timeout | null = null;

  constructor(
    readonly slots: number,
    private readonly options: StartGateOptions = {},
  ) {
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

  /** The slots usable now: the ceiling, lowered by load, never below one. */
  private limit(): number {
    const capacity = this.options.capacity?.(this.busy) ?? this.slots;
    return Math.max(1, Math.min(this.slots, Math.floor(capacity)));
  }

  private dispatch() {
    const limit = this.limit();
    while (this.busy < limit && this.turns.length > 0) {
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
    // Held back by load rather than by the ceiling: look again when the load may have eased,
    // since no release may come soon (a slow init holds its slot for seconds).
    if (this.turns.length > 0 && this.busy < this.slots && !this.recheck) {
      this.recheck = setTimeout(() => {
        this.recheck = null;
        this.dispatch();
      }, this.options.recheckMs ?? 100);
      this.recheck.unref();
    }
  }
}
