// The function lifecycle: create, update code or configuration, read, list, delete. Each change
// is validated completely before anything is written, and is on disk before it returns.
import { randomUUID } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { Pool } from '../invoke/pool.js';
import { CodeUnpackError } from './code-unpack.js';
import { treeBytes, type CodeStore, type StoredCode } from '../storage/code-store.js';
import type { FunctionLayer, Layers } from './layers.js';
import type { FunctionStore } from '../storage/function-store.js';
import type { UnitOfWork } from '../storage/unit-of-work.js';
import { LATEST, lambdaTimestamp, type FunctionRecord } from './function-record.js';
import { checkTagSet, parseConfigFields, parseTags, type ConfigFields } from './function-input.js';
import { mergeLoggingConfig } from './logging-config.js';
import { markChanging } from './function-activation.js';
import { decodeZipFile } from './zip-upload.js';
import { checkCodeUpdateKind, checkImageSandbox, imageCode, imageConfigOf, isImage, packageTypeOf, refuseZipOnlyFields, type ImageLookup } from './image-functions.js';


/** Lambda's 250 MB unzipped quota, function and layers together. */
const MAX_UNZIPPED_BYTES = 262_144_000;

/** The fields of a request that map 1:1 onto the record. */
function plain(fields: ConfigFields) {
  const { loggingPatch: _logging, deadLetterTargetArn: _dlq, ...rest } = fields;
  return rest;
}

/** The settings a request changes, merged over the record's (Lambda's partial-update rules). */
function settings(fn: FunctionRecord | undefined, fields: ConfigFields): Partial<FunctionRecord> {
  const out: Partial<FunctionRecord> = {};
  if (fields.loggingPatch !== undefined) out.loggingConfig = mergeLoggingConfig(fn?.loggingConfig, fields.loggingPatch);
  if (fields.deadLetterTargetArn !== undefined) out.deadLetterTargetArn = fields.deadLetterTargetArn ?? undefined;
  return out;
}

function withSettings(fn: FunctionRecord, changes: Partial<FunctionRecord>): FunctionRecord {
  const record = { ...fn, ...changes };
  if (record.deadLetterTargetArn === undefined) delete record.deadLetterTargetArn;
  return record;
}

export interface FunctionsDeps {
  store: FunctionStore;
  /** Deleting a function removes what hangs off it (aliases, policies, URLs, configs, reservation) with it. */
  unitOfWork: UnitOfWork;
  code: CodeStore;
  pool: Pool;
  accountId: string;
  arnOf(name: string, qualifier?: string): string;
  /** Gust's built-in dead-letter store (the one DeadLetterConfig target it has). */
  deadLetterArn: string;
  /** True when an SQS ARN names one of Gust's queues (DeadLetterConfig may name one). */
  queueExists?(arn: string): Promise<boolean>;
  /** Whether the sandbox can run a function with `gust:network` off or an allow-list. */
  networkIsolationSupported: boolean;
  /** Resolves a request's Layers (each must exist) and finds their unpacked content. */
  layers: Pick<Layers, 'resolveForFunction'>;
  layerDirOf(codeKey: string): string;
  /** Refuses a runtime this machine cannot run (InvalidParameterValueException naming the ones it can). */
  checkRuntime(runtime: string): void;
  /** Imported container images, for PackageType Image. */
  images: ImageLookup;
  /** Called once a function exists, e.g. to give it credentials (off the invoke path). */
  onCreated(name: string): void;
  /** Called once a function and what hung off it are gone, e.g. to revoke its credentials. */
  onDeleted(name: string): void;
  /** States (function-activation.ts): a change is written Pending / InProgress, then settled. */
  activation: { start(name: string): void; settled(name: string): Promise<void> };
}

function decodeZip(code: unknown): Buffer {
  const c = code as { ZipFile?: unknown; S3Bucket?: unknown; ImageUri?: unknown } | undefined;
  if (c?.S3Bucket !== undefined || c?.ImageUri !== undefined) throw invalidParameter('Gust accepts code as Code.ZipFile only (S3 and container images are not supported yet).');
  return decodeZipFile(c?.ZipFile, 'Code.ZipFile');
}

export class Functions {
  constructor(private readonly deps: FunctionsDeps) {}

