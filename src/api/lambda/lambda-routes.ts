// Lambda's control-plane REST API (2015-03-31) on the wire: paths, query strings, headers and
// JSON shapes in, calls on Functions and the Invoker, Lambda's responses out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidParameter } from '../../errors.js';
import type { Functions } from '../../control/functions.js';
import { aliasShape, type Versions } from '../../control/versions.js';
import type { ProvisionedConcurrency } from '../../control/provisioned-concurrency.js';
import { parseFunctionName, type FunctionRef } from '../../control/function-names.js';
import { LATEST, type FunctionRecord } from '../../control/function-record.js';
import type { Concurrency } from '../../invoke/concurrency.js';
import { eventInvokeConfigShape, type EventInvokeConfigs } from '../../control/event-invoke-configs.js';
import { functionUrlShape, type FunctionUrls } from '../../control/function-urls.js';
import type { InvocationType, Invoker } from '../../invoke/invoker.js';
import type { FunctionPolicies } from '../../control/function-policies.js';
import type { KeyScope } from '../../control/access-keys.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import { functionConfiguration } from './function-shapes.js';
import { tagKeysToRemove, taggedFunction, tagsToAdd } from '../../control/function-tags.js';
import { parseRuntimeManagement, runtimeManagementShape } from '../../control/runtime-versions.js';
import { GustError } from '../../errors.js';
import { invokeWithResponseStream } from './invoke-with-response-stream.js';

const INVOCATION_TYPES = new Set(['RequestResponse', 'Event', 'DryRun']);

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
}

export interface Ctx {
  req: IncomingMessage;
  /** The whole request body, already read (and its signature checked) by the HTTP layer. */
  body: Buffer;
  res: ServerResponse;
  query: URLSearchParams;
  requestId: string;
  /** Whose key signed the request: idempotency keys are kept per caller. */
  caller: KeyScope;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidParameter(`The path segment '${segment.slice(0, 100)}' is not valid percent-encoding.`);
  }
}

export class LambdaApi {
  constructor(private readonly deps: LambdaApiDeps) {}

