// Runs the pollers of every enabled event-source mapping: loads the mappings at start-up (they
// survive restarts in metadata.db), takes each change in order (start, stop, restart with new
// settings), then settles the mapping's State (Creating → Enabled, Disabling → Disabled...).
import type { EventSourceMappings } from '../../control/event-source-mappings.js';
import type { EventSourceMappingRecord, EventSourceMappingStore } from '../../storage/event-source-mapping-store.js';
import { dropCapture } from '../brokers/postgres-source.js';
import { BrokerRunner, type BrokerRunnerDeps } from '../brokers/broker-runner.js';
import { MappingPoller, type PollerDeps } from './mapping-poller.js';

export type MappingChange = EventSourceMappingRecord | { uuid: string; deleted: true; broker?: EventSourceMappingRecord['broker'] };

/** What runs one mapping: a poller of a Gust queue, or a broker runner. */
interface MappingRun {
  start(): void;
  stop(): Promise<void>;
}

export class QueuePollers {
  private readonly pollers = new Map<string, MappingRun>();
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private mappings?: EventSourceMappings;

  constructor(private readonly deps: PollerDeps & { store: EventSourceMappingStore; brokers: Omit<BrokerRunnerDeps, 'clock' | 'region' | 'recordResult' | 'log'> }) {}

  /** Starts the pollers of the stored mappings and settles any state a stop left transitional. */
  async start(mappings: EventSourceMappings): Promise<void> {
    this.mappings = mappings;
    for (const m of await this.deps.store.list()) this.change(m);
    await this.chain;
  }

  /** A mapping was created, updated or deleted: applied after the changes before it. */
  change = (change: MappingChange): void => {
    this.chain = this.chain.then(() => this.apply(change)).catch((err) => this.deps.log(`event source mapping ${change.uuid}: ${(err as Error)?.stack ?? err}`));
  };

  /**
   * Another node changed a mapping (`uuid`), or may have changed any (undefined: its news were
   * missed): this node's pollers follow what is stored.
   */
  async reload(uuid?: string): Promise<void> {
    const stored = uuid === undefined ? await this.deps.store.list() : [await this.deps.store.get(uuid)].filter((m) => m !== undefined);
    const known = new Set(stored.map((m) => m.uuid));
    for (const m of stored) this.change(m);
    const gone = uuid === undefined ? [...this.pollers.keys()] : [uuid];
    for (const u of gone) if (!known.has(u)) this.change({ uuid: u, deleted: true });
  }

  /** Resolves once every change so far is in effect (tests and start-up wait on it). */
  settled(): Promise<void> {
    return this.chain;
  }

  poller(uuid: string): MappingPoller | undefined {
    const run = this.pollers.get(uuid);
    return run instanceof MappingPoller ? run : undefined;
  }

  broker(uuid: string): BrokerRunner | undefined {
    const run = this.pollers.get(uuid);
    return run instanceof BrokerRunner ? run : undefined;
  }

  /** Stops every poller, letting the batches being processed finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    // Abort the long polls now (a closed notifier would otherwise answer them at once, round and round).
    const stopping = [...this.pollers.values()].map((p) => p.stop());
    await this.chain;
    await Promise.all(stopping);
    await Promise.all([...this.pollers.values()].map((p) => p.stop()));
    this.pollers.clear();
  }

  private async apply(change: MappingChange) {
    if (this.stopped) return;
    const running = this.pollers.get(change.uuid);
    if (running) {
      this.pollers.delete(change.uuid);
      await running.stop();
    }
    if ('deleted' in change) {
      // The capture trigger and change log of a PostgreSQL mapping go with it.
      if (change.broker?.kind === 'postgres') await dropCapture(change.broker.urls[0], change.uuid);
      return;
    }
    if (change.enabled) {
      const poller: MappingRun = change.broker ? new BrokerRunner(change, { ...this.deps, ...this.deps.brokers }) : new MappingPoller(change, this.deps);
      this.pollers.set(change.uuid, poller);
      poller.start();
    }
    await this.mappings?.settle(change.uuid, change.lastModified);
  }
}