  async get(name: string, version = LATEST): Promise<FunctionRecord> {
    const fn = await this.deps.store.get(name, version);
    if (!fn) throw new GustError('ResourceNotFoundException', `Function not found: ${this.deps.arnOf(name, version === LATEST ? undefined : version)}`);
    return fn;
  }

  /** `allVersions`: every version of each function (ListFunctions' FunctionVersion=ALL), $LATEST first. */
  async list(marker: string | undefined, maxItems: number, allVersions = false): Promise<{ functions: FunctionRecord[]; nextMarker?: string }> {
    if (allVersions) return this.listAllVersions(marker, maxItems);
    const after = marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
    const page = await this.deps.store.list(LATEST, after, maxItems + 1);
    const functions = page.slice(0, maxItems);
    const nextMarker = page.length > maxItems ? Buffer.from(functions.at(-1)!.name).toString('base64url') : undefined;
    return { functions, nextMarker };
  }

  /** The marker is the last (name, version) of the page before, so a page may end inside a function's versions. */
  private async listAllVersions(marker: string | undefined, maxItems: number) {
    const [afterName, afterVersion] = marker ? (JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as [string, string]) : ['', ''];
    if (typeof afterName !== 'string' || typeof afterVersion !== 'string') throw new Error('marker');
    const out: FunctionRecord[] = [];
    if (afterName !== '') {
      // The rest of the function the last page ended in.
      const versions = await this.deps.store.versions(afterName);
      out.push(...versions.slice(versions.findIndex((v) => v.version === afterVersion) + 1));
    }
    for (let cursor = afterName; out.length <= maxItems; ) {
      const page = await this.deps.store.list(LATEST, cursor, 100);
      for (const fn of page) {
        out.push(...(await this.deps.store.versions(fn.name)));
        if (out.length > maxItems) break;
      }
      if (page.length < 100) break;
      cursor = page.at(-1)!.name;
    }
    const functions = out.slice(0, maxItems);
    const last = functions.at(-1);
    const nextMarker = out.length > maxItems && last ? Buffer.from(JSON.stringify([last.name, last.version])).toString('base64url') : undefined;
    return { functions, nextMarker };
  }

  async create(name: string, body: Record<string, unknown>): Promise<FunctionRecord> {
    const image = packageTypeOf(body) === 'Image';
    if (image) refuseZipOnlyFields(body);
    const fields = parseConfigFields(body, { deadLetterArn: this.deps.deadLetterArn });
    await this.checkDeadLetterQueue(fields.deadLetterTargetArn);
    const extra: Partial<FunctionRecord> = { ...settings(undefined, fields), ...(fields.tracingMode ? { tracingMode: fields.tracingMode } : {}) };
    if (extra.deadLetterTargetArn === undefined) delete extra.deadLetterTargetArn;
    const tags = parseTags(body.Tags, this.deps.networkIsolationSupported);
    const imageConfig = imageConfigOf(body, image);
    if (image) {
      checkImageSandbox(tags, this.deps.networkIsolationSupported);
      const c = body.Code as { ImageUri?: unknown; ZipFile?: unknown } | undefined;
      if (c?.ZipFile !== undefined) throw invalidParameter('Code.ZipFile is not supported for functions with PackageType Image: provide Code.ImageUri.');
      const code = imageCode(c?.ImageUri, this.deps.images);
      await this.refuseExisting(name);
      return this.put({
        ...this.newRecord(name, '', '', fields, tags, extra),
        ...code,
        packageType: 'Image',
        ...(imageConfig && Object.keys(imageConfig).length > 0 ? { imageConfig } : {}),
      });
    }
    const runtime = fields.runtime;
    if (!runtime) throw invalidParameter('Runtime is required for a .zip deployment package.');
    const handler = fields.handler ?? (runtime.startsWith('provided') ? 'bootstrap' : undefined);
    if (!handler) throw invalidParameter('Handler is required for a .zip deployment package.');
    this.deps.checkRuntime(runtime);
    await this.refuseExisting(name);
    const layers = body.Layers === undefined ? [] : await this.deps.layers.resolveForFunction(body.Layers);
    const code = await this.storeCode(decodeZip(body.Code), layers);
    await this.refuseExisting(name); // another request may have created it while the code was unpacked
    return this.put({
      ...this.newRecord(name, runtime, handler, fields, tags, extra),
      ...(layers.length > 0 ? { layers } : {}),
      codeSha256: code.sha256Base64,
      codeSize: code.size,
      codeKey: code.key,
    });
  }