  /** Handles a request under /2015-03-31/functions or /2016-08-19/account-settings; false if none matched. */
  async handle(ctx: Ctx, path: string): Promise<boolean> {
    const { req } = ctx;
    const method = req.method ?? 'GET';
    if (path === '/2016-08-19/account-settings' || path === '/2016-08-19/account-settings/') {
      if (method !== 'GET') return false;
      return this.reply(ctx, 200, this.accountSettings());
    }
    const streamPath = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations\/?$/.exec(path);
    if (streamPath && method === 'POST') {
      const ref = this.ref(decodeSegment(streamPath[1]), ctx.query.get('Qualifier') ?? undefined);
      await invokeWithResponseStream(this.deps.invoker, { ref, headers: ctx.req.headers, payload: ctx.body, caller: ctx.caller, requestId: ctx.requestId }, ctx.res);
      return true;
    }
    const tagsPath = /^\/2017-03-31\/tags\/([^/]+)\/?$/.exec(path);
    if (tagsPath) return this.tags(ctx, method, decodeSegment(tagsPath[1]));
    const runtimePath = /^\/2021-07-20\/functions\/([^/]+)\/runtime-management-config\/?$/.exec(path);
    if (runtimePath) return this.runtimeManagement(ctx, method, this.ref(decodeSegment(runtimePath[1]), ctx.query.get('Qualifier') ?? undefined));
    const recursionPath = /^\/2024-08-31\/functions\/([^/]+)\/recursion-config\/?$/.exec(path);
    if (recursionPath) return this.recursion(ctx, method, this.unqualified(this.ref(decodeSegment(recursionPath[1]))));
    const provisionedPath = /^\/2019-09-30\/functions\/([^/]+)\/provisioned-concurrency\/?$/.exec(path);
    if (provisionedPath) return this.provisionedRoute(ctx, method, this.ref(decodeSegment(provisionedPath[1]), ctx.query.get('Qualifier') ?? undefined));
    const concurrencyPath = /^\/(2017-10-31|2019-09-30)\/functions\/([^/]+)\/concurrency\/?$/.exec(path);
    if (concurrencyPath) return this.concurrency(ctx, method, concurrencyPath[1], this.ref(decodeSegment(concurrencyPath[2])));
    const versionsPath = /^\/2015-03-31\/functions\/([^/]+)\/(versions|aliases)(?:\/([^/]+))?\/?$/.exec(path);
    if (versionsPath) {
      const name = this.unqualified(this.ref(decodeSegment(versionsPath[1])));
      return versionsPath[2] === 'versions' && !versionsPath[3]
        ? this.versionsRoute(ctx, method, name)
        : versionsPath[2] === 'aliases'
          ? this.aliasesRoute(ctx, method, name, versionsPath[3] ? decodeSegment(versionsPath[3]) : undefined)
          : false;
    }
    const urlPath = /^\/2021-10-31\/functions\/([^/]+)\/(url|urls)\/?$/.exec(path);
    if (urlPath) return this.functionUrl(ctx, method, this.ref(decodeSegment(urlPath[1]), ctx.query.get('Qualifier') ?? undefined), urlPath[2] === 'urls');
    const eventConfigPath = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config(\/list)?\/?$/.exec(path);
    if (eventConfigPath) return this.eventInvokeConfig(ctx, method, this.ref(decodeSegment(eventConfigPath[1]), ctx.query.get('Qualifier') ?? undefined), Boolean(eventConfigPath[2]));
    const policyPath = /^\/2015-03-31\/functions\/([^/]+)\/policy(?:\/([^/]+))?\/?$/.exec(path);
    if (policyPath) return this.policy(ctx, method, this.ref(decodeSegment(policyPath[1]), ctx.query.get('Qualifier') ?? undefined), policyPath[2] === undefined ? undefined : decodeSegment(policyPath[2]));
    const m = /^\/2015-03-31\/functions\/?(?:([^/]+)(?:\/(configuration|code|invocations))?\/?)?$/.exec(path);
    if (!m) return false;
    const [, rawName, sub] = m;
    if (!rawName) {
      if (method === 'GET') return this.list(ctx);
      if (method === 'POST') return this.create(ctx);
      return false;
    }
    const ref = this.ref(decodeSegment(rawName), ctx.query.get('Qualifier') ?? undefined);
    switch (`${method} ${sub ?? ''}`) {
      case 'GET ':
        return this.getFunction(ctx, ref);
      case 'DELETE ':
        if (ref.qualifier !== undefined && /^[0-9]+$/.test(ref.qualifier)) {
          this.deps.versions.deleteVersion(ref.name, ref.qualifier);
          this.deps.policies.forget(ref.name, ref.qualifier);
        } else if (ref.qualifier !== undefined && ref.qualifier !== LATEST) throw invalidParameter('Deletion of aliases is not supported through DeleteFunction; use DeleteAlias.');
        else this.deps.functions.delete(ref.name, ref.qualifier);
        return this.reply(ctx, 204, undefined);
      case 'GET configuration':
        return this.reply(ctx, 200, this.configuration(this.deps.versions.describe(ref.name, ref.qualifier)));
      case 'PUT configuration':
        return this.reply(ctx, 200, this.configuration(await this.deps.functions.updateConfig(this.unqualified(ref), this.jsonBody(ctx))));
      case 'PUT code': {
        const body = this.jsonBody(ctx);
        const fn = await this.deps.functions.updateCode(this.unqualified(ref), body);
        return this.reply(ctx, 200, this.configuration(body.Publish === true && body.DryRun !== true ? this.deps.versions.publish(fn.name, {}) : fn));
      }
      case 'POST invocations':
        return this.invoke(ctx, ref);
      default:
        return false;
    }
  }

  private ref(nameOrArn: string, qualifier?: string): FunctionRef {
    const ref = parseFunctionName(nameOrArn, this.deps.home);
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

  private configuration(fn: FunctionRecord) {
    return functionConfiguration(fn, this.deps.arnOf(fn.name, fn.version === LATEST ? undefined : fn.version));
  }

  private jsonBody(ctx: Ctx) {
    return parseJsonObject(ctx.body);
  }

  private reply(ctx: Ctx, status: number, body: unknown): true {
    if (status === 204) {
      ctx.res.writeHead(204, { 'x-amzn-RequestId': ctx.requestId });
      ctx.res.end();
    } else sendJson(ctx.res, status, body, { 'x-amzn-RequestId': ctx.requestId });
    return true;
  }

  private async create(ctx: Ctx) {
    const body = this.jsonBody(ctx);
    if (typeof body.FunctionName !== 'string') throw invalidParameter('FunctionName is required.');
    const ref = parseFunctionName(body.FunctionName, this.deps.home);
    if (ref.qualifier !== undefined) throw invalidParameter('FunctionName must not include a qualifier when creating a function.');
    if (body.Publish !== undefined && typeof body.Publish !== 'boolean') throw invalidParameter('Publish must be a boolean.');
    const fn = await this.deps.functions.create(ref.name, body);
    // Publish=true: the first version in the same call, and its configuration in the answer.
    return this.reply(ctx, 201, this.configuration(body.Publish === true ? this.deps.versions.publish(fn.name, {}) : fn));
  }

  private list(ctx: Ctx) {
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) throw invalidParameter('MaxItems must be an integer from 1 to 10000.');
    let page;
    try {
      page = this.deps.functions.list(ctx.query.get('Marker') ?? undefined, maxItems);
    } catch {
      throw invalidParameter('Marker is not valid.');
    }
    const body: Record<string, unknown> = { Functions: page.functions.map((fn) => this.configuration(fn)) };
    if (page.nextMarker) body.NextMarker = page.nextMarker;
    return this.reply(ctx, 200, body);
  }

