// Versions and aliases: PublishVersion snapshots $LATEST immutably (an unchanged $LATEST returns
// the existing version), aliases point at a version with an optional weighted second version,
// and resolve() turns any qualifier into the version record that runs.
import { randomUUID } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { Pool } from '../invoke/pool.js';
import type { AliasRecord, AliasStore } from '../storage/alias-store.js';
import type { FunctionStore } from '../storage/function-store.js';
import { LATEST, lambdaTimestamp, type FunctionRecord } from './function-record.js';

const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;
const VERSION = /^[0-9]+$/;

export interface VersionsDeps {
  store: FunctionStore;
  aliases: AliasStore;
  pool: Pool;
  arnOf(name: string, qualifier?: string): string;
  /** Random in [0, 1): injected so that tests of weighted routing can be exact. */
  random?: () => number;
  /** Called when an alias now points at another version (provisioned instances follow it). */
  onAliasMoved?(name: string, alias: string, from: FunctionRecord, to: FunctionRecord): void;
}

/** What makes two versions the same: publishing an unchanged $LATEST returns the last version. */
const fingerprint = (fn: FunctionRecord) =>
  JSON.stringify([
    fn.codeSha256, fn.runtime, fn.handler, fn.role, fn.memorySize, fn.timeout, fn.environment, fn.architectures, fn.ephemeralStorageMb,
    fn.loggingConfig, fn.tracingMode, fn.deadLetterTargetArn,
  ]);

export class Versions {
  constructor(private readonly deps: VersionsDeps) {}

  private notFound(name: string, qualifier?: string): GustError {
    return new GustError('ResourceNotFoundException', `Function not found: ${this.deps.arnOf(name, qualifier)}`);
  }

  private latest(name: string): FunctionRecord {
    const fn = this.deps.store.get(name, LATEST);
    if (!fn) throw this.notFound(name);
    return fn;
  }

