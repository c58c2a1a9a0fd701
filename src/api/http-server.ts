// The one HTTP entry point: checks each request's signature as far as its headers allow, then reads
// its body within the limit of its operation (a stranger's body is never buffered), verifies the
// signature in full, and sends the request to the API that owns its path (Lambda REST, CloudWatch Logs JSON,
// Gust's own /gust/ paths). Every failure becomes the error shape that API's clients parse;
// nothing a client sends can escape as an unhandled exception.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GustError } from '../errors.js';
import { MAX_SYNC_PAYLOAD } from '../invoke/invoker.js';
import { authorize, presentsCredentials, SIGNING_SERVICES, type Authenticator, type InvokeGrants } from './authenticator.js';
import type { GustRoutes } from './gust/gust-routes.js';
import { asGustError, parseJsonObject, readBody, sendAwsJsonError, sendJson, sendRestJsonError } from './http-io.js';
import type { LambdaApi } from './lambda/lambda-routes.js';
import type { LogsApi } from './logs/logs-api.js';
import type { HttpGateway } from '../triggers/http/gateway.js';
import type { SchedulerApi } from './scheduler/scheduler-routes.js';

/** Path prefixes of the AWS-compatible and Gust APIs; anything else belongs to the gateway. */
const API_PREFIX = /^\/((2015-03-31|2016-08-19|2017-03-31|2017-10-31|2019-09-25|2019-09-30|2021-07-20|2021-10-31|2021-11-15|2024-08-31|gust)\/|schedules(\/|$|\?))/;

const LOGS_TARGET = 'Logs_20140328.';
const MAX_LOGS_BODY = 1024 * 1024;
/** A 50 MB zip, base64-encoded inside JSON. */
const MAX_CONTROL_BODY = 70 * 1024 * 1024;
/** The largest body any operation accepts. */
export const MAX_REQUEST_BODY = MAX_CONTROL_BODY;

export interface ApiDeps {
  lambda: LambdaApi;
  logs: LogsApi;
  gust: GustRoutes;
  /** Every path that is not one of the APIs' is an HTTP route to a function. */
  gateway: HttpGateway;
  scheduler: SchedulerApi;
  auth: Authenticator;
  /** What a function's own key may invoke: the functions' resource policies. */
  grants: InvokeGrants;
  logError: (err: unknown) => void;
}

function bodyLimit(path: string, isLogs: boolean): { limit: number; message: string } {
  if (isLogs) return { limit: MAX_LOGS_BODY, message: 'Request body must be smaller than 1 MB' };
  if (path.endsWith('invocations')) return { limit: MAX_SYNC_PAYLOAD, message: `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation` };
  return { limit: MAX_CONTROL_BODY, message: `Request must be smaller than ${MAX_CONTROL_BODY} bytes for this operation` };
}

export function createRequestHandler(deps: ApiDeps) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    const isLogs = req.method === 'POST' && typeof target === 'string' && target.startsWith(LOGS_TARGET);
    const fail = (err: unknown) => {
      const error = asGustError(err, deps.logError);
      if (res.headersSent) return res.destroy();
      if (isLogs) sendAwsJsonError(res, error, requestId);
      else sendRestJsonError(res, error, requestId);
      // Discard a body the client is still sending (one over the limit, say), so that it reads
      // our answer instead of a broken pipe; the server's request timeout bounds how long.
      if (!req.complete) req.resume();
    };
    if (!isLogs && !API_PREFIX.test(req.url ?? '/')) {
      deps.gateway.handle(req, res).catch((err) => {
        deps.logError(err);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}');
        else res.destroy();
      });
      return;
    }
    dispatch(deps, req, res, requestId, isLogs ? (target as string).slice(LOGS_TARGET.length) : null).catch(fail);
  };
}

async function dispatch(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, requestId: string, logsOperation: string | null) {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const isScheduler = path === '/schedules' || path.startsWith('/schedules/');
  const services = logsOperation !== null ? SIGNING_SERVICES.logs : isScheduler ? SIGNING_SERVICES.scheduler : SIGNING_SERVICES.lambda;
  const isPublic = deps.gust.isPublic(req.method ?? 'GET', path, presentsCredentials(req));
  if (!isPublic) deps.auth.precheck(req, services);
  const { limit, message } = bodyLimit(path, logsOperation !== null);
  const body = await readBody(req, limit, message);
  const caller = isPublic ? undefined : deps.auth.verify(req, body, services);
  if (caller !== undefined) {
    const operation = logsOperation ? `logs:${logsOperation}` : `${req.method} ${path.slice(0, 100)}`;
    authorize(caller, { protocol: logsOperation === null ? 'rest' : 'awsJson', method: req.method ?? 'GET', path, qualifier: query.get('Qualifier') ?? undefined, operation }, deps.grants);
  }

  if (logsOperation !== null) {
    const operation = deps.logs.operations[logsOperation];
    if (!operation) throw new GustError('UnknownOperationException', `Gust does not implement CloudWatch Logs operation ${logsOperation.slice(0, 100)}.`);
    return sendJson(res, 200, operation(parseJsonObject(body)), { 'x-amzn-RequestId': requestId, 'Content-Type': 'application/x-amz-json-1.1' });
  }
  if (isScheduler) {
    if (deps.scheduler.handle(res, req.method ?? 'GET', path, query, body, requestId)) return;
  } else if (path.startsWith('/gust/')) {
    if (await deps.gust.handle(req, res, path, query, body, !isPublic)) return;
  } else if (await deps.lambda.handle({ req, res, body, query, requestId, caller: caller ?? 'admin' }, path)) return;
  throw new GustError('UnknownOperationException', `No operation matches ${req.method} ${path.slice(0, 200)}`);
}
