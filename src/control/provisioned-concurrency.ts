// Provisioned concurrency (Put/Get/Delete/ListProvisionedConcurrencyConfigs): N instances of a
// version or alias initialised ahead of time and kept warm, restored when Gust restarts, within
// the function's concurrency limits. The pool does the keeping, per configuration (a version and
// an alias to it each keep their own instances); this records and reports it. In a cluster one
// node keeps a configuration's instances (control/provisioned-keeper.ts): the others record and
// announce, and report the status the keeper shares.
import { GustError, invalidParameter } from '../errors.js';
import type { Concurrency } from '../invoke/concurrency.js';
import type { Pool } from '../invoke/pool.js';
import type { ProvisionedConfigRecord, ProvisionedConfigStore } from '../storage/provisioned-config-store.js';
import type { ProvisionedStatus } from '../storage/provisioned-status-store.js';
import { LATEST, lambdaTimestamp, type FunctionRecord } from './function-record.js';
import type { Versions } from './versions.js';
import { validationErrors } from './function-names.js';

export interface ProvisionedClusterSide {
  /** Tells the other nodes the configurations changed (the keeper applies them). */
  announce(): void;
  /** The status the keeper shared, for a node that keeps no instances. */
  sharedStatus(name: string, qualifier: string): Promise<ProvisionedStatus>;
}

const keyOf = (name: string, qualifier: string) => `${name}\0${qualifier}`;

export class ProvisionedConcurrency {
  /** Whether this node keeps the instances: always alone; in a cluster, the keeper only. */
  private keeping: boolean;
  /** What this node applied to its pool, per configuration, so that it can take it back. */
  private readonly applied = new Map<string, { fn: FunctionRecord; qualifier: string }>();

  constructor(
    private readonly store: ProvisionedConfigStore,
    private readonly versions: Versions,
    private readonly pool: Pool,
    private readonly concurrency: Concurrency,
    private readonly cluster?: ProvisionedClusterSide,
  ) {
    this.keeping = !cluster;
  }

  private apply(fn: FunctionRecord, qualifier: string, count: number): void {
    if (!this.keeping) return;
    const key = keyOf(fn.name, qualifier);
    const before = this.applied.get(key);
    if (before && before.fn.version !== fn.version) this.pool.setProvisioned(before.fn, qualifier, 0);
    this.pool.setProvisioned(fn, qualifier, count);
    if (count === 0) this.applied.delete(key);
    else this.applied.set(key, { fn, qualifier });
  }

  /** The keeper changes: this node starts keeping every configured instance, or drops its own. */
  async keep(keeping: boolean): Promise<void> {
    if (keeping === this.keeping) return;
    this.keeping = keeping;
    if (keeping) return this.restoreAll();
    for (const { fn, qualifier } of this.applied.values()) this.pool.setProvisioned(fn, qualifier, 0);
    this.applied.clear();
  }

  /** What the keeper shares with the other nodes: how many of each configuration are ready. */
  statusOfApplied(): { functionName: string; qualifier: string; status: ProvisionedStatus }[] {
    return [...this.applied.values()].map(({ fn, qualifier }) => ({ functionName: fn.name, qualifier, status: this.pool.provisionedStatus(fn, qualifier) }));
  }

