// Gust's own paths under /gust/: health, usage reports and the code download links that
// GetFunction hands out. None of them changes a Lambda behaviour a client relies on.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { AccessKeys } from '../../control/access-keys.js';
import type { FunctionRecord } from '../../control/function-record.js';
import { GustError, invalidParameter } from '../../errors.js';
import type { CodeStore } from '../../storage/code-store.js';
import type { DeadLetter, DeadLetterStore } from '../../storage/dead-letter-store.js';
import type { RouteStore } from '../../storage/route-store.js';
import { validateRoute } from '../../triggers/http/route-table.js';
import { parseCors } from '../../control/function-urls.js';
import type { Metering } from '../../telemetry/metering.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { OperationContext } from '../service.js';

const CODE_LINK_SECONDS = 600;

export interface GustRoutesDeps {
  metering: Metering;
  keys: AccessKeys;
  deadLetters: DeadLetterStore;
  routes: RouteStore;
  functionExists(name: string): Promise<boolean>;
  /** Queues a dead letter's original event again for its function. */
  redrive(deadLetter: DeadLetter): Promise<void>;
  code: CodeStore;
  /** Layer content (GetLayerVersion's Content.Location), served by the same signed links. */
  layerContent?: CodeStore;
  /** Secret for signing code download links. */
  linkSecret: string;
  endpoint: () => string;
  status: () => Promise<Record<string, unknown>>;
}

export class GustRoutes {
  constructor(private readonly deps: GustRoutesDeps) {}

  codeLocation(fn: FunctionRecord): string {
    return this.contentLocation(fn.codeKey);
  }

  /** A signed link to a stored zip (function code or layer content), by its content address. */
  contentLocation(key: string): string {
    const expires = Math.floor(Date.now() / 1000) + CODE_LINK_SECONDS;
    return `${this.deps.endpoint()}/gust/code/${key}.zip?expires=${expires}&signature=${this.sign(key, expires)}`;
  }

  /**
   * Paths that need no signature: pre-signed code links, and health when asked without
   * credentials (it then says only "ok"; a signed request sees the details).
   */
  isPublic(method: string, path: string, presentsCredentials: boolean): boolean {
    return method === 'GET' && ((path === '/gust/health' && !presentsCredentials) || path.startsWith('/gust/code/'));
  }

  async health(ctx: OperationContext) {
    // Function names, instance counts and queue sizes are for key holders, not strangers.
    sendJson(ctx.res, 200, ctx.authenticated ? { status: 'ok', ...(await this.deps.status()) } : { status: 'ok' });
  }

  async getUsage(ctx: OperationContext) {
    sendJson(ctx.res, 200, await this.usage(ctx.query));
  }

  async getCode(ctx: OperationContext) {
    const code = /^([0-9a-f]{64})\.zip$/.exec(ctx.params.file);
    if (!code) throw new GustError('ResourceNotFoundException', 'This code link is invalid or has expired; call GetFunction for a new one.');
    this.serveCode(ctx.res, code[1], ctx.query);
  }

  /** Admin key management: list (no secrets), create (the secret is shown once), revoke. */
  async listKeys(ctx: OperationContext) {
    const list = (await this.deps.keys.list()).map(({ secretAccessKey: _secret, ...k }) => k);
    sendJson(ctx.res, 200, { keys: list });
  }

  async createKey(ctx: OperationContext) {
    sendJson(ctx.res, 201, await this.deps.keys.create('admin'));
  }

  async revokeKey(ctx: OperationContext) {
    const { keys } = this.deps;
    const id = ctx.params.id;
    const key = await keys.get(id);
    if (!key) throw new GustError('ResourceNotFoundException', `No active access key ${id.slice(0, 64)}.`);
    if (key.scope === 'admin' && (await keys.activeAdminKeys()).length === 1) {
      throw new GustError('ResourceConflictException', 'This is the last active admin key; create another one before revoking it.');
    }
    await keys.revoke(id);
    sendJson(ctx.res, 200, { revoked: id });
  }

  /** The CORS configuration of the HTTP routes: read, set, remove. */
  async cors(ctx: OperationContext) {
    const { routes } = this.deps;
    if (ctx.req.method === 'PUT') await routes.setCors(parseCors(parseJsonObject(ctx.body)));
    else if (ctx.req.method === 'DELETE') await routes.setCors(undefined);
    sendJson(ctx.res, 200, { Cors: (await routes.cors()) ?? null });
  }

  /** HTTP routes: list, add ({method, path, function, payloadFormat}), remove by id. */
  async listRoutes(ctx: OperationContext) {
    sendJson(ctx.res, 200, { routes: await this.deps.routes.all() });
  }

