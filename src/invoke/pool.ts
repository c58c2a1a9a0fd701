// Warm instances per function version: a warm idle instance is reused, otherwise a new one is
// started, so N concurrent invocations get N instances. Idle instances stop after the keep-alive.
// (How many may run at once is decided before, in concurrency.ts.)
import type { FunctionRecord } from '../control/function-record.js';
import { Instance, type InstanceDeps } from './instance.js';
import type { Invocation, InvocationOutcome } from './invocation.js';

export interface PoolOptions {
  keepAliveMs: number;
  /** Builds what an instance of this function needs to start (command, environment, code). */
  prepare(fn: FunctionRecord): Promise<InstanceDeps>;
}

/** Instances run exactly one code and configuration: the key changes with every update. */
const keyOf = (fn: FunctionRecord) => `${fn.name}\0${fn.version}\0${fn.revisionId}`;

export class Pool {
  private readonly instances = new Map<string, Set<Instance>>();
  private readonly sweeper: NodeJS.Timeout;

  /** Provisioned concurrency: how many warm instances each function version should keep. */
  private readonly provisioned = new Map<string, { fn: FunctionRecord; count: number; failed: boolean; starting: number }>();

  constructor(private readonly options: PoolOptions) {
    const every = Math.max(100, Math.min(10_000, options.keepAliveMs / 4));
    this.sweeper = setInterval(() => {
      this.stopIdle();
      this.maintainProvisioned();
    }, every);
    this.sweeper.unref();
  }

  /** Keeps `count` instances of this version initialised and warm (0 removes the setting). */
  setProvisioned(fn: FunctionRecord, count: number): void {
    const key = keyOf(fn);
    if (count === 0) this.provisioned.delete(key);
    else this.provisioned.set(key, { fn, count, failed: false, starting: this.provisioned.get(key)?.starting ?? 0 });
    let extra = this.provisionedInstances(key).length - count;
    for (const instance of this.provisionedInstances(key)) {
      if (extra <= 0) break;
      instance.provisioned = false; // back to an ordinary instance, which ages out
      extra--;
    }
    this.maintainProvisioned();
  }

  /** Warm provisioned instances ready to serve, and whether initialising them failed. */
  provisionedStatus(fn: FunctionRecord): { available: number; failed: boolean } {
    const key = keyOf(fn);
    const available = this.provisionedInstances(key).filter((i) => i.phase === 'idle' || i.phase === 'busy').length;
    return { available, failed: this.provisioned.get(key)?.failed ?? false };
  }

  private provisionedInstances(key: string): Instance[] {
    return [...(this.instances.get(key) ?? [])].filter((i) => i.provisioned && i.phase !== 'dead');
  }

  private maintainProvisioned() {
    for (const [key, want] of this.provisioned) {
      const missing = want.count - this.provisionedInstances(key).length - want.starting;
      for (let i = 0; i < missing; i++) {
        want.starting++;
        void this.startInstance(want.fn, true)
          .finally(() => want.starting--)
          .then((instance) => instance.warmUp())
          .then((ok) => {
            if (!ok) want.failed = true;
          })
          .catch(() => (want.failed = true));
      }
    }
  }

  async run(fn: FunctionRecord, invocation: Invocation): Promise<InvocationOutcome> {
    const instance = this.idleInstance(fn) ?? (await this.startInstance(fn));
    const outcome = await instance.invoke(invocation);
    if (instance.retired) instance.stop();
    return outcome;
  }

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
    for (const [key, set] of this.instances) {
      if (!key.startsWith(`${name}\0`)) continue;
      for (const instance of set) {
        instance.retired = true;
        if (instance.phase !== 'busy') instance.stop();
      }
    }
    this.maintainProvisioned();
  }

  /** Stops every instance of one version (it was deleted). */
  retireVersion(name: string, version: string): void {
    const prefix = `${name}\0${version}\0`;
    this.retireWhere((key) => key.startsWith(prefix));
  }

  /** Forgets provisioned concurrency for the keys chosen and stops their instances once idle. */
  private retireWhere(chosen: (key: string) => boolean) {
    for (const key of [...this.provisioned.keys()]) if (chosen(key)) this.provisioned.delete(key);
    for (const [key, set] of this.instances) {
      if (!chosen(key)) continue;
      for (const instance of set) {
        instance.retired = true;
        if (instance.phase !== 'busy') instance.stop();
      }
    }
  }

  /** Number of live instances per function name, for status reports and tests. */
  instanceCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const set of this.instances.values()) {
      for (const instance of set) counts[instance.fn.name] = (counts[instance.fn.name] ?? 0) + 1;
    }
    return counts;
  }

  shutdown(): void {
    clearInterval(this.sweeper);
    for (const set of this.instances.values()) for (const instance of set) instance.stop();
  }

  private idleInstance(fn: FunctionRecord): Instance | undefined {
    const set = this.instances.get(keyOf(fn));
    if (!set) return undefined;
    let best: Instance | undefined;
    // The most recently used instance is the warmest; the others may then age out.
    for (const instance of set) {
      if (instance.phase === 'idle' && (!best || instance.idleSince > best.idleSince)) best = instance;
    }
    if (best) best.phase = 'busy';
    return best;
  }

  private async startInstance(fn: FunctionRecord, provisioned = false): Promise<Instance> {
    const instance = new Instance(fn, await this.options.prepare(fn));
    instance.provisioned = provisioned;
    const key = keyOf(fn);
    let set = this.instances.get(key);
    if (!set) this.instances.set(key, (set = new Set()));
    set.add(instance);
    if (!provisioned) instance.phase = 'busy';
    instance.onDead = () => {
      set.delete(instance);
      if (set.size === 0 && this.instances.get(key) === set) this.instances.delete(key);
    };
    try {
      await instance.launch();
    } catch (err) {
      instance.stop();
      throw err;
    }
    return instance;
  }

  private stopIdle() {
    const cutoff = Date.now() - this.options.keepAliveMs;
    for (const set of this.instances.values()) {
      for (const instance of set) if (instance.phase === 'idle' && !instance.provisioned && instance.idleSince <= cutoff) instance.stop();
    }
  }
}