  /** TagResource (POST), UntagResource (DELETE ?tagKeys=…) and ListTags (GET) on a function ARN. */
  private tags(ctx: Ctx, method: string, arn: string) {
    const name = taggedFunction(arn, this.deps.home);
    const { functions } = this.deps;
    switch (method) {
      case 'GET':
        return this.reply(ctx, 200, { Tags: functions.get(name).tags });
      case 'POST': {
        const added = tagsToAdd(this.jsonBody(ctx));
        functions.changeTags(name, (tags) => ({ ...tags, ...added }));
        return this.reply(ctx, 204, undefined);
      }
      case 'DELETE': {
        const keys = tagKeysToRemove(ctx.query);
        functions.changeTags(name, (tags) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k))));
        return this.reply(ctx, 204, undefined);
      }
      default:
        return false;
    }
  }

  /** Get/PutRuntimeManagementConfig (2021-07-20): Gust has one version of each runtime. */
  private runtimeManagement(ctx: Ctx, method: string, ref: FunctionRef) {
    const qualifier = ref.qualifier ?? LATEST;
    if (qualifier !== LATEST && !/^[0-9]+$/.test(qualifier)) throw invalidParameter('Qualifier must be $LATEST or a published version number.');
    const fn = this.deps.functions.get(ref.name, qualifier);
    const arn = this.deps.arnOf(fn.name, qualifier === LATEST ? undefined : qualifier);
    if (method === 'GET') return this.reply(ctx, 200, runtimeManagementShape(fn, arn));
    if (method !== 'PUT') return false;
    const setting = parseRuntimeManagement(this.jsonBody(ctx), fn, this.deps.home.region);
    const updated = this.deps.functions.amend(fn.name, qualifier, (record) => ({ ...record, runtimeManagement: setting }));
    return this.reply(ctx, 200, runtimeManagementShape(updated, arn));
  }

  /**
   * Get/PutFunctionRecursionConfig (2024-08-31). Lambda detects loops through SQS, SNS and S3,
   * which Gust does not have yet; the setting is kept for the tools that write and read it.
   */
  private recursion(ctx: Ctx, method: string, name: string) {
    const fn = this.deps.functions.get(name);
    if (method === 'GET') return this.reply(ctx, 200, { RecursiveLoop: fn.recursiveLoop ?? 'Terminate' });
    if (method !== 'PUT') return false;
    const loop = this.jsonBody(ctx).RecursiveLoop;
    if (loop !== 'Allow' && loop !== 'Terminate') {
      throw new GustError('ValidationException', `1 validation error detected: Value '${String(loop).slice(0, 100)}' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]`);
    }
    this.deps.functions.amend(name, LATEST, (record) => ({ ...record, recursiveLoop: loop }));
    return this.reply(ctx, 200, { RecursiveLoop: loop });
  }

  /** Put (2017-10-31), Get (2019-09-30) and DeleteFunctionConcurrency (2017-10-31). */
  private concurrency(ctx: Ctx, method: string, apiVersion: string, ref: FunctionRef) {
    const name = this.unqualified(ref);
    this.deps.functions.get(name);
    const { concurrency } = this.deps;
    if (method === 'PUT' && apiVersion === '2017-10-31') {
      return this.reply(ctx, 200, { ReservedConcurrentExecutions: concurrency.reserve(name, this.jsonBody(ctx).ReservedConcurrentExecutions) });
    }
    if (method === 'GET' && apiVersion === '2019-09-30') {
      const reserved = concurrency.reserved(name);
      return this.reply(ctx, 200, reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved });
    }
    if (method === 'DELETE' && apiVersion === '2017-10-31') {
      concurrency.unreserve(name);
      return this.reply(ctx, 204, undefined);
    }
    return false;
  }

  /** Create, Get, Update, Delete and ListFunctionUrlConfig(s) (2021-10-31). */
  private functionUrl(ctx: Ctx, method: string, ref: FunctionRef, list: boolean) {
    const fn = this.deps.versions.describe(ref.name, ref.qualifier);
    const urls = this.deps.functionUrls;
    const qualifier = ref.qualifier ?? LATEST;
    const shape = (u: Parameters<typeof functionUrlShape>[0], created = false) =>
      functionUrlShape(u, this.deps.endpoint(), this.deps.arnOf(fn.name, u.qualifier === LATEST ? undefined : u.qualifier), created);
    if (list) return method === 'GET' ? this.reply(ctx, 200, { FunctionUrlConfigs: urls.list(fn.name).map((u) => shape(u)) }) : false;
    switch (method) {
      case 'POST':
        return this.reply(ctx, 201, shape(urls.create(fn.name, qualifier, this.jsonBody(ctx)), true));
      case 'GET':
        return this.reply(ctx, 200, shape(urls.get(fn.name, qualifier)));
      case 'PUT':
        return this.reply(ctx, 200, shape(urls.update(fn.name, qualifier, this.jsonBody(ctx))));
      case 'DELETE':
        urls.delete(fn.name, qualifier);
        return this.reply(ctx, 204, undefined);
      default:
        return false;
    }
  }

  /** Put, Update, Get, Delete and ListFunctionEventInvokeConfig(s) (2019-09-25). */
  private eventInvokeConfig(ctx: Ctx, method: string, ref: FunctionRef, list: boolean) {
    const fn = this.deps.versions.describe(ref.name, ref.qualifier);
    const configs = this.deps.eventInvokeConfigs;
    // Kept under the qualifier as named: a version, or an alias (whatever version it points at).
    const qualifier = ref.qualifier ?? LATEST;
    const shape = (q: string, config: Parameters<typeof eventInvokeConfigShape>[0]) => eventInvokeConfigShape(config, this.deps.arnOf(fn.name, q));
    if (list) {
      if (method !== 'GET') return false;
      return this.reply(ctx, 200, { FunctionEventInvokeConfigs: configs.list(fn.name).map((c) => shape(c.qualifier, c.config)) });
    }
    switch (method) {
      case 'PUT':
        return this.reply(ctx, 200, shape(qualifier, configs.put(fn.name, qualifier, this.jsonBody(ctx), false)));
      case 'POST':
        return this.reply(ctx, 200, shape(qualifier, configs.put(fn.name, qualifier, this.jsonBody(ctx), true)));
      case 'GET':
        return this.reply(ctx, 200, shape(qualifier, configs.get(fn.name, qualifier)));
      case 'DELETE':
        configs.delete(fn.name, qualifier);
        return this.reply(ctx, 204, undefined);
      default:
        return false;
    }
  }

  /** Put, Get, Delete and ListProvisionedConcurrencyConfigs (2019-09-30). */
  private async provisionedRoute(ctx: Ctx, method: string, ref: FunctionRef) {
    const { provisioned } = this.deps;
    this.deps.functions.get(ref.name);
    if (method === 'GET' && ctx.query.get('List') === 'ALL') {
      return this.reply(ctx, 200, { ProvisionedConcurrencyConfigs: await provisioned.list(ref.name, (n, q) => this.deps.arnOf(n, q)) });
    }
    switch (method) {
      case 'PUT':
        return this.reply(ctx, 202, await provisioned.put(ref.name, ref.qualifier, this.jsonBody(ctx).ProvisionedConcurrentExecutions));
      case 'GET':
        return this.reply(ctx, 200, await provisioned.get(ref.name, ref.qualifier));
      case 'DELETE':
        await provisioned.delete(ref.name, ref.qualifier);
        return this.reply(ctx, 204, undefined);
      default:
        return false;
    }
  }

  /** AddPermission (POST), GetPolicy (GET) and RemovePermission (DELETE …/policy/{StatementId}). */
  private policy(ctx: Ctx, method: string, ref: FunctionRef, statementId: string | undefined) {
    const { policies } = this.deps;
    if (statementId === undefined) {
      if (method === 'POST') return this.reply(ctx, 201, { Statement: policies.add(ref, this.jsonBody(ctx)) });
      if (method === 'GET') return this.reply(ctx, 200, policies.get(ref));
      return false;
    }
    if (method !== 'DELETE') return false;
    policies.remove(ref, statementId, ctx.query.get('RevisionId') ?? undefined);
    return this.reply(ctx, 204, undefined);
  }

  /** PublishVersion (POST) and ListVersionsByFunction (GET). */
  private versionsRoute(ctx: Ctx, method: string, name: string) {
    if (method === 'POST') return this.reply(ctx, 201, this.configuration(this.deps.versions.publish(name, this.jsonBody(ctx))));
    if (method !== 'GET') return false;
    const all = this.deps.versions.list(name);
    const maxItems = ctx.query.has('MaxItems') ? Number(ctx.query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) throw invalidParameter('MaxItems must be an integer from 1 to 10000.');
    const start = Number(ctx.query.get('Marker') ?? 0);
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('Marker is not valid.');
    const page = all.slice(start, start + maxItems);
    return this.reply(ctx, 200, { Versions: page.map((fn) => this.configuration(fn)), ...(start + maxItems < all.length ? { NextMarker: String(start + maxItems) } : {}) });
  }

  /** Create (POST), List (GET), and Get/Update/DeleteAlias on /aliases/{Name}. */
  private aliasesRoute(ctx: Ctx, method: string, name: string, alias: string | undefined) {
    const { versions } = this.deps;
    const shape = (a: Parameters<typeof aliasShape>[0]) => aliasShape(a, this.deps.arnOf(name, a.name));
    if (alias === undefined) {
      if (method === 'POST') return this.reply(ctx, 201, shape(versions.createAlias(name, this.jsonBody(ctx))));
      if (method === 'GET') return this.reply(ctx, 200, { Aliases: versions.listAliases(name).map(shape) });
      return false;
    }
    switch (method) {
      case 'GET':
        return this.reply(ctx, 200, shape(versions.getAlias(name, alias)));
      case 'PUT':
        return this.reply(ctx, 200, shape(versions.updateAlias(name, alias, this.jsonBody(ctx))));
      case 'DELETE':
        versions.deleteAlias(name, alias);
        // A new alias of the same name must not inherit the old one's grants.
        this.deps.policies.forget(name, alias);
        return this.reply(ctx, 204, undefined);
      default:
        return false;
    }
  }

  private getFunction(ctx: Ctx, ref: FunctionRef) {
    const fn = this.deps.versions.describe(ref.name, ref.qualifier);
    const body: Record<string, unknown> = {
      Configuration: this.configuration(fn),
      Code: { RepositoryType: 'S3', Location: this.deps.codeLocation(fn) },
    };
    // Tags belong to the function: a version shows the function's current ones.
    const tags = this.deps.functions.get(fn.name).tags;
    if (Object.keys(tags).length > 0) body.Tags = tags;
    const reserved = this.deps.concurrency.reserved(fn.name);
    if (reserved !== undefined) body.Concurrency = { ReservedConcurrentExecutions: reserved };
    return this.reply(ctx, 200, body);
  }

  private accountSettings() {
    const all = this.deps.functions.list(undefined, 10000).functions;
    return {
      AccountLimit: {
        TotalCodeSize: 80530636800,
        CodeSizeUnzipped: 262144000,
        CodeSizeZipped: 52428800,
        ConcurrentExecutions: this.deps.concurrency.accountLimit,
        UnreservedConcurrentExecutions: this.deps.concurrency.unreservedLimit,
      },
      AccountUsage: { TotalCodeSize: all.reduce((sum, fn) => sum + fn.codeSize, 0), FunctionCount: all.length },
    };
  }

  private async invoke(ctx: Ctx, ref: FunctionRef) {
    const { req, res } = ctx;
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!INVOCATION_TYPES.has(type)) throw invalidParameter(`InvocationType must be one of RequestResponse, Event, DryRun; got '${type.slice(0, 50)}'.`);
    const logType = String(req.headers['x-amz-log-type'] ?? 'None');
    if (logType !== 'None' && logType !== 'Tail') throw invalidParameter(`LogType must be None or Tail; got '${logType.slice(0, 50)}'.`);
    const payload = ctx.body;
    const result = await this.deps.invoker.invoke({
      functionName: ref.name,
      qualifier: ref.qualifier,
      payload,
      type: type as InvocationType,
      logTail: logType === 'Tail' && type === 'RequestResponse',
      clientContext: req.headers['x-amz-client-context'] as string | undefined,
      idempotencyKey: type === 'Event' ? (req.headers['idempotency-key'] as string | undefined) : undefined,
      caller: ctx.caller,
      source: { kind: 'api' },
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
    return true;
  }
}

