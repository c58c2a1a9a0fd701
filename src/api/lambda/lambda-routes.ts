// Lambda's control-plane REST API (2015-03-31) on the wire: paths, query strings, headers and
// JSON shapes in, calls on Functions and the Invoker, Lambda's responses out.
import { traceContextFromHeaders } from '../../telemetry/tracing/trace-context.js';
import { invalidParameter } from '../../errors.js';
import type { Functions } from '../../control/functions.js';
import { aliasShape, type Versions } from '../../control/versions.js';
import type { ProvisionedConcurrency } from '../../control/provisioned-concurrency.js';
import { parseFunctionName, parseNewFunctionName, validationErrors, type FunctionRef } from '../../control/function-names.js';
import { LATEST, type FunctionRecord } from '../../control/function-record.js';
import type { Concurrency } from '../../invoke/concurrency.js';
import { eventInvokeConfigShape, type EventInvokeConfigs } from '../../control/event-invoke-configs.js';
import { functionUrlShape, type FunctionUrls } from '../../control/function-urls.js';
import type { InvocationType, Invoker } from '../../invoke/invoker.js';
import type { FunctionPolicies } from '../../control/function-policies.js';
import type { OperationContext } from '../service.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import { functionConfiguration } from './function-shapes.js';
import { tagKeysToRemove, taggedFunction, tagsToAdd } from '../../control/function-tags.js';
import { parseRuntimeManagement, runtimeManagementShape } from '../../control/runtime-versions.js';
import { GustError } from '../../errors.js';
import { invokeWithResponseStream } from './invoke-with-response-stream.js';

const INVOCATION_TYPES = new Set(['RequestResponse', 'Event', 'DryRun']);
/** Function URLs: an alias only (no version number, no $LATEST), in AWS's pattern. */
const URL_QUALIFIER_PATTERN = '((?!^\\d+$)^[0-9a-zA-Z-_]+$)';
const URL_QUALIFIER = /^(?!\d+$)[0-9a-zA-Z_-]+$/;

export interface LambdaApiDeps {
  functions: Functions;
  versions: Versions;
  provisioned: ProvisionedConcurrency;
  invoker: Invoker;
  home: { region: string; accountId: string };
  concurrency: Concurrency;
  eventInvokeConfigs: EventInvokeConfigs;
  functionUrls: FunctionUrls;
  policies: FunctionPolicies;
  endpoint(): string;
  arnOf(name: string, qualifier?: string): string;
  /** A short-lived URL that serves the function's zip (GetFunction's Code.Location). */
  codeLocation(fn: FunctionRecord): string;
  /** Resolves once the function's last change has settled (State Active, LastUpdateStatus Successful). */
  settled(name: string): Promise<void>;
}

/** What a Lambda handler gets from the dispatcher. */
export type Ctx = OperationContext;

/**
 * One public method per Lambda operation, named after it; lambda-service.ts declares the method
 * and path each answers. Every call into control/ and invoke/ is awaited: those become async.
 */
export class LambdaApi {
  constructor(private readonly deps: LambdaApiDeps) {}

  async getAccountSettings(ctx: Ctx) {
    return this.reply(ctx, 200, await this.accountSettings());
  }

  async invokeWithResponseStream(ctx: Ctx) {
    await invokeWithResponseStream(this.deps.invoker, { ref: this.qualifiedRef(ctx), headers: ctx.req.headers, payload: ctx.body, caller: ctx.caller, requestId: ctx.requestId }, ctx.res);
  }

