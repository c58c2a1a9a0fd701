// Versions and aliases: PublishVersion snapshots $LATEST immutably (an unchanged $LATEST returns
// the existing version), aliases point at a version with an optional weighted second version,
// and resolve() turns any qualifier into the version record that runs.
import { randomUUID } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { Pool } from '../invoke/pool.js';
import type { AliasRecord, AliasStore } from '../storage/alias-store.js';
import type { FunctionStore } from '../storage/function-store.js';
import type { UnitOfWork } from '../storage/unit-of-work.js';
import { LATEST, lambdaTimestamp, type FunctionRecord } from './function-record.js';
import { validationErrors } from './function-names.js';

const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;
const VERSION = /^[0-9]+$/;

export interface VersionsDeps {
  store: FunctionStore;
  aliases: AliasStore;
  /** Publishing writes the version and $LATEST's counter together. */
  unitOfWork: UnitOfWork;
  pool: Pool;
  arnOf(name: string, qualifier?: string): string;
  /** Random in [0, 1): injected so that tests of weighted routing can be exact. */
  random?: () => number;
  /** Called when an alias now points at another version (provisioned instances follow it). */
  onAliasMoved?(name: string, alias: string, from: FunctionRecord, to: FunctionRecord): void;
}

/**
 * What makes two versions the same, for records published before $LATEST kept the RevisionId it
 * was published at (any change since, configuration included, makes a new version).
 */
const fingerprint = (fn: FunctionRecord) =>
  JSON.stringify([
    fn.codeSha256, fn.runtime, fn.handler, fn.role, fn.memorySize, fn.timeout, fn.environment, fn.architectures, fn.ephemeralStorageMb,
    fn.loggingConfig, fn.tracingMode, fn.deadLetterTargetArn, fn.description, fn.layers, fn.imageConfig,
  ]);

/** Whether $LATEST changed since the last version was published from it. */
const changedSincePublished = (latest: FunctionRecord, last: FunctionRecord | undefined) =>
  !last || (latest.publishedRevisionId !== undefined ? latest.publishedRevisionId !== latest.revisionId : fingerprint(last) !== fingerprint(latest));

export class Versions {
  constructor(private readonly deps: VersionsDeps) {}

  private notFound(name: string, qualifier?: string): GustError {
    return new GustError('ResourceNotFoundException', `Function not found: ${this.deps.arnOf(name, qualifier)}`);
  }

  private async latest(name: string): Promise<FunctionRecord> {
    const fn = await this.deps.store.get(name, LATEST);
    if (!fn) throw this.notFound(name);
    return fn;
  }