  /** The version a configuration keeps warm: the qualifier's (an alias's main version), in Lambda's words when missing. */
  private async target(name: string, qualifier: string | undefined, forPut = false): Promise<FunctionRecord> {
    if (qualifier === undefined || qualifier === LATEST) {
      throw invalidParameter(forPut ? 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.' : 'The function resource provided must be an alias or a published version.');
    }
    if (/^[0-9]+$/.test(qualifier)) return this.versions.describe(name, qualifier);
    return this.versions.describe(name, (await this.versions.getAlias(name, qualifier)).functionVersion);
  }

  async put(name: string, qualifier: string | undefined, requested: unknown) {
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1) {
      throw validationErrors([`Value '${String(requested).slice(0, 40)}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1`]);
    }
    const fn = await this.target(name, qualifier, true);
    const reserved = this.concurrency.reserved(name);
    const others = (await this.store.list(name)).filter((r) => r.qualifier !== qualifier).reduce((sum, r) => sum + r.requested, 0);
    if (reserved !== undefined ? others + requested > reserved : others + requested > this.concurrency.unreservedLimit - this.concurrency.minimumUnreserved) {
      throw invalidParameter(
        reserved !== undefined
          ? `Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function (${reserved}).`
          : `Requested Provisioned Concurrency would leave the account's UnreservedConcurrentExecution below its minimum of ${this.concurrency.minimumUnreserved}.`,
      );
    }
    await this.store.put({ functionName: name, qualifier: qualifier!, requested, lastModified: lambdaTimestamp() });
    this.apply(fn, qualifier!, requested);
    this.cluster?.announce();
    return this.get(name, qualifier);
  }

  async get(name: string, qualifier: string | undefined) {
    const fn = await this.target(name, qualifier);
    return this.status(await this.row(name, qualifier), fn);
  }

  /** Lambda answers 204 when the qualifier exists but has no configuration. */
  async delete(name: string, qualifier: string | undefined): Promise<void> {
    const fn = await this.target(name, qualifier);
    if (!(await this.store.get(name, qualifier!))) return;
    await this.store.delete(name, qualifier!);
    this.apply(fn, qualifier!, 0);
    this.cluster?.announce();
  }

  async list(name: string, arnOf: (name: string, qualifier: string) => string) {
    const rows = await this.store.list(name);
    return Promise.all(rows.map(async (row) => ({ FunctionArn: arnOf(name, row.qualifier), ...(await this.status(row, await this.versions.describe(name, row.qualifier))) })));
  }

  /** After a restart, or when this node became the keeper or heard of a change: the pool keeps what the store says. */
  async restoreAll(): Promise<void> {
    if (!this.keeping) return;
    const configured = new Set<string>();
    for (const row of await this.store.all()) {
      try {
        this.apply(await this.versions.describe(row.functionName, row.qualifier), row.qualifier, row.requested);
        configured.add(keyOf(row.functionName, row.qualifier));
      } catch {
        /* the version or alias is gone: nothing to keep warm */
      }
    }
    for (const [key, { fn, qualifier }] of this.applied) if (!configured.has(key)) this.apply(fn, qualifier, 0);
  }

  /** An alias with provisioned instances moved: keep its new version warm instead of the old. */
  async aliasMoved(name: string, alias: string, from: FunctionRecord, to: FunctionRecord): Promise<void> {
    const row = await this.store.get(name, alias);
    if (!row) return;
    this.apply(from, alias, 0);
    this.apply(to, alias, row.requested);
    this.cluster?.announce();
  }

  async forget(name: string): Promise<void> {
    await this.store.deleteFunction(name);
    this.cluster?.announce();
  }

  private async row(name: string, qualifier: string | undefined): Promise<ProvisionedConfigRecord> {
    const row = await this.store.get(name, qualifier ?? LATEST);
    if (!row) throw new GustError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`);
    return row;
  }

  /** Each configuration counts only its own instances: a version's and an alias's add up. */
  private async status(row: ProvisionedConfigRecord, fn: FunctionRecord) {
    const { available, failed } = this.keeping ? this.pool.provisionedStatus(fn, row.qualifier) : await this.cluster!.sharedStatus(row.functionName, row.qualifier);
    return {
      RequestedProvisionedConcurrentExecutions: row.requested,
      AvailableProvisionedConcurrentExecutions: Math.min(available, row.requested),
      AllocatedProvisionedConcurrentExecutions: Math.min(available, row.requested),
      Status: failed ? 'FAILED' : available >= row.requested ? 'READY' : 'IN_PROGRESS',
      ...(failed ? { StatusReason: 'An instance failed to initialise; see the function’s log.' } : {}),
      LastModified: row.lastModified,
    };
  }
}
