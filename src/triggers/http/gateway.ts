// The HTTP gateway: a request to a route or to a function URL becomes an API Gateway event, goes
// through invoke() like every trigger, and the function's result becomes the HTTP response.
// Failures answer as API Gateway answers them: 502 for a function error or a malformed result,
// 504 for a timeout, 429 when throttled, 413 for a body over the limit, 404 when nothing matches.
import { traceContextFromHeaders } from '../../telemetry/tracing/trace-context.js';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../api/http-io.js';
import { GustError } from '../../errors.js';
import type { Invoker } from '../../invoke/invoker.js';
import type { FunctionUrl, FunctionUrlStore } from '../../storage/function-url-store.js';
import type { CachedRouteStore } from './cached-route-store.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { eventV1, eventV2 } from './gateway-events.js';
import { responseV1, responseV2 } from './gateway-responses.js';
import { findRoute, type Route } from './route-table.js';
import { StreamingUrlResponse } from './streaming-url-response.js';

/** The event, with headers and base64, must fit Lambda's 6 MB synchronous payload. */
const MAX_BODY = 6 * 1024 * 1024 - 64 * 1024;
const URL_PREFIX = /^\/lambda-url\/([0-9a-f]{32})(\/.*)?$/;

export interface GatewayDeps {
  routes: CachedRouteStore;
  urls: FunctionUrlStore;
  invoker: Invoker;
  accountId: string;
  /** SigV4 checks for AWS_IAM function URLs; throw the AWS error when they fail. The precheck needs no body. */
  precheckSignature(req: IncomingMessage): void;
  /** The full check, and whether the signer may invoke this URL; throws the AWS error when not. */
  verifySignature(req: IncomingMessage, body: Buffer, url: FunctionUrl): Promise<void>;
  logError(err: unknown): void;
  /** Writes a line into the function's own log (why its answer became a 502); must not throw. */
  logToFunction(functionName: string, qualifier: string | undefined, line: string): void;
}

function message(res: ServerResponse, status: number, text: string, headers: [string, string][] = []) {
  const body = JSON.stringify({ message: text });
  res.writeHead(status, [...headers, ['content-type', 'application/json'], ['content-length', String(Buffer.byteLength(body))]].flat());
  res.end(body);
}

/** The body, or null when it is over the limit (the rest is drained, not read). */
async function readBodyWithin(req: IncomingMessage): Promise<Buffer | null> {
  try {
    return await readBody(req, MAX_BODY, 'Request Entity Too Large');
  } catch (err) {
    if (err instanceof GustError && err.code === 'RequestTooLargeException') return null;
    throw err;
  }
}

export class HttpGateway {
  constructor(private readonly deps: GatewayDeps) {}

  /**
   * Whether this request is the gateway's: a function URL that exists, a route that matches
   * (`$default` matches everything), or a CORS preflight the routes' configuration answers.
   * The dispatcher hands the gateway only these, after every AWS service had its say.
   */
  async claims(method: string, path: string, headers: IncomingHttpHeaders): Promise<boolean> {
    const functionUrl = URL_PREFIX.exec(path);
    if (functionUrl) return (await this.deps.urls.byUrlId(functionUrl[1])) !== undefined;
    const { routes, cors } = this.deps.routes.current();
    if (findRoute(routes, method, path)) return true;
    return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined && cors !== undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const functionUrl = URL_PREFIX.exec(path);
    if (functionUrl) return this.functionUrl(req, res, functionUrl[1], functionUrl[2] ?? '/', rawQuery);
    const { routes, cors } = this.deps.routes.current();
    const match = findRoute(routes, req.method ?? 'GET', path);
    // A preflight is answered by the API's CORS configuration unless a route takes OPTIONS itself.
    if (cors && req.method === 'OPTIONS' && req.headers['access-control-request-method'] && match?.route.method !== 'OPTIONS') {
      req.resume();
      res.writeHead(204, preflightHeaders(cors, req.headers.origin).flat());
      res.end();
      return;
    }
    const corsOnResponse = cors ? corsHeaders(cors, req.headers.origin) : [];
    if (!match) {
      req.resume();
      return message(res, 404, 'Not Found', corsOnResponse);
    }
    const body = await readBodyWithin(req);
    if (body === null) return message(res, 413, 'Request Entity Too Large', corsOnResponse);
    return this.invoke(req, res, match.route, match.pathParameters, path, rawQuery, body, corsOnResponse);
  }