  private newRecord(name: string, runtime: string, handler: string, fields: ConfigFields, tags: Record<string, string>, extra: Partial<FunctionRecord>): FunctionRecord {
    return {
      name,
      version: LATEST,
      runtime,
      handler,
      role: fields.role ?? `arn:aws:iam::${this.deps.accountId}:role/gust-function`,
      description: fields.description ?? '',
      memorySize: fields.memorySize ?? 128,
      timeout: fields.timeout ?? 3,
      environment: fields.environment ?? {},
      architectures: fields.architectures ?? ['x86_64'],
      ephemeralStorageMb: fields.ephemeralStorageMb ?? 512,
      tags,
      ...extra,
      codeSha256: '',
      codeSize: 0,
      codeKey: '',
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(),
    };
  }

  private async put(created: FunctionRecord): Promise<FunctionRecord> {
    const record = markChanging(created, true);
    // Insert-if-absent, not the check above alone: another node may create the name meanwhile.
    if (!(await this.deps.store.create(record))) throw new GustError('ResourceConflictException', `Function already exist: ${record.name}`);
    this.deps.onCreated(record.name);
    this.deps.activation.start(record.name);
    return record;
  }

  async updateCode(name: string, body: Record<string, unknown>): Promise<FunctionRecord> {
    // Lambda refuses a change while the last one is in progress; Gust's take milliseconds: wait.
    await this.deps.activation.settled(name);
    const current = await this.get(name);
    this.checkRevision(current, body.RevisionId);
    checkCodeUpdateKind(current, body);
    if (isImage(current)) {
      const code = imageCode(body.ImageUri, this.deps.images);
      if (body.DryRun === true) return current;
      return this.save(name, body.RevisionId, { settle: true }, (fn) => ({ ...fn, ...code }));
    }
    const code = await this.storeCode(decodeZip({ ZipFile: body.ZipFile, S3Bucket: body.S3Bucket, ImageUri: body.ImageUri }), current.layers ?? []);
    if (body.DryRun === true) return current;
    return this.save(name, body.RevisionId, { settle: true }, (fn) => ({ ...fn, codeSha256: code.sha256Base64, codeSize: code.size, codeKey: code.key }));
  }

  /** A DeadLetterConfig naming a queue other than the built-in one: the queue must exist. */
  private async checkDeadLetterQueue(arn: string | null | undefined) {
    if (!arn || arn === this.deps.deadLetterArn) return;
    if (!(await this.deps.queueExists?.(arn))) {
      throw invalidParameter(`DeadLetterConfig.TargetArn '${arn.slice(0, 200)}' is not a target Gust can deliver to: no queue of that name exists (gust queue create).`);
    }
  }

  async updateConfig(name: string, body: Record<string, unknown>): Promise<FunctionRecord> {
    await this.deps.activation.settled(name);
    const current = await this.get(name);
    this.checkRevision(current, body.RevisionId);
    if (isImage(current)) refuseZipOnlyFields(body);
    const imageConfig = imageConfigOf(body, isImage(current));
    const fields = parseConfigFields(body, { deadLetterArn: this.deps.deadLetterArn, runtime: current.runtime });
    await this.checkDeadLetterQueue(fields.deadLetterTargetArn);
    if (fields.runtime !== undefined && fields.runtime !== current.runtime) this.deps.checkRuntime(fields.runtime);
    const layers = body.Layers === undefined ? undefined : await this.deps.layers.resolveForFunction(body.Layers, current.layers);
    const next = { ...current, ...plain(fields), ...(layers ? { layers } : {}) };
    // The handler is not looked for here: like Lambda, the invocation fails (Runtime.ImportModuleError).
    if (layers) this.checkTotalSize(this.deps.code.dirOf(next.codeKey), layers);
    mergeLoggingConfig(current.loggingConfig, fields.loggingPatch ?? {}); // refuse before anything is written
    return this.save(name, body.RevisionId, { settle: true }, (fn) => {
      const record = withSettings({ ...fn, ...plain(fields), ...(layers ? { layers } : {}), ...(imageConfig ? { imageConfig } : {}) }, settings(fn, fields));
      if (record.layers?.length === 0) delete record.layers;
      if (record.imageConfig && Object.keys(record.imageConfig).length === 0) delete record.imageConfig;
      return record;
    });
  }