  async listFunctions(ctx: Ctx) {
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) throw invalidParameter('MaxItems must be an integer from 1 to 10000.');
    const functionVersion = ctx.query.get('FunctionVersion') ?? undefined;
    if (functionVersion !== undefined && functionVersion !== 'ALL') {
      throw validationErrors([`Value '${functionVersion.slice(0, 100)}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]`]);
    }
    let page;
    try {
      page = await this.deps.functions.list(ctx.query.get('Marker') ?? undefined, maxItems, functionVersion === 'ALL');
    } catch {
      throw invalidParameter('Marker is not valid.');
    }
    // With FunctionVersion=ALL every entry names its version, $LATEST included.
    const body: Record<string, unknown> = { Functions: page.functions.map((fn) => this.listEntry(fn, functionVersion === 'ALL')) };
    if (page.nextMarker) body.NextMarker = page.nextMarker;
    return this.reply(ctx, 200, body);
  }

  async createFunction(ctx: Ctx) {
    const body = this.jsonBody(ctx);
    if (typeof body.FunctionName !== 'string') throw invalidParameter('FunctionName is required.');
    const ref = parseNewFunctionName(body.FunctionName, this.deps.home);
    if (ref.qualifier !== undefined) throw invalidParameter('FunctionName must not include a qualifier when creating a function.');
    if (body.Publish !== undefined && typeof body.Publish !== 'boolean') throw invalidParameter('Publish must be a boolean.');
    const fn = await this.deps.functions.create(ref.name, body);
    if (body.Publish !== true) return this.reply(ctx, 201, this.configuration(fn));
    // Publish=true: the first version in the same call, answered (as Lambda does) while the function is still Pending.
    await this.deps.settled(fn.name);
    const version = await this.deps.versions.publish(fn.name, {});
    return this.reply(ctx, 201, this.configuration({ ...version, state: fn.state }));
  }

  async getFunction(ctx: Ctx) {
    const ref = this.qualifiedRef(ctx);
    const fn = await this.deps.versions.describe(ref.name, ref.qualifier);
    const body: Record<string, unknown> = {
      // Named through an alias (or $LATEST explicitly): the ARN says so, as Lambda's does.
      Configuration: this.configuration(fn, ref.qualifier),
      Code: fn.image
        ? { RepositoryType: 'ECR', ImageUri: fn.image.uri, ResolvedImageUri: fn.image.resolvedUri }
        : { RepositoryType: 'S3', Location: this.deps.codeLocation(fn) },
    };
    // Tags belong to the function: a version shows the function's current ones.
    const tags = (await this.deps.functions.get(fn.name)).tags;
    if (Object.keys(tags).length > 0) body.Tags = tags;
    const reserved = await this.deps.concurrency.reserved(fn.name);
    if (reserved !== undefined) body.Concurrency = { ReservedConcurrentExecutions: reserved };
    return this.reply(ctx, 200, body);
  }

  async deleteFunction(ctx: Ctx) {
    const ref = this.qualifiedRef(ctx);
    if (ref.qualifier !== undefined && /^[0-9]+$/.test(ref.qualifier)) {
      await this.deps.versions.deleteVersion(ref.name, ref.qualifier);
      await this.deps.policies.forget(ref.name, ref.qualifier);
    } else if (ref.qualifier !== undefined && ref.qualifier !== LATEST && ref.qualifier.toLowerCase() !== '$latest') {
      throw invalidParameter('Deletion of aliases is not currently supported.');
    } else if (ref.qualifier !== undefined && ref.qualifier !== LATEST) await this.deps.functions.get(ref.name); // $latest: the function, or not found
    else await this.deps.functions.delete(ref.name, ref.qualifier);
    return this.reply(ctx, 204, undefined);
  }

  async getFunctionConfiguration(ctx: Ctx) {
    const ref = this.qualifiedRef(ctx);
    return this.reply(ctx, 200, this.configuration(await this.deps.versions.describe(ref.name, ref.qualifier), ref.qualifier));
  }

  async updateFunctionConfiguration(ctx: Ctx) {
    return this.reply(ctx, 200, this.configuration(await this.deps.functions.updateConfig(this.unqualified(this.qualifiedRef(ctx)), this.jsonBody(ctx))));
  }

  async updateFunctionCode(ctx: Ctx) {
    const body = this.jsonBody(ctx);
    const fn = await this.deps.functions.updateCode(this.unqualified(this.qualifiedRef(ctx)), body);
    if (body.Publish !== true || body.DryRun === true) return this.reply(ctx, 200, this.configuration(fn));
    await this.deps.settled(fn.name);
    return this.reply(ctx, 200, this.configuration(await this.deps.versions.publish(fn.name, {})));
  }

  async invoke(ctx: Ctx) {
    return this.invokeFunction(ctx, this.qualifiedRef(ctx));
  }

  /** ListTags, TagResource and UntagResource (?tagKeys=…) on a function ARN. */
  async listTags(ctx: Ctx) {
    const name = taggedFunction(ctx.params.Resource, this.deps.home);
    return this.reply(ctx, 200, { Tags: (await this.deps.functions.get(name)).tags });
  }

  async tagResource(ctx: Ctx) {
    const name = taggedFunction(ctx.params.Resource, this.deps.home);
    const added = tagsToAdd(this.jsonBody(ctx));
    await this.deps.functions.changeTags(name, (tags) => ({ ...tags, ...added }));
    return this.reply(ctx, 204, undefined);
  }

  async untagResource(ctx: Ctx) {
    const name = taggedFunction(ctx.params.Resource, this.deps.home);
    const keys = tagKeysToRemove(ctx.query);
    await this.deps.functions.changeTags(name, (tags) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k))));
    return this.reply(ctx, 204, undefined);
  }

  /** Get/PutRuntimeManagementConfig (2021-07-20): Gust has one version of each runtime. */
  async getRuntimeManagementConfig(ctx: Ctx) {
    const { fn, arn } = await this.runtimeManagementTarget(ctx);
    return this.reply(ctx, 200, runtimeManagementShape(fn, arn));
  }

  async putRuntimeManagementConfig(ctx: Ctx) {
    const { fn, arn, qualifier } = await this.runtimeManagementTarget(ctx);
    const setting = parseRuntimeManagement(this.jsonBody(ctx), fn, this.deps.home.region);
    const updated = await this.deps.functions.amend(fn.name, qualifier, (record) => ({ ...record, runtimeManagement: setting }));
    return this.reply(ctx, 200, runtimeManagementShape(updated, arn));
  }

  /**
   * Get/PutFunctionRecursionConfig (2024-08-31). Lambda detects loops through SQS, SNS and S3,
   * which Gust does not have yet; the setting is kept for the tools that write and read it.
   */
  async getFunctionRecursionConfig(ctx: Ctx) {
    const fn = await this.deps.functions.get(this.unqualified(this.ref(ctx.params.FunctionName)));
    return this.reply(ctx, 200, { RecursiveLoop: fn.recursiveLoop ?? 'Terminate' });
  }

  async putFunctionRecursionConfig(ctx: Ctx) {
    const name = await this.existingUnqualified(ctx);
    const loop = this.jsonBody(ctx).RecursiveLoop;
    if (loop !== 'Allow' && loop !== 'Terminate') {
      throw new GustError('ValidationException', `1 validation error detected: Value '${String(loop).slice(0, 100)}' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]`);
    }
    await this.deps.functions.amend(name, LATEST, (record) => ({ ...record, recursiveLoop: loop }));
    return this.reply(ctx, 200, { RecursiveLoop: loop });
  }

  /** Put (2017-10-31), Get (2019-09-30) and DeleteFunctionConcurrency (2017-10-31). */
  async putFunctionConcurrency(ctx: Ctx) {
    const ref = this.ref(ctx.params.FunctionName);
    if (ref.qualifier !== undefined) {
      throw invalidParameter('This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.');
    }
    const name = (await this.deps.versions.resolve(ref.name, LATEST)).name; // not found: …:NAME:$LATEST, as Lambda words it here
    return this.reply(ctx, 200, { ReservedConcurrentExecutions: await this.deps.concurrency.reserve(name, this.jsonBody(ctx).ReservedConcurrentExecutions) });
  }

  async getFunctionConcurrency(ctx: Ctx) {
    const reserved = await this.deps.concurrency.reserved(await this.existingUnqualified(ctx));
    return this.reply(ctx, 200, reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved });
  }

  async deleteFunctionConcurrency(ctx: Ctx) {
    await this.deps.concurrency.unreserve(await this.existingUnqualified(ctx));
    return this.reply(ctx, 204, undefined);
  }

  /** Create, Get, Update, Delete and ListFunctionUrlConfig(s) (2021-10-31). */
  async createFunctionUrlConfig(ctx: Ctx) {
    const { fn, qualifier, shape } = await this.urlTarget(ctx, 'write');
    return this.reply(ctx, 201, shape(await this.deps.functionUrls.create(fn.name, qualifier, this.jsonBody(ctx)), true));
  }

  async getFunctionUrlConfig(ctx: Ctx) {
    const { fn, qualifier, shape } = await this.urlTarget(ctx, 'read');
    return this.reply(ctx, 200, shape(await this.deps.functionUrls.get(fn.name, qualifier)));
  }

  async updateFunctionUrlConfig(ctx: Ctx) {
    const { fn, qualifier, shape } = await this.urlTarget(ctx, 'write');
    return this.reply(ctx, 200, shape(await this.deps.functionUrls.update(fn.name, qualifier, this.jsonBody(ctx))));
  }

  async deleteFunctionUrlConfig(ctx: Ctx) {
    const { fn, qualifier } = await this.urlTarget(ctx, 'read');
    await this.deps.functionUrls.delete(fn.name, qualifier);
    return this.reply(ctx, 204, undefined);
  }

  async listFunctionUrlConfigs(ctx: Ctx) {
    const { fn, shape } = await this.urlTarget(ctx, 'read');
    return this.reply(ctx, 200, { FunctionUrlConfigs: (await this.deps.functionUrls.list(fn.name)).map((u) => shape(u)) });
  }

  /** Put, Update, Get, Delete and ListFunctionEventInvokeConfig(s) (2019-09-25). */
  async putFunctionEventInvokeConfig(ctx: Ctx) {
    const { name, qualifier, shape } = await this.eventInvokeTarget(ctx, true);
    return this.reply(ctx, 200, shape(qualifier, await this.deps.eventInvokeConfigs.put(name, qualifier, this.jsonBody(ctx), false)));
  }

  async updateFunctionEventInvokeConfig(ctx: Ctx) {
    const { name, qualifier, shape } = await this.eventInvokeTarget(ctx, true);
    return this.reply(ctx, 200, shape(qualifier, await this.deps.eventInvokeConfigs.put(name, qualifier, this.jsonBody(ctx), true)));
  }

  /** Get and Delete name the qualified ARN when anything is missing (function, qualifier or configuration). */
  async getFunctionEventInvokeConfig(ctx: Ctx) {
    const { name, qualifier, shape } = await this.eventInvokeTarget(ctx, false);
    return this.reply(ctx, 200, shape(qualifier, await this.deps.eventInvokeConfigs.get(name, qualifier)));
  }

  async deleteFunctionEventInvokeConfig(ctx: Ctx) {
    const { name, qualifier } = await this.eventInvokeTarget(ctx, false);
    await this.deps.eventInvokeConfigs.delete(name, qualifier);
    return this.reply(ctx, 204, undefined);
  }

  /** Lists what is stored, without resolving each qualifier: a deleted alias does not break the listing. */
  async listFunctionEventInvokeConfigs(ctx: Ctx) {
    const { name, shape } = await this.eventInvokeTarget(ctx, true);
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 50) throw invalidParameter('MaxItems must be an integer from 1 to 50.');
    const page = await this.deps.eventInvokeConfigs.list(name, maxItems, ctx.query.get('Marker') ?? undefined);
    return this.reply(ctx, 200, { FunctionEventInvokeConfigs: page.configs.map((c) => shape(c.qualifier, c.config)), ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) });
  }

  /** Put, Get, Delete and ListProvisionedConcurrencyConfigs (2019-09-30; List is GET …?List=ALL). */
  async putProvisionedConcurrencyConfig(ctx: Ctx) {
    const ref = await this.provisionedTarget(ctx);
    return this.reply(ctx, 202, await this.deps.provisioned.put(ref.name, ref.qualifier, this.jsonBody(ctx).ProvisionedConcurrentExecutions));
  }

  async getProvisionedConcurrencyConfig(ctx: Ctx) {
    const ref = await this.provisionedTarget(ctx);
    if (ctx.query.get('List') === 'ALL') {
      return this.reply(ctx, 200, { ProvisionedConcurrencyConfigs: await this.deps.provisioned.list(ref.name, (n, q) => this.deps.arnOf(n, q)) });
    }
    return this.reply(ctx, 200, await this.deps.provisioned.get(ref.name, ref.qualifier));
  }

  async deleteProvisionedConcurrencyConfig(ctx: Ctx) {
    const ref = await this.provisionedTarget(ctx);
    await this.deps.provisioned.delete(ref.name, ref.qualifier);
    return this.reply(ctx, 204, undefined);
  }

  /** AddPermission, GetPolicy and RemovePermission (…/policy/{StatementId}). */
  async addPermission(ctx: Ctx) {
    return this.reply(ctx, 201, { Statement: await this.deps.policies.add(this.qualifiedRef(ctx), this.jsonBody(ctx)) });
  }

  async getPolicy(ctx: Ctx) {
    return this.reply(ctx, 200, await this.deps.policies.get(this.qualifiedRef(ctx)));
  }

  async removePermission(ctx: Ctx) {
    await this.deps.policies.remove(this.qualifiedRef(ctx), ctx.params.StatementId, ctx.query.get('RevisionId') ?? undefined);
    return this.reply(ctx, 204, undefined);
  }

  /** PublishVersion and ListVersionsByFunction. */
  async publishVersion(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    await this.deps.settled(name);
    return this.reply(ctx, 201, this.configuration(await this.deps.versions.publish(name, this.jsonBody(ctx))));
  }

  async listVersionsByFunction(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    const all = await this.deps.versions.list(name);
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) throw invalidParameter('MaxItems must be an integer from 1 to 10000.');
    const start = Number(ctx.query.get('Marker') ?? 0);
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('Marker is not valid.');
    const page = all.slice(start, start + maxItems);
    return this.reply(ctx, 200, { Versions: page.map((fn) => this.listEntry(fn, true)), ...(start + maxItems < all.length ? { NextMarker: String(start + maxItems) } : {}) });
  }

  /** Create, List, Get, Update and DeleteAlias. */
  async createAlias(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    return this.reply(ctx, 201, this.aliasOf(name, await this.deps.versions.createAlias(name, this.jsonBody(ctx))));
  }

  async listAliases(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    const functionVersion = ctx.query.get('FunctionVersion') ?? undefined;
    return this.reply(ctx, 200, { Aliases: (await this.deps.versions.listAliases(name, functionVersion)).map((a) => this.aliasOf(name, a)) });
  }

  async getAlias(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    return this.reply(ctx, 200, this.aliasOf(name, await this.deps.versions.getAlias(name, ctx.params.Name)));
  }

  async updateAlias(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    return this.reply(ctx, 200, this.aliasOf(name, await this.deps.versions.updateAlias(name, ctx.params.Name, this.jsonBody(ctx))));
  }

  async deleteAlias(ctx: Ctx) {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    await this.deps.versions.deleteAlias(name, ctx.params.Name);
    // A new alias of the same name must not inherit the old one's grants.
    await this.deps.policies.forget(name, ctx.params.Name);
    return this.reply(ctx, 204, undefined);
  }

  private aliasOf(name: string, alias: Parameters<typeof aliasShape>[0]) {
    return aliasShape(alias, this.deps.arnOf(name, alias.name));
  }

  /** The function named in the path, with the Qualifier of the query string. */
  private qualifiedRef(ctx: Ctx): FunctionRef {
    return this.ref(ctx.params.FunctionName, ctx.query.get('Qualifier') ?? undefined);
  }

  private async existingUnqualified(ctx: Ctx): Promise<string> {
    const name = this.unqualified(this.ref(ctx.params.FunctionName));
    await this.deps.functions.get(name);
    return name;
  }

  private async runtimeManagementTarget(ctx: Ctx) {
    const ref = this.qualifiedRef(ctx);
    const qualifier = ref.qualifier ?? LATEST;
    if (qualifier !== LATEST && !/^[0-9]+$/.test(qualifier)) throw invalidParameter('Qualifier must be $LATEST or a published version number.');
    const fn = await this.deps.functions.get(ref.name, qualifier);
    return { fn, qualifier, arn: this.deps.arnOf(fn.name, qualifier === LATEST ? undefined : qualifier) };
  }

  /**
   * A URL belongs to the function or an alias (never a version, nor $LATEST by name); a missing
   * function or alias is "Function does not exist" to a write and "The resource you requested
   * does not exist." to a read, as Lambda words them.
   */
  private async urlTarget(ctx: Ctx, use: 'read' | 'write') {
    const ref = this.qualifiedRef(ctx);
    if (ref.qualifier !== undefined && !URL_QUALIFIER.test(ref.qualifier)) {
      throw validationErrors([`Value '${ref.qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${URL_QUALIFIER_PATTERN}`]);
    }
    let fn: FunctionRecord;
    try {
      fn = await this.deps.versions.describe(ref.name, ref.qualifier);
    } catch (err) {
      if (!(err instanceof GustError && err.code === 'ResourceNotFoundException')) throw err;
      throw new GustError('ResourceNotFoundException', use === 'write' ? 'Function does not exist' : 'The resource you requested does not exist.');
    }
    const shape = (u: Parameters<typeof functionUrlShape>[0], created = false) =>
      functionUrlShape(u, this.deps.endpoint(), this.deps.arnOf(fn.name, u.qualifier === LATEST ? undefined : u.qualifier), created);
    return { fn, qualifier: ref.qualifier ?? LATEST, shape };
  }

  /**
   * Kept under the qualifier as named: a version, or an alias (whatever version it points at).
   * `mustExist`: Put, Update and List refuse a missing function or qualifier in Lambda's words.
   */
  private async eventInvokeTarget(ctx: Ctx, mustExist: boolean) {
    const ref = this.qualifiedRef(ctx);
    if (mustExist) {
      try {
        await this.deps.versions.describe(ref.name, ref.qualifier);
      } catch (err) {
        if (err instanceof GustError && err.code === 'ResourceNotFoundException') throw new GustError('ResourceNotFoundException', "The function doesn't exist.");
        throw err;
      }
    }
    const shape = (q: string, config: Parameters<typeof eventInvokeConfigShape>[0]) => eventInvokeConfigShape(config, this.deps.arnOf(ref.name, q));
    return { name: ref.name, qualifier: ref.qualifier ?? LATEST, shape };
  }

  /** ProvisionedConcurrency words a missing function, version or alias itself; the list needs the function. */
  private async provisionedTarget(ctx: Ctx): Promise<FunctionRef> {
    const ref = this.qualifiedRef(ctx);
    if (ctx.query.get('List') === 'ALL') await this.deps.functions.get(ref.name);
    return ref;
  }

  private ref(nameOrArn: string, qualifier?: string): FunctionRef {
    const ref = parseFunctionName(nameOrArn, this.deps.home, qualifier);
    if (qualifier !== undefined) {
      if (ref.qualifier !== undefined && ref.qualifier !== qualifier) {
        throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
      }
      ref.qualifier = qualifier;
    }
    return ref;
  }

  private unqualified(ref: FunctionRef): string {
    if (ref.qualifier !== undefined && ref.qualifier !== LATEST) throw invalidParameter('Only $LATEST can be updated; a published version is immutable.');
    return ref.name;
  }

  /** `named`: the qualifier the caller used (an alias, or $LATEST spelled out), which the ARN then carries. */
  private configuration(fn: FunctionRecord, named?: string) {
    return functionConfiguration(fn, this.deps.arnOf(fn.name, named ?? (fn.version === LATEST ? undefined : fn.version)));
  }

  /** An entry of a listing; `qualified`: $LATEST's ARN ends in :$LATEST (ListVersionsByFunction, FunctionVersion=ALL). */
  private listEntry(fn: FunctionRecord, qualified: boolean) {
    return functionConfiguration(fn, this.deps.arnOf(fn.name, qualified || fn.version !== LATEST ? fn.version : undefined), 'list');
  }

  private jsonBody(ctx: Ctx) {
    return parseJsonObject(ctx.body);
  }

  private reply(ctx: Ctx, status: number, body: unknown): void {
    if (status === 204) {
      ctx.res.writeHead(204, { 'x-amzn-RequestId': ctx.requestId });
      ctx.res.end();
    } else sendJson(ctx.res, status, body, { 'x-amzn-RequestId': ctx.requestId });
  }

  private async accountSettings() {
    const all = (await this.deps.functions.list(undefined, 10000)).functions;
    // TotalCodeSize counts every version's package, as Lambda's does.
    const versions = (await Promise.all(all.map((fn) => this.deps.versions.list(fn.name).catch(() => [fn])))).flat();
    return {
      AccountLimit: {
        TotalCodeSize: 80530636800,
        CodeSizeUnzipped: 262144000,
        CodeSizeZipped: 52428800,
        ConcurrentExecutions: this.deps.concurrency.accountLimit,
        UnreservedConcurrentExecutions: this.deps.concurrency.unreservedLimit,
      },
      AccountUsage: { TotalCodeSize: versions.reduce((sum, fn) => sum + fn.codeSize, 0), FunctionCount: all.length },
    };
  }

  private async invokeFunction(ctx: Ctx, ref: FunctionRef) {
    const { req, res } = ctx;
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!INVOCATION_TYPES.has(type)) throw invalidParameter(`InvocationType must be one of RequestResponse, Event, DryRun; got '${type.slice(0, 50)}'.`);
    const logType = String(req.headers['x-amz-log-type'] ?? 'None');
    if (logType !== 'None' && logType !== 'Tail') throw invalidParameter(`LogType must be None or Tail; got '${logType.slice(0, 50)}'.`);
    const payload = ctx.body;
    const result = await this.deps.invoker.invoke({
      functionName: ref.name,
      // Named explicitly so that a missing function is reported as Invoke's is (…:NAME:$LATEST).
      qualifier: ref.qualifier ?? LATEST,
      payload,
      type: type as InvocationType,
      logTail: logType === 'Tail' && type === 'RequestResponse',
      clientContext: req.headers['x-amz-client-context'] as string | undefined,
      idempotencyKey: type === 'Event' ? (req.headers['idempotency-key'] as string | undefined) : undefined,
      caller: ctx.caller,
      source: { kind: 'api' },
      trace: traceContextFromHeaders(req.headers),
    });
    const headers: Record<string, string | number> = {
      'x-amzn-RequestId': result.requestId,
      'X-Amz-Executed-Version': result.executedVersion,
    };
    if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
    if (result.logResult !== undefined) headers['X-Amz-Log-Result'] = result.logResult;
    if (result.payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = result.payload.length;
    }
    res.writeHead(result.status, headers);
    res.end(result.payload);
  }
}