  private async functionUrl(req: IncomingMessage, res: ServerResponse, urlId: string, path: string, rawQuery: string) {
    const config: FunctionUrl | undefined = await this.deps.urls.byUrlId(urlId);
    if (!config) {
      req.resume();
      return message(res, 404, 'Not Found');
    }
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && config.cors && req.headers['access-control-request-method']) {
      req.resume();
      res.writeHead(200, preflightHeaders(config.cors, origin).flat());
      res.end();
      return;
    }
    const cors = config.cors ? corsHeaders(config.cors, origin) : [];
    const forbidden = (err: unknown) => message(res, 403, err instanceof GustError ? err.message : 'Forbidden', cors);
    if (config.authType === 'AWS_IAM') {
      // A stranger's key, date or scope is refused before the body is read, so it is never buffered.
      try {
        this.deps.precheckSignature(req);
      } catch (err) {
        return forbidden(err);
      }
    }
    const body = await readBodyWithin(req);
    if (body === null) return message(res, 413, 'Request Entity Too Large', cors);
    if (config.authType === 'AWS_IAM') {
      try {
        await this.deps.verifySignature(req, body, config);
      } catch (err) {
        return forbidden(err);
      }
    }
    const route: Route = { id: urlId, method: 'ANY', path: '$default', functionName: config.qualifier === '$LATEST' ? config.functionName : `${config.functionName}:${config.qualifier}`, payloadFormat: '2.0' };
    return this.invoke(req, res, route, {}, path, rawQuery, body, cors, config.invokeMode === 'RESPONSE_STREAM');
  }

  private async invoke(req: IncomingMessage, res: ServerResponse, route: Route, pathParameters: Record<string, string>, path: string, rawQuery: string, body: Buffer, extraHeaders: [string, string][], streaming = false) {
    const g = { req, route, pathParameters, path, rawQuery, body, accountId: this.deps.accountId };
    const event = route.payloadFormat === '1.0' ? eventV1(g) : eventV2(g);
    const [functionName, qualifier] = route.functionName.split(':');
    // RESPONSE_STREAM: what a streaming handler writes goes out as it is written.
    const stream = streaming ? new StreamingUrlResponse(res, extraHeaders) : undefined;
    let result;
    try {
      result = await this.deps.invoker.invoke({ functionName, qualifier, payload: Buffer.from(JSON.stringify(event)), type: 'RequestResponse', source: { kind: 'http' }, stream, trace: traceContextFromHeaders(req.headers) });
      if (stream?.streamed) return stream.finish(Boolean(result.functionError));
    } catch (err) {
      if (stream?.streamed) return stream.finish(true);
      if (err instanceof GustError && err.code === 'TooManyRequestsException') return message(res, 429, 'Too Many Requests', extraHeaders);
      if (err instanceof GustError && err.code === 'RequestTooLargeException') return message(res, 413, 'Request Entity Too Large', extraHeaders);
      if (!(err instanceof GustError)) this.deps.logError(err);
      return message(res, 502, 'Internal server error', extraHeaders);
    }
    if (result.functionError) {
      const timedOut = /"errorType":"Sandbox.Timedout"/.test(result.payload?.toString('utf8') ?? '');
      return timedOut ? message(res, 504, 'Endpoint request timed out', extraHeaders) : message(res, 502, 'Internal server error', extraHeaders);
    }
    let value: unknown;
    try {
      value = JSON.parse(result.payload?.toString('utf8') ?? 'null');
    } catch {
      return message(res, 502, 'Internal server error', extraHeaders);
    }
    const mapped = route.payloadFormat === '1.0' ? responseV1(value) : responseV2(value);
    if ('malformed' in mapped) {
      const returned = JSON.stringify(value) ?? String(value);
      const shown = returned.length > 200 ? `${returned.slice(0, 200)}…` : returned;
      this.deps.logToFunction(functionName, qualifier, `${result.requestId} HTTP ${route.method} ${route.path} answered 502: the result cannot be mapped to a response (${mapped.malformed}). The function returned: ${shown}`);
      return message(res, 502, 'Internal server error', extraHeaders);
    }
    const headers: [string, string][] = [...mapped.headers, ...extraHeaders, ['content-length', String(mapped.body.length)]];
    res.writeHead(mapped.statusCode, headers.flat());
    res.end(req.method === 'HEAD' ? undefined : mapped.body);
  }
}