  /** TagResource / UntagResource: a new revision, so instances start again with Gust's own tags applied. */
  async changeTags(name: string, change: (tags: Record<string, string>) => Record<string, string>): Promise<FunctionRecord> {
    const current = await this.get(name);
    const tags = checkTagSet(change({ ...current.tags }), this.deps.networkIsolationSupported);
    if (isImage(current)) checkImageSandbox(tags, this.deps.networkIsolationSupported);
    const record = await this.save(name, undefined, { settle: false }, (fn) => ({ ...fn, tags }));
    // gust: tags apply to every version (tags belong to the function): no instance keeps the old ones.
    const gustTags = (t: Record<string, string>) => JSON.stringify(Object.entries(t).filter(([k]) => k.startsWith('gust:')).sort());
    if (gustTags(current.tags) !== gustTags(tags)) this.deps.pool.recycle(name);
    return record;
  }

  /** A change to $LATEST that is not a new revision (recursion and runtime-management settings). */
  async amend(name: string, version: string, change: (fn: FunctionRecord) => FunctionRecord): Promise<FunctionRecord> {
    const record = change(await this.get(name, version));
    await this.deps.store.put(record);
    return record;
  }

  async delete(name: string, qualifier?: string): Promise<void> {
    if (qualifier !== undefined && qualifier !== LATEST) throw new GustError('ResourceNotFoundException', `Function not found: ${this.deps.arnOf(name, qualifier)}`);
    if (qualifier === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    const fn = await this.get(name);
    await this.deps.unitOfWork(async (tx) => {
      await tx.functions.delete(name);
      await tx.aliases.deleteFunction(name);
      await tx.policies.deleteFunction(name);
      await tx.functionUrls.deleteFunction(name);
      await tx.eventInvokeConfigs.deleteFunction(name);
      await tx.reservations.delete(name);
      await tx.provisionedConfigs.deleteFunction(name);
    });
    this.deps.pool.retire(name);
    this.deps.onDeleted(name);
    if (!(await this.deps.store.isCodeInUse(fn.codeKey))) this.deps.code.remove(fn.codeKey);
  }

  private async refuseExisting(name: string) {
    if (await this.deps.store.get(name, LATEST)) throw new GustError('ResourceConflictException', `Function already exist: ${name}`);
  }

  private checkRevision(fn: FunctionRecord, revisionId: unknown) {
    if (revisionId !== undefined && revisionId !== fn.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
  }

  /** Applies a change to the newest record (re-read after any await) and retires old instances. */
  private async save(name: string, revisionId: unknown, how: { settle: boolean }, change: (fn: FunctionRecord) => FunctionRecord): Promise<FunctionRecord> {
    const latest = await this.get(name);
    this.checkRevision(latest, revisionId);
    const oldKey = latest.codeKey;
    const changed = { ...change(latest), revisionId: randomUUID(), lastModified: lambdaTimestamp() };
    const record = how.settle ? markChanging(changed, false) : changed;
    await this.deps.store.put(record);
    this.deps.pool.retire(name, record.revisionId);
    if (how.settle) this.deps.activation.start(name);
    if (oldKey !== record.codeKey && !(await this.deps.store.isCodeInUse(oldKey))) this.deps.code.remove(oldKey);
    return record;
  }


  /** Lambda's 250 MB quota counts the function's code and its layers together, unzipped. */
  private checkTotalSize(codeDir: string, layers: readonly FunctionLayer[]): void {
    if (layers.length === 0) return;
    const total = treeBytes(codeDir) + layers.reduce((sum, l) => sum + l.unzippedBytes, 0);
    if (total > MAX_UNZIPPED_BYTES) {
      throw invalidParameter(`Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes. The actual size is ${total} bytes.`);
    }
  }

  private async storeCode(zip: Buffer, layers: readonly FunctionLayer[]): Promise<StoredCode> {
    let code: StoredCode;
    try {
      code = await this.deps.code.put(zip);
    } catch (err) {
      if (err instanceof CodeUnpackError) throw new GustError("InvalidParameterValueException", (err as Error).message);
      throw err;
    }
    try {
      this.checkTotalSize(code.dir, layers);
    } catch (err) {
      if (!(await this.deps.store.isCodeInUse(code.key))) this.deps.code.remove(code.key);
      throw err;
    }
    return code;
  }
}