  publish(name: string, body: Record<string, unknown>): FunctionRecord {
    const latest = this.latest(name);
    if (body.RevisionId !== undefined && body.RevisionId !== latest.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    if (body.CodeSha256 !== undefined && body.CodeSha256 !== latest.codeSha256) {
      throw invalidParameter(`CodeSHA256 (${String(body.CodeSha256).slice(0, 64)}) is different from current CodeSHA256 in $LATEST (${latest.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
    }
    const published = this.deps.store.versions(name).filter((v) => v.version !== LATEST);
    const last = published.at(-1);
    if (last && fingerprint(last) === fingerprint(latest)) return last;
    const number = Math.max(latest.lastPublishedVersion ?? 0, last ? Number(last.version) : 0) + 1;
    const { lastPublishedVersion: _counter, ...snapshot } = latest;
    const record: FunctionRecord = {
      ...snapshot,
      version: String(number),
      description: typeof body.Description === 'string' ? body.Description : latest.description,
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(),
    };
    this.deps.store.transaction(() => {
      this.deps.store.put(record);
      this.deps.store.put({ ...latest, lastPublishedVersion: number });
    });
    return record;
  }

  list(name: string): FunctionRecord[] {
    this.latest(name);
    return this.deps.store.versions(name);
  }

  deleteVersion(name: string, version: string): void {
    if (!this.deps.store.get(name, version)) throw this.notFound(name, version);
    const users = this.deps.aliases.list(name).filter((a) => a.functionVersion === version || version in a.additionalVersionWeights);
    if (users.length > 0) {
      throw new GustError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
    }
    this.deps.store.deleteVersion(name, version);
    this.deps.pool.retireVersion(name, version);
  }

  /** The version record a qualifier stands for now; an alias with weights picks one at random. */
  resolve(name: string, qualifier = LATEST): FunctionRecord {
    if (qualifier === LATEST || VERSION.test(qualifier)) {
      const fn = this.deps.store.get(name, qualifier);
      if (!fn) throw this.notFound(name, qualifier === LATEST ? undefined : qualifier);
      return fn;
    }
    const alias = this.deps.aliases.get(name, qualifier);
    if (!alias) throw this.notFound(name, qualifier);
    let version = alias.functionVersion;
    const [extra, weight] = Object.entries(alias.additionalVersionWeights)[0] ?? [];
    if (extra !== undefined && (this.deps.random ?? Math.random)() < weight!) version = extra;
    const fn = this.deps.store.get(name, version);
    if (!fn) throw this.notFound(name, version);
    return fn;
  }

  /** The configuration a qualifier shows (an alias shows its main version's). */
  describe(name: string, qualifier = LATEST): FunctionRecord {
    if (qualifier === LATEST || VERSION.test(qualifier)) return this.resolve(name, qualifier);
    return this.resolve(name, this.getAlias(name, qualifier).functionVersion);
  }

  // ---- aliases ----

  getAlias(name: string, alias: string): AliasRecord {
    const record = this.deps.aliases.get(name, alias);
    if (!record) throw new GustError('ResourceNotFoundException', `Alias not found: ${this.deps.arnOf(name, alias)}`);
    return record;
  }

  listAliases(name: string): AliasRecord[] {
    this.latest(name);
    return this.deps.aliases.list(name);
  }

  createAlias(name: string, body: Record<string, unknown>): AliasRecord {
    this.latest(name);
    const aliasName = String(body.Name ?? '');
    if (!ALIAS_NAME.test(aliasName)) throw new GustError('ValidationException', `1 validation error detected: Value '${aliasName.slice(0, 130)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`);
    if (this.deps.aliases.get(name, aliasName)) throw new GustError('ResourceConflictException', `Alias already exists: ${this.deps.arnOf(name, aliasName)}`);
    return this.saveAlias(name, aliasName, body, undefined);
  }

  updateAlias(name: string, aliasName: string, body: Record<string, unknown>): AliasRecord {
    const current = this.getAlias(name, aliasName);
    if (body.RevisionId !== undefined && body.RevisionId !== current.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    return this.saveAlias(name, aliasName, body, current);
  }

  deleteAlias(name: string, aliasName: string): void {
    this.getAlias(name, aliasName);
    this.deps.aliases.delete(name, aliasName);
  }

  private saveAlias(name: string, aliasName: string, body: Record<string, unknown>, current: AliasRecord | undefined): AliasRecord {
    const functionVersion = body.FunctionVersion === undefined ? current?.functionVersion : String(body.FunctionVersion);
    if (!functionVersion) throw invalidParameter('FunctionVersion is required.');
    if (functionVersion !== LATEST && !VERSION.test(functionVersion)) throw invalidParameter(`FunctionVersion must be $LATEST or a version number, got '${functionVersion.slice(0, 40)}'.`);
    if (!this.deps.store.get(name, functionVersion)) throw this.notFound(name, functionVersion);
    const routing = body.RoutingConfig as { AdditionalVersionWeights?: unknown } | undefined;
    const weights = routing === undefined ? (current?.additionalVersionWeights ?? {}) : ((routing?.AdditionalVersionWeights ?? {}) as Record<string, unknown>);
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) throw invalidParameter('RoutingConfig.AdditionalVersionWeights must be a map of version to weight.');
    const entries = Object.entries(weights);
    if (entries.length > 1) throw invalidParameter('RoutingConfig.AdditionalVersionWeights may name only one additional version.');
    if (entries.length === 1) {
      const [extra, weight] = entries[0];
      if (functionVersion === LATEST) throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
      if (!VERSION.test(extra) || !this.deps.store.get(name, extra)) throw this.notFound(name, extra);
      if (extra === functionVersion) throw invalidParameter('The additional version must differ from the alias\'s FunctionVersion.');
      if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) throw invalidParameter(`The weight of version ${extra} must be a number from 0.0 to 1.0.`);
    }
    const record: AliasRecord = {
      functionName: name,
      name: aliasName,
      functionVersion,
      description: typeof body.Description === 'string' ? body.Description : (current?.description ?? ''),
      additionalVersionWeights: Object.fromEntries(entries) as Record<string, number>,
      revisionId: randomUUID(),
    };
    this.deps.aliases.put(record);
    if (current && current.functionVersion !== record.functionVersion) {
      this.deps.onAliasMoved?.(name, aliasName, this.resolve(name, current.functionVersion), this.resolve(name, record.functionVersion));
    }
    return record;
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
