// The HTTP gateway: a request to a route becomes an API Gateway event, goes through invoke()
// like every trigger, and the function's result becomes the HTTP response. Failures answer as
// API Gateway answers them: 502 for a function error or a malformed result, 504 for a timeout,
// 429 when throttled, 413 for a body over the limit, 404 when no route matches.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GustError } from '../../errors.js';
import type { Invoker } from '../../invoke/invoker.js';
import type { RouteStore } from '../../storage/route-store.js';
import { eventV1, eventV2 } from './gateway-events.js';
import { responseV1, responseV2, type HttpResponse } from './gateway-responses.js';
import { findRoute } from './route-table.js';

/** The event, with headers and base64, must fit Lambda's 6 MB synchronous payload. */
const MAX_BODY = 6 * 1024 * 1024 - 64 * 1024;

function message(res: ServerResponse, status: number, text: string) {
  const body = JSON.stringify({ message: text });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class HttpGateway {
  constructor(
    private readonly routes: RouteStore,
    private readonly invoker: Invoker,
    private readonly accountId: string,
    private readonly logError: (err: unknown) => void,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const match = findRoute(this.routes.all(), req.method ?? 'GET', path);
    if (!match) {
      req.resume();
      return message(res, 404, 'Not Found');
    }
    const body = await readBody(req);
    if (body === null) return message(res, 413, 'Request Entity Too Large');
    const g = { req, route: match.route, pathParameters: match.pathParameters, path, rawQuery, body, accountId: this.accountId };
    const event = match.route.payloadFormat === '1.0' ? eventV1(g) : eventV2(g);

    let result;
    try {
      result = await this.invoker.invoke({ functionName: match.route.functionName, payload: Buffer.from(JSON.stringify(event)), type: 'RequestResponse', source: { kind: 'http' } });
    } catch (err) {
      if (err instanceof GustError && err.code === 'TooManyRequestsException') return message(res, 429, 'Too Many Requests');
      if (err instanceof GustError && err.code === 'RequestTooLargeException') return message(res, 413, 'Request Entity Too Large');
      if (!(err instanceof GustError)) this.logError(err);
      return message(res, 502, 'Internal server error');
    }
    if (result.functionError) {
      const timedOut = /"errorType":"Sandbox.Timedout"/.test(result.payload?.toString('utf8') ?? '');
      return timedOut ? message(res, 504, 'Endpoint request timed out') : message(res, 502, 'Internal server error');
    }
    let value: unknown;
    try {
      value = JSON.parse(result.payload?.toString('utf8') ?? 'null');
    } catch {
      return message(res, 502, 'Internal server error');
    }
    const mapped: HttpResponse | null = match.route.payloadFormat === '1.0' ? responseV1(value) : responseV2(value);
    if (!mapped) return message(res, 502, 'Internal server error');
    const headers: [string, string][] = [...mapped.headers, ['content-length', String(mapped.body.length)]];
    res.writeHead(mapped.statusCode, headers.flat());
    res.end(req.method === 'HEAD' ? undefined : mapped.body);
  }
}