  async addRoute(ctx: OperationContext) {
    const input = parseJsonObject(ctx.body);
    const method = String(input.method ?? 'ANY').toUpperCase();
    const routePath = String(input.path ?? '');
    const functionName = String(input.function ?? '');
    const payloadFormat = String(input.payloadFormat ?? '2.0');
    if (payloadFormat !== '1.0' && payloadFormat !== '2.0') throw invalidParameter(`payloadFormat must be 1.0 or 2.0; got '${payloadFormat.slice(0, 10)}'.`);
    if (!(await this.deps.functionExists(functionName))) throw new GustError('ResourceNotFoundException', `Function not found: ${functionName.slice(0, 100)}`);
    const shape = validateRoute(method, routePath);
    const route = { id: randomUUID().slice(0, 8), method, path: routePath, functionName, payloadFormat: payloadFormat as '1.0' | '2.0' };
    if (!(await this.deps.routes.add(route, shape))) throw new GustError('ResourceConflictException', `A route ${method} ${routePath} (or one matching the same requests) already exists.`);
    sendJson(ctx.res, 201, route);
  }

  async removeRoute(ctx: OperationContext) {
    const id = ctx.params.id;
    if (!(await this.deps.routes.remove(id))) throw new GustError('ResourceNotFoundException', `No route ${id.slice(0, 40)}.`);
    sendJson(ctx.res, 200, { removed: id });
  }

  /** The built-in dead-letter store: list (optionally per function), and re-drive one or all. */
  async listDeadLetters(ctx: OperationContext) {
    const list = (await this.deps.deadLetters.list(ctx.query.get('function') ?? undefined)).map(({ payload, ...d }) => ({ ...d, payload: payload.toString('utf8') }));
    sendJson(ctx.res, 200, { deadLetters: list });
  }

  async redrive(ctx: OperationContext) {
    const { deadLetters } = this.deps;
    const which = ctx.params.id;
    if (which !== 'all' && !/^\d+$/.test(which)) throw new GustError('UnknownOperationException', `No operation matches POST ${ctx.path.slice(0, 200)}`);
    const targets = which === 'all' ? await deadLetters.list(ctx.query.get('function') ?? undefined) : [await deadLetters.get(Number(which))];
    if (targets.some((d) => d === undefined)) throw new GustError('ResourceNotFoundException', `No dead letter ${which}.`);
    for (const d of targets as DeadLetter[]) {
      await this.deps.redrive(d);
      await deadLetters.delete(d.id);
    }
    sendJson(ctx.res, 200, { redriven: targets.map((d) => d!.id) });
  }

  private async usage(query: URLSearchParams) {
    const time = (name: string, fallback: number) => {
      const raw = query.get(name);
      if (raw === null) return fallback;
      const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
      if (!Number.isFinite(t)) throw invalidParameter(`${name} must be a time in milliseconds or ISO 8601, got '${raw.slice(0, 50)}'`);
      return t;
    };
    const start = time('start', 0);
    const end = time('end', Date.now() + 1);
    const functions = await this.deps.metering.usage({ functionName: query.get('function') ?? undefined, start, end });
    const total = functions.reduce(
      (t, f) => ({ requests: t.requests + f.requests, errors: t.errors + f.errors, gbSeconds: t.gbSeconds + f.gbSeconds, cost: t.cost + f.cost }),
      { requests: 0, errors: 0, gbSeconds: 0, cost: 0 },
    );
    return { start, end, functions, total };
  }

  private sign(key: string, expires: number): string {
    return createHmac('sha256', this.deps.linkSecret).update(`${key}\n${expires}`).digest('hex');
  }

  private serveCode(res: ServerResponse, key: string, query: URLSearchParams) {
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('signature') ?? '', 'utf8');
    const wanted = Buffer.from(this.sign(key, expires), 'utf8');
    if (!(expires * 1000 > Date.now()) || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new GustError('ResourceNotFoundException', 'This code link is invalid or has expired; call GetFunction for a new one.');
    }
    const inCode = this.deps.code.zipOf(key);
    const file = fs.existsSync(inCode) || !this.deps.layerContent ? inCode : this.deps.layerContent.zipOf(key);
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new GustError('ResourceNotFoundException', 'The code this link points to no longer exists.');
    }
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': stat.size });
    // The file can vanish or fail to read after the headers went out (a function deleted
    // meanwhile, a disk error): the download is cut short, and Gust goes on.
    pipeline(fs.createReadStream(file), res, () => {});
  }
}
