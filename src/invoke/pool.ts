// Warm instances per function version. An invocation goes only to an instance parked on /next
// (the warmest one); when there is none it waits, and the pool starts instances for the waiting
// invocations, at most a few at a time machine-wide, fewer when the CPU is busy (start-gate.ts,
// machine-capacity.ts). Each start is made for one invocation (a cold start, as on Lambda: N
// concurrent calls scale to N instances), but a waiting invocation takes whichever instance parks
// first, its own or another freed meanwhile; a start still queued for a slot is then dropped.
// Only an invocation still counting on an instance about to come back to /next has no start of
// its own. Idle instances stop after the keep-alive; provisioned ones are kept
// warm per configuration. (How many may run at once is decided before, in concurrency.ts.)
import os from 'node:os';
import { realClock, type Clock } from '../clock.js';
import type { SandboxDriver } from '../sandbox/driver.js';
import type { FunctionRecord } from '../control/function-record.js';
import { Instance, type InstanceDeps } from './instance.js';
import type { Invocation, InvocationOutcome } from './invocation.js';
import { StartGate, type ReleaseSlot } from './start-gate.js';
import { machineCapacity } from './machine-capacity.js';
import { SupplyEstimate } from './supply-estimate.js';

/** What the pool's owner builds for an instance of a function; the pool adds driver and clock. */
export type PreparedInstance = Omit<InstanceDeps, 'driver' | 'now'>;

export interface PoolOptions {
  keepAliveMs: number;
  /** Starts, limits and stops the instances' sandboxes: the only way the pool reaches one. */
  driver: SandboxDriver;
  /** Idle times, keep-alive expiry and the sweeps run on it; the real clock by default. */
  clock?: Clock;
  /** Builds what an instance of this function needs to start (command, environment, code). */
  prepare(fn: FunctionRecord): Promise<PreparedInstance>;
  /** How many instances may be starting at once; by default one per CPU the process may use. */
  maxConcurrentStarts?: number;
  /** How many starts the machine can take now (machine-capacity.ts); injectable for tests. */
  startCapacity?: (running: number) => number;
  /** See RETURNING_PATIENCE_MS; injectable so tests need not race a timer. */
  returningPatienceMs?: number;
}

/**
 * An invocation waits this long for an instance that is between its response and its next /next
 * (normally a millisecond away) before the pool starts another instance for it instead.
 */
const RETURNING_PATIENCE_MS = 200;
/**
 * A start holds its slot until its runtime is initialised, but no longer than this: a function
 * whose init is merely slow (or sleeps on purpose) must not hold back every other start.
 */
const START_SLOT_MAX_MS = 3000;

/** Instances run exactly one code and configuration: the key changes with every update. */
const keyOf = (fn: FunctionRecord) => `${fn.name}\0${fn.version}\0${fn.revisionId}`;

interface Waiter {
  serve(instance: Instance): void;
  fail(err: unknown): void;
  /** Still counting on a returning instance rather than a new one. */
  patient: boolean;
  timer?: NodeJS.Timeout;
  /** The start made for this invocation: queued for a slot, then the instance that serves it. */
  start?: 'queued' | Instance;
}

interface ProvisionedConfig {
  count: number;
  failed: boolean;
  /** Starts queued or launching for this configuration, not yet among the instances. */
  starting: number;
}

/** Everything the pool keeps for one function version (one key). */
interface VersionGroup {
  key: string;
  fn: FunctionRecord;
  instances: Set<Instance>;
  waiters: Waiter[];
  /** On-demand starts waiting for a slot. */
  queuedStarts: number;
  /** Provisioned concurrency, per configuration (the version itself, or an alias to it). */
  provisioned: Map<string, ProvisionedConfig>;
  /** Turnaround against cold start: whether a waiter may count on a busy instance. */
  estimate: SupplyEstimate;
}

