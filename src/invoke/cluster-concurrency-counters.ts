// Running counts for a cluster: a budget (a reserved function, or the unreserved pool) is split
// among the nodes as slots each one holds in the database (storage/concurrency-hold-store.ts). A
// node admits an invocation without a round trip while it holds a slot it is not using; it asks
// the database for more only when it has none spare, and gives back what it no longer needs.
// While a budget has plenty free, a node takes a few slots at a time (a share of what is free,
// shrinking as the budget fills), so most invocations touch no SQL; near the limit it takes and
// returns one at a time, which keeps the limit exact. See docs/cluster.md.
import { randomUUID } from 'node:crypto';
import type { ConcurrencyHoldStore } from '../storage/concurrency-hold-store.js';
import type { AcquireResult, ConcurrencyCounters, ConcurrencyLimits } from './concurrency-counters.js';

/** The most slots a node takes in one grant. */
const MAX_BLOCK = 16;
/** The budget key of functions without a reservation (no function name contains '*'). */
const UNRESERVED = '*';

interface Budget {
  /** Slots this node holds in the database (what its row says once `pending` settled). */
  held: number;
  running: number;
  /** The most running since the last heartbeat: what the node keeps when it trims. */
  peak: number;
  /** Slots a release keeps beyond those running, as the last grant judged the budget. */
  spare: number;
  /** What this node's row says, as last written. */
  written: number;
  /** Every database write of this budget, one after another (a write states `held` whole). */
  pending: Promise<unknown>;
  flushQueued: boolean;
}

export interface ClusterCountersOptions {
  store: ConcurrencyHoldStore;
  leaseMs: number;
  log: (line: string) => void;
}

export class ClusterConcurrencyCounters implements ConcurrencyCounters {
  readonly nodeId = randomUUID();
  private readonly budgets = new Map<string, Budget>();
  private readonly byFunction = new Map<string, number>();
  /** Until when this node's lease surely holds; slots it holds are used locally only until then. */
  private leaseValidUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ClusterCountersOptions) {}

  /** Joins the cluster (a lease) and renews it every third of a lease. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.opts.leaseMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.budgets.values()].map((b) => b.pending));
    await this.opts.store.leave(this.nodeId).catch(() => {});
  }

  async tryAcquire(functionName: string, limits: ConcurrencyLimits): Promise<AcquireResult> {
    const key = limits.reserved !== undefined ? functionName : UNRESERVED;
    const limit = limits.reserved ?? limits.unreservedLimit;
    const refused: AcquireResult = limits.reserved !== undefined ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'ConcurrentInvocationLimitExceeded';
    const budget = this.budget(key);
    if (budget.running >= limit) return refused;
    if (!this.admitLocally(budget, limit)) {
      // Grants of one budget on this node take turns; one may have brought a spare slot meanwhile.
      const granted = await this.serially(budget, async () => {
        if (this.admitLocally(budget, limit)) return true;
        const extra = (free: number, nodes: number) => Math.min(MAX_BLOCK - 1, Math.floor((free - 1) / (2 * nodes)));
        const req = { nodeId: this.nodeId, budget: key, limit, held: budget.held, extra, leaseMs: this.opts.leaseMs };
        const got = await this.opts.store.grant(req);
        if (got === 0) return false;
        this.leaseValidUntil = Date.now() + this.opts.leaseMs / 2;
        // The row now says what the node held when it asked, plus the grant; a release meanwhile
        // lowered `held`, which the flush queued behind this writes.
        budget.written = req.held + got;
        budget.held += got;
        budget.spare = got - 1;
        if (budget.held !== budget.written) void this.flush(key, budget);
        return this.admitLocally(budget, limit);
      });
      if (!granted) return refused;
    }
    this.byFunction.set(functionName, (this.byFunction.get(functionName) ?? 0) + 1);
    return 'admitted';
  }

  async release(functionName: string, reserved: boolean): Promise<void> {
    const left = (this.byFunction.get(functionName) ?? 1) - 1;
    if (left <= 0) this.byFunction.delete(functionName);
    else this.byFunction.set(functionName, left);
    const budget = this.budgets.get(reserved ? functionName : UNRESERVED);
    if (!budget) return;
    budget.running = Math.max(0, budget.running - 1);
    // Near the limit spare is 0: the slot goes back at once, for another node to take.
    if (budget.held - budget.running > budget.spare) {
      budget.held = budget.running + budget.spare;
      await this.flush(reserved ? functionName : UNRESERVED, budget);
    }
  }

  /** This node's own: a cluster-wide count would cost a query per look. */
  async running(): Promise<number> {
    let sum = 0;
    for (const b of this.budgets.values()) sum += b.running;
    return sum;
  }

  async runningByFunction(): Promise<Map<string, number>> {
    return new Map(this.byFunction);
  }

  private admitLocally(budget: Budget, limit: number): boolean {
    if (budget.running >= budget.held || budget.running >= limit || Date.now() > this.leaseValidUntil) return false;
    budget.running++;
    budget.peak = Math.max(budget.peak, budget.running);
    return true;
  }

  private budget(key: string): Budget {
    let b = this.budgets.get(key);
    if (!b) {
      b = { held: 0, written: 0, running: 0, peak: 0, spare: 0, pending: Promise.resolve(), flushQueued: false };
      this.budgets.set(key, b);
    }
    return b;
  }

  private serially<T>(budget: Budget, work: () => Promise<T>): Promise<T> {
    const run = budget.pending.then(work);
    budget.pending = run.catch(() => {});
    return run;
  }

  /** Writes what the node holds now; writes queued while one waits are folded into it. */
  private flush(key: string, budget: Budget): Promise<void> {
    if (budget.flushQueued) return Promise.resolve();
    budget.flushQueued = true;
    return this.serially(budget, async () => {
      budget.flushQueued = false;
      const held = budget.held;
      if (held === budget.written) return;
      await this.opts.store.setHeld(this.nodeId, key, held);
      budget.written = held;
    }).catch((err) => {
      // The row keeps more than the node holds: only this node is held back, and the next beat retries.
      this.opts.log(`cluster: could not return concurrency slots of ${key}: ${(err as Error)?.message ?? err}`);
    });
  }

  /** Renews the lease and gives back slots unused since the last beat. */
  private async beat(): Promise<void> {
    const startedAt = Date.now();
    try {
      await this.opts.store.heartbeat(this.nodeId, this.opts.leaseMs);
      this.leaseValidUntil = startedAt + this.opts.leaseMs / 2;
    } catch (err) {
      this.opts.log(`cluster: could not renew this node's lease: ${(err as Error)?.message ?? err}`);
      return;
    }
    for (const [key, budget] of this.budgets) {
      const keep = Math.max(budget.running, budget.peak);
      budget.peak = budget.running;
      if (budget.held > keep) {
        budget.held = keep;
        budget.spare = 0;
      }
      // Also retries a write that failed. A budget stays in the map (one per function at most):
      // a fresh one beside a pending write could land its grant before the older write.
      if (budget.held !== budget.written) void this.flush(key, budget);
    }
  }
}
