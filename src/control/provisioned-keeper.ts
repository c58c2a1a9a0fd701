// In a cluster, provisioned concurrency means N instances for the cluster, not N per node: one node,
// the keeper, keeps every configuration's instances warm. The keeper is whoever holds the lease
// "provisioned-keeper" in the database; it renews it every third of a lease, and when it dies
// (kill -9) another node takes the lease once it ended and initialises the instances. The keeper
// also shares how many are ready, so that every node reports the same status.
import type { ConcurrencyHoldStore } from '../storage/concurrency-hold-store.js';
import type { ProvisionedStatusStore } from '../storage/provisioned-status-store.js';
import type { ProvisionedConcurrency } from './provisioned-concurrency.js';

const LEASE = 'provisioned-keeper';
/** How often the keeper shares a status that changed (a write only when it did). */
const STATUS_EVERY_MS = 1000;

export interface ProvisionedKeeperOptions {
  leases: ConcurrencyHoldStore;
  statuses: ProvisionedStatusStore;
  provisioned: ProvisionedConcurrency;
  nodeId: string;
  leaseMs: number;
  log: (line: string) => void;
}

export class ProvisionedKeeper {
  private timers: NodeJS.Timeout[] = [];
  private keeping = false;
  private shared = '';

  constructor(private readonly opts: ProvisionedKeeperOptions) {}

  async start(): Promise<void> {
    await this.beat();
    this.timers.push(setInterval(() => void this.beat(), Math.max(100, Math.floor(this.opts.leaseMs / 3))));
    this.timers.push(setInterval(() => void this.share(), STATUS_EVERY_MS));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private async beat(): Promise<void> {
    try {
      this.keeping = await this.opts.leases.holdLease(LEASE, this.opts.nodeId, this.opts.leaseMs);
    } catch (err) {
      // Unreachable database: a keeper keeps its instances (at worst two nodes keep them a while).
      this.opts.log(`cluster: could not renew the provisioned-concurrency lease: ${(err as Error)?.message ?? err}`);
      return;
    }
    try {
      await this.opts.provisioned.keep(this.keeping);
      await this.share();
    } catch (err) {
      this.opts.log(`provisioned concurrency: ${(err as Error)?.stack ?? err}`);
    }
  }

  private async share(): Promise<void> {
    if (!this.keeping) return;
    const rows = this.opts.provisioned.statusOfApplied();
    const text = JSON.stringify(rows);
    if (text === this.shared) return;
    await this.opts.statuses.replaceAll(rows).then(
      () => (this.shared = text),
      (err) => this.opts.log(`cluster: could not share the provisioned-concurrency status: ${(err as Error)?.message ?? err}`),
    );
  }
}