export class Pool {
  private readonly groups = new Map<string, VersionGroup>();
  private readonly gate: StartGate;
  private sweeper: { clear(): void };
  private readonly clock: Clock;
  private readonly parallelism = os.availableParallelism();
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.clock = options.clock ?? realClock;
    // Two at least: even one core overlaps one start's waiting with another's work.
    this.gate = new StartGate(options.maxConcurrentStarts ?? Math.max(2, os.availableParallelism()), { capacity: options.startCapacity ?? machineCapacity() });
    const every = Math.max(100, Math.min(10_000, options.keepAliveMs / 4));
    const sweep = () => {
      this.stopIdle();
      for (const group of this.groups.values()) this.maintainProvisioned(group);
      if (!this.closed) this.sweeper = this.clock.setTimeout(sweep, every);
    };
    this.sweeper = this.clock.setTimeout(sweep, every);
  }

  run(fn: FunctionRecord, invocation: Invocation): Promise<InvocationOutcome> {
    if (this.closed) return Promise.reject(new Error('the pool is shut down'));
    const group = this.group(fn);
    const warm = this.warmest(group);
    if (warm) return this.timed(group, warm.invoke(invocation));
    return new Promise<InvocationOutcome>((resolve, reject) => {
      const waiter: Waiter = {
        // invoke() checks the instance's state synchronously: a broken promise of the pool's must
        // fail this invocation, never the Runtime API request that parked the instance.
        serve: (instance) => {
          try {
            resolve(this.timed(group, instance.invoke(invocation)));
          } catch (err) {
            reject(err);
          }
        },
        fail: reject,
        patient: true,
      };
      // Counting on an instance that is not free yet lasts this long at most (cleared by a start).
      waiter.timer = setTimeout(() => {
        waiter.patient = false;
        this.ensureSupply(group);
      }, this.options.returningPatienceMs ?? group.estimate.patienceMs(RETURNING_PATIENCE_MS));
      group.waiters.push(waiter);
      this.ensureSupply(group);
    });
  }

  // ---- provisioned concurrency ----

  /** Keeps `count` instances of this version warm for configuration `config` (0 removes it). */
  setProvisioned(fn: FunctionRecord, config: string, count: number): void {
    const group = this.group(fn);
    if (count === 0) group.provisioned.delete(config);
    else {
      const existing = group.provisioned.get(config);
      group.provisioned.set(config, { count, failed: false, starting: existing?.starting ?? 0 });
    }
    let extra = this.provisionedInstances(group, config).length - count;
    for (const instance of this.provisionedInstances(group, config)) {
      if (extra-- <= 0) break;
      // Back to an ordinary instance, which ages out from now.
      instance.provisionedFor = null;
      instance.idleSince = this.clock.now();
    }
    this.maintainProvisioned(group);
    this.tidy(group);
  }

  /** This configuration's own warm instances ready to serve, and whether initialising one failed. */
  provisionedStatus(fn: FunctionRecord, config: string): { available: number; failed: boolean } {
    const group = this.groups.get(keyOf(fn));
    if (!group) return { available: 0, failed: false };
    const available = this.provisionedInstances(group, config).filter((i) => i.state !== 'starting').length;
    return { available, failed: group.provisioned.get(config)?.failed ?? false };
  }

  private provisionedInstances(group: VersionGroup, config: string): Instance[] {
    return [...group.instances].filter((i) => i.provisionedFor === config && i.state !== 'dying' && i.state !== 'dead');
  }

  /** Starts what each configuration misses; one whose init failed is retried only by the sweeper. */
  private maintainProvisioned(group: VersionGroup, retryFailed = true) {
    if (this.closed) return;
    for (const [name, config] of group.provisioned) {
      if (config.failed && !retryFailed) continue;
      const missing = config.count - this.provisionedInstances(group, name).length - config.starting;
      for (let i = 0; i < missing; i++) {
        config.starting++;
        void this.starting(group, this.start(group, { name, config }));
      }
    }
  }

  // ---- starting instances ----

  /** Queues a start for each waiting invocation that no returning instance is expected to serve. */
  private ensureSupply(group: VersionGroup) {
    if (this.closed) return;
    let expected = this.expectedBack(group);
    let counted = 0;
    for (const waiter of group.waiters) {
      if (waiter.start) continue;
      // Patient waiters, oldest first, count on the instances expected back before a start.
      if (waiter.patient && counted < expected) {
        counted++;
        continue;
      }
      waiter.start = 'queued';
      if (waiter.timer) clearTimeout(waiter.timer);
      group.queuedStarts++;
      void this.starting(group, this.start(group, null, waiter));
      // One more instance on the way may be what lets the busy ones count (see SupplyEstimate).
      expected = this.expectedBack(group);
    }
  }

  /** Starts one instance once the gate lets it: for a waiting invocation, or for a configuration. */
  private async start(group: VersionGroup, provisioned: { name: string; config: ProvisionedConfig } | null, waiter?: Waiter) {
    const release = await this.gate.acquire(group.key);
    if (provisioned) provisioned.config.starting--;
    else group.queuedStarts--;
    // The invocation may have been failed meanwhile (shutdown), or the configuration removed.
    const wanted = provisioned ? group.provisioned.get(provisioned.name) === provisioned.config : waiter !== undefined && group.waiters.includes(waiter);
    if (this.closed || !wanted) {
      release();
      this.tidy(group);
      return;
    }
    let instance: Instance | undefined;
    try {
      instance = new Instance(group.fn, { ...(await this.options.prepare(group.fn)), driver: this.options.driver, now: () => this.clock.now() }, provisioned !== null);
      this.adopt(group, instance);
      if (provisioned) instance.provisionedFor = provisioned.name;
      if (waiter) waiter.start = instance;
      const launched = performance.now();
      await instance.launch();
      void instance.initialised().then((ok) => ok && group.estimate.observeColdStart(performance.now() - launched));
    } catch (err) {
      release();
      instance?.stop();
      if (provisioned) provisioned.config.failed = true;
      else if (waiter) this.remove(group, waiter)?.fail(err);
      this.tidy(group);
      return;
    }
    await this.initialisedHoldingSlot(instance, release);
    if (await instance.initialised()) return; // it parked, and served its waiter then
    // Lambda reports a failed init to the invocation that waited for it.
    if (provisioned) provisioned.config.failed = true;
    const bound = waiter && this.remove(group, waiter);
    if (bound) bound.serve(instance);
    else instance.stop();
  }

  /** Takes a waiter out of the queue; undefined if it was no longer there. */
  private remove(group: VersionGroup, waiter: Waiter): Waiter | undefined {
    const at = group.waiters.indexOf(waiter);
    if (at === -1) return undefined;
    group.waiters.splice(at, 1);
    if (waiter.timer) clearTimeout(waiter.timer);
    return waiter;
  }

  private async initialisedHoldingSlot(instance: Instance, release: ReleaseSlot) {
    const cap = setTimeout(release, START_SLOT_MAX_MS);
    await instance.initialised();
    clearTimeout(cap);
    release();
  }

  private adopt(group: VersionGroup, instance: Instance) {
    group.instances.add(instance);
    instance.onParked = () => {
      // The invocation it was started for, else the longest-waiting one: in a burst, an instance
      // that has served its call is free long before the start queued for the next call gets a slot.
      const waiter = group.waiters.find((w) => w.start === instance) ?? group.waiters[0];
      if (waiter) this.remove(group, waiter)!.serve(instance);
      else if (instance.retired) instance.stop();
    };
    instance.onDead = () => {
      group.instances.delete(instance);
      // Waiting invocations may have counted on it; provisioned instances are replaced.
      this.ensureSupply(group);
      this.maintainProvisioned(group, false);
      this.tidy(group);
    };
  }

  // ---- retiring and stopping ----

  /**
   * Stops instances that must not serve again: with `keepRevisionId`, those of $LATEST that run an
   * older revision (published versions never change); without it, all of the function's.
   */
  retire(name: string, keepRevisionId?: string): void {
    const prefix = keepRevisionId === undefined ? `${name}\0` : `${name}\0$LATEST\0`;
    this.retireWhere((key) => key.startsWith(prefix) && !(keepRevisionId !== undefined && key.endsWith(`\0${keepRevisionId}`)));
  }

  /**
   * Replaces every instance of the function, of every version, once it is idle, keeping
   * provisioned concurrency (it starts again): for a change that new instances must see
   * (Gust's own tags) though no version changed.
   */
  recycle(name: string): void {
    for (const group of [...this.groups.values()]) {
      if (!group.key.startsWith(`${name}\0`)) continue;
      this.retireInstances(group);
      this.maintainProvisioned(group);
    }
  }

  /** Stops every instance of one version (it was deleted). */
  retireVersion(name: string, version: string): void {
    const prefix = `${name}\0${version}\0`;
    this.retireWhere((key) => key.startsWith(prefix));
  }

  /**
   * Forgets provisioned concurrency for the keys chosen and stops their instances; one that is
   * starting or busy first serves the invocations already waiting for it (they were accepted
   * for this version), then stops.
   */
  private retireWhere(chosen: (key: string) => boolean) {
    for (const group of [...this.groups.values()]) {
      if (!chosen(group.key)) continue;
      group.provisioned.clear();
      this.retireInstances(group);
      this.tidy(group);
    }
  }

  /**
   * Marks every instance of the version not to serve again and stops the idle ones now; the others
   * stop once they have served what waits for them. None counts for a configuration any more.
   */
  private retireInstances(group: VersionGroup) {
    for (const instance of group.instances) {
      instance.retired = true;
      instance.provisionedFor = null;
      if (instance.available || instance.state === 'returning') instance.stop();
    }
  }

  /** Number of live instances per function name, for status reports and tests. */
  instanceCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const group of this.groups.values()) {
      for (const instance of group.instances) {
        if (instance.state !== 'dying' && instance.state !== 'dead') counts[instance.fn.name] = (counts[instance.fn.name] ?? 0) + 1;
      }
    }
    return counts;
  }

  /** Live instances per function and state (dead ones are gone), for metrics. */
  instanceStates(): Array<{ functionName: string; state: Instance['state']; count: number }> {
    const counts = new Map<string, { functionName: string; state: Instance['state']; count: number }>();
    for (const group of this.groups.values()) {
      for (const instance of group.instances) {
        if (instance.state === 'dead') continue;
        const key = `${instance.fn.name}\0${instance.state}`;
        const entry = counts.get(key) ?? { functionName: instance.fn.name, state: instance.state, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
    }
    return [...counts.values()];
  }

  /**
   * Instances parked on /next that only the keep-alive keeps (not provisioned): the ones memory
   * pressure may stop (idle-eviction.ts). A busy, starting or returning instance is never listed.
   */
  idleInstances(): Instance[] {
    const idle: Instance[] = [];
    for (const group of this.groups.values()) {
      for (const instance of group.instances) if (instance.available && instance.provisionedFor === null) idle.push(instance);
    }
    return idle;
  }

  shutdown(): void {
    this.closed = true;
    this.sweeper.clear();
    for (const group of this.groups.values()) {
      for (const waiter of group.waiters.splice(0)) {
        if (waiter.timer) clearTimeout(waiter.timer);
        waiter.fail(new Error('Gust is shutting down'));
      }
      for (const instance of group.instances) instance.stop();
    }
  }

  // ---- helpers ----

  private group(fn: FunctionRecord): VersionGroup {
    const key = keyOf(fn);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { key, fn, instances: new Set(), waiters: [], queuedStarts: 0, provisioned: new Map(), estimate: new SupplyEstimate(this.parallelism) }));
    return group;
  }

  /** Forgets a version nothing refers to any more. */
  private tidy(group: VersionGroup) {
    const unused = group.instances.size === 0 && group.waiters.length === 0 && group.queuedStarts === 0 && group.provisioned.size === 0;
    if (unused && this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  /** The most recently used parked instance is the warmest; the others may then age out. */
  private warmest(group: VersionGroup): Instance | undefined {
    let best: Instance | undefined;
    for (const instance of group.instances) {
      if (instance.available && !instance.retired && (!best || instance.idleSince > best.idleSince)) best = instance;
    }
    return best;
  }

  /** How many waiting invocations live instances are expected to serve sooner than a start. */
  private expectedBack(group: VersionGroup): number {
    let busy = 0;
    let returning = 0;
    let starting = group.queuedStarts;
    for (const instance of group.instances) {
      if (instance.state === 'busy') busy++;
      else if (instance.state === 'returning') returning++;
      else if (instance.state === 'starting') starting++;
    }
    return group.estimate.covered(busy, returning, starting);
  }

  /** Starts take CPU from the instances that serve: their rate is not measured meanwhile. */
  private async starting(group: VersionGroup, start: Promise<void>): Promise<void> {
    group.estimate.startsInFlight++;
    try {
      await start;
    } finally {
      group.estimate.startsInFlight--;
    }
  }

  /** Learns the rate at which the version's invocations finish. */
  private timed(group: VersionGroup, outcome: Promise<InvocationOutcome>): Promise<InvocationOutcome> {
    const startedAt = performance.now();
    return outcome.then((o) => {
      group.estimate.observeFinish(startedAt, performance.now());
      return o;
    });
  }

  private stopIdle() {
    const cutoff = this.clock.now() - this.options.keepAliveMs;
    for (const group of this.groups.values()) {
      for (const instance of group.instances) {
        if (instance.available && instance.provisionedFor === null && instance.idleSince <= cutoff) instance.stop();
      }
    }
  }
}