  async publish(name: string, body: Record<string, unknown>): Promise<FunctionRecord> {
    // Two nodes publishing at once both compute the same next number: the version row is inserted
    // only if absent, and the one that finds it taken reads again (and then publishes the next
    // number, or answers the version just published when $LATEST has not changed since).
    for (let attempt = 0; ; attempt++) {
      const published = await this.tryPublish(name, body);
      if (published) return published;
      if (attempt >= 20) throw new GustError('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${this.deps.arnOf(name)}`);
    }
  }

  private async tryPublish(name: string, body: Record<string, unknown>): Promise<FunctionRecord | undefined> {
    const latest = await this.latest(name);
    if (body.RevisionId !== undefined && body.RevisionId !== latest.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    if (body.CodeSha256 !== undefined && body.CodeSha256 !== latest.codeSha256) {
      throw invalidParameter(`CodeSHA256 (${String(body.CodeSha256).slice(0, 64)}) is different from current CodeSHA256 in $LATEST (${latest.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
    }
    const published = (await this.deps.store.versions(name)).filter((v) => v.version !== LATEST);
    const last = published.at(-1);
    if (last && !changedSincePublished(latest, last)) return last;
    const number = Math.max(latest.lastPublishedVersion ?? 0, last ? Number(last.version) : 0) + 1;
    // A version is published from a settled $LATEST (the route waits) and is never Pending itself.
    const { lastPublishedVersion: _counter, publishedRevisionId: _published, state: _state, lastUpdateStatus: _update, failureReason: _reason, ...snapshot } = latest;
    const record: FunctionRecord = {
      ...snapshot,
      version: String(number),
      description: typeof body.Description === 'string' ? body.Description : latest.description,
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(),
    };
    // Publishing gives $LATEST a new RevisionId too, as Lambda does.
    const revisionId = randomUUID();
    const created = await this.deps.unitOfWork(async (tx) => {
      if (!(await tx.functions.create(record))) return false;
      await tx.functions.put({ ...latest, lastPublishedVersion: number, revisionId, publishedRevisionId: revisionId });
      return true;
    });
    if (!created) return undefined;
    this.deps.pool.retire(name, revisionId);
    return record;
  }

  async list(name: string): Promise<FunctionRecord[]> {
    await this.latest(name);
    return this.deps.store.versions(name);
  }

  /** Lambda answers 204 for a version that is not there (the function must be). */
  async deleteVersion(name: string, version: string): Promise<void> {
    await this.latest(name);
    if (!(await this.deps.store.get(name, version))) return;
    const users = (await this.deps.aliases.list(name)).filter((a) => a.functionVersion === version || version in a.additionalVersionWeights);
    if (users.length > 0) {
      throw new GustError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
    }
    await this.deps.store.deleteVersion(name, version);
    this.deps.pool.retireVersion(name, version);
  }

  /** The version record a qualifier stands for now; an alias with weights picks one at random. */
  /** A qualifier given explicitly ($LATEST included) is named in the not-found message, as Invoke's is. */
  async resolve(name: string, named?: string): Promise<FunctionRecord> {
    const qualifier = named ?? LATEST;
    if (qualifier === LATEST || VERSION.test(qualifier)) {
      const fn = await this.deps.store.get(name, qualifier);
      if (!fn) throw this.notFound(name, named);
      return fn;
    }
    const alias = await this.deps.aliases.get(name, qualifier);
    if (!alias) throw this.notFound(name, qualifier);
    let version = alias.functionVersion;
    const [extra, weight] = Object.entries(alias.additionalVersionWeights)[0] ?? [];
    if (extra !== undefined && (this.deps.random ?? Math.random)() < weight!) version = extra;
    const fn = await this.deps.store.get(name, version);
    if (!fn) throw this.notFound(name, version);
    return fn;
  }

  /** The configuration a qualifier shows (an alias shows its main version's). */
  async describe(name: string, qualifier = LATEST): Promise<FunctionRecord> {
    if (qualifier === LATEST || VERSION.test(qualifier)) return this.resolve(name, qualifier === LATEST ? undefined : qualifier);
    const alias = await this.deps.aliases.get(name, qualifier);
    if (!alias) throw this.notFound(name, qualifier);
    return this.resolve(name, alias.functionVersion);
  }

  // ---- aliases ----

  /** GetAlias (and what names an alias by itself) words a missing alias this way; UpdateAlias otherwise. */
  async getAlias(name: string, alias: string): Promise<AliasRecord> {
    const record = await this.deps.aliases.get(name, alias);
    if (!record) throw new GustError('ResourceNotFoundException', `Cannot find alias arn: ${this.deps.arnOf(name, alias)}`);
    return record;
  }

  /** `functionVersion`: only the aliases that point at it (ListAliases' FunctionVersion). */
  async listAliases(name: string, functionVersion?: string): Promise<AliasRecord[]> {
    await this.latest(name);
    const all = await this.deps.aliases.list(name);
    return functionVersion === undefined ? all : all.filter((a) => a.functionVersion === functionVersion || functionVersion in a.additionalVersionWeights);
  }

  async createAlias(name: string, body: Record<string, unknown>): Promise<AliasRecord> {
    if (!(await this.deps.store.get(name, LATEST))) throw this.notFound(name, typeof body.FunctionVersion === 'string' ? body.FunctionVersion : undefined);
    const aliasName = String(body.Name ?? '');
    if (!ALIAS_NAME.test(aliasName)) throw new GustError('ValidationException', `1 validation error detected: Value '${aliasName.slice(0, 130)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`);
    if (await this.deps.aliases.get(name, aliasName)) throw new GustError('ResourceConflictException', `Alias already exists: ${this.deps.arnOf(name, aliasName)}`);
    return this.saveAlias(name, aliasName, body, undefined);
  }

  async updateAlias(name: string, aliasName: string, body: Record<string, unknown>): Promise<AliasRecord> {
    const current = await this.deps.aliases.get(name, aliasName);
    if (!current) throw new GustError('ResourceNotFoundException', `Alias not found: ${this.deps.arnOf(name, aliasName)}`);
    if (body.RevisionId !== undefined && body.RevisionId !== current.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    return this.saveAlias(name, aliasName, body, current);
  }

  /** Lambda answers 204 for an alias that is not there. */
  async deleteAlias(name: string, aliasName: string): Promise<void> {
    if (!(await this.deps.aliases.get(name, aliasName))) return;
    await this.deps.aliases.delete(name, aliasName);
  }

  private async saveAlias(name: string, aliasName: string, body: Record<string, unknown>, current: AliasRecord | undefined): Promise<AliasRecord> {
    const functionVersion = body.FunctionVersion === undefined ? current?.functionVersion : String(body.FunctionVersion);
    if (!functionVersion) throw invalidParameter('FunctionVersion is required.');
    if (functionVersion !== LATEST && !VERSION.test(functionVersion)) throw invalidParameter(`FunctionVersion must be $LATEST or a version number, got '${functionVersion.slice(0, 40)}'.`);
    if (!(await this.deps.store.get(name, functionVersion))) throw this.notFound(name, functionVersion);
    const routing = body.RoutingConfig as { AdditionalVersionWeights?: unknown } | undefined;
    const weights = routing === undefined ? (current?.additionalVersionWeights ?? {}) : ((routing?.AdditionalVersionWeights ?? {}) as Record<string, unknown>);
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) throw invalidParameter('RoutingConfig.AdditionalVersionWeights must be a map of version to weight.');
    const entries = Object.entries(weights);
    checkWeights(entries);
    if (entries.length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
    if (entries.length === 1) {
      const [extra] = entries[0];
      if (functionVersion === LATEST) throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
      if (extra === functionVersion) throw invalidParameter(`Invalid function version ${extra}. Function version ${extra} is already included in routing configuration.`);
      if (!(await this.deps.store.get(name, extra))) throw this.notFound(name, extra);
    }
    const record: AliasRecord = {
      functionName: name,
      name: aliasName,
      functionVersion,
      description: typeof body.Description === 'string' ? body.Description : (current?.description ?? ''),
      additionalVersionWeights: Object.fromEntries(entries) as Record<string, number>,
      revisionId: randomUUID(),
    };
    await this.deps.aliases.put(record);
    if (current && current.functionVersion !== record.functionVersion) {
      this.deps.onAliasMoved?.(name, aliasName, await this.resolve(name, current.functionVersion), await this.resolve(name, record.functionVersion));
    }
    return record;
  }
}

/** AWS's ValidationException for the keys and weights of AdditionalVersionWeights ({2=2.0}, as Java prints a map). */
function checkWeights(entries: [string, unknown][]): void {
  const printed = () => `{${entries.map(([k, w]) => `${k}=${typeof w === 'number' ? (Number.isInteger(w) ? w.toFixed(1) : String(w)) : String(w)}`).join(', ')}}`;
  if (entries.some(([k]) => k.length < 1 || k.length > 1024 || !VERSION.test(k))) {
    throw validationErrors([`Value '${printed().slice(0, 300)}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]`]);
  }
  if (entries.some(([, w]) => typeof w !== 'number' || !(w >= 0 && w <= 1))) {
    throw validationErrors([`Value '${printed().slice(0, 300)}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]`]);
  }
}

export function aliasShape(alias: AliasRecord, arn: string) {
  return {
    AliasArn: arn,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(Object.keys(alias.additionalVersionWeights).length > 0 ? { RoutingConfig: { AdditionalVersionWeights: alias.additionalVersionWeights } } : {}),
    RevisionId: alias.revisionId,
  };
}
