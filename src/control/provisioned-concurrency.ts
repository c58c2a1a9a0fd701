// Provisioned concurrency (Put/Get/Delete/ListProvisionedConcurrencyConfigs): N instances of a
// version or alias initialised ahead of time and kept warm, restored when Gust restarts, within
// the function's concurrency limits. The pool does the keeping, per configuration (a version and
// an alias to it each keep their own instances); this records and reports it.
import { GustError, invalidParameter } from '../errors.js';
import type { Concurrency } from '../invoke/concurrency.js';
import type { Pool } from '../invoke/pool.js';
import type { ProvisionedConfigRecord, ProvisionedConfigStore } from '../storage/provisioned-config-store.js';
import { LATEST, lambdaTimestamp, type FunctionRecord } from './function-record.js';
import type { Versions } from './versions.js';
import { validationErrors } from './function-names.js';

export class ProvisionedConcurrency {
  constructor(
    private readonly store: ProvisionedConfigStore,
    private readonly versions: Versions,
    private readonly pool: Pool,
    private readonly concurrency: Concurrency,
  ) {}

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
    this.pool.setProvisioned(fn, qualifier!, requested);
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
    this.pool.setProvisioned(fn, qualifier!, 0);
  }

  async list(name: string, arnOf: (name: string, qualifier: string) => string) {
    const rows = await this.store.list(name);
    return Promise.all(rows.map(async (row) => ({ FunctionArn: arnOf(name, row.qualifier), ...this.status(row, await this.versions.describe(name, row.qualifier)) })));
  }

  /** After a restart: initialise every configured instance again. */
  async restoreAll(): Promise<void> {
    for (const row of await this.store.all()) {
      try {
        this.pool.setProvisioned(await this.versions.describe(row.functionName, row.qualifier), row.qualifier, row.requested);
      } catch {
        /* the version or alias is gone: nothing to keep warm */
      }
    }
  }

  /** An alias with provisioned instances moved: keep its new version warm instead of the old. */
  async aliasMoved(name: string, alias: string, from: FunctionRecord, to: FunctionRecord): Promise<void> {
    const row = await this.store.get(name, alias);
    if (!row) return;
    this.pool.setProvisioned(from, alias, 0);
    this.pool.setProvisioned(to, alias, row.requested);
  }

  forget(name: string): Promise<void> {
    return this.store.deleteFunction(name);
  }

  private async row(name: string, qualifier: string | undefined): Promise<ProvisionedConfigRecord> {
    const row = await this.store.get(name, qualifier ?? LATEST);
    if (!row) throw new GustError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`);
    return row;
  }

  /** Each configuration counts only its own instances: a version's and an alias's add up. */
  private status(row: ProvisionedConfigRecord, fn: FunctionRecord) {
    const { available, failed } = this.pool.provisionedStatus(fn, row.qualifier);
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
