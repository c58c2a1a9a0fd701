// The one HTTP entry point: sends each request to the API that owns its path (Lambda REST,
// CloudWatch Logs JSON, Gust's own /gust/ paths) and turns every failure into the error shape
// that API's clients parse. Nothing a client sends can escape as an unhandled exception.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GustError } from '../errors.js';
import type { GustRoutes } from './gust/gust-routes.js';
import { asGustError, parseJsonObject, readBody, sendAwsJsonError, sendJson, sendRestJsonError } from './http-io.js';
import type { LambdaApi } from './lambda/lambda-routes.js';
import type { LogsApi } from './logs/logs-api.js';

const LOGS_TARGET = 'Logs_20140328.';
const MAX_LOGS_BODY = 1024 * 1024;

export interface ApiDeps {
  lambda: LambdaApi;
  logs: LogsApi;
  gust: GustRoutes;
  logError: (err: unknown) => void;
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
      // Stop reading a body the client is still sending (for example one over the size limit).
      if (!req.complete) req.resume();
    };
    dispatch(deps, req, res, requestId, isLogs ? (target as string).slice(LOGS_TARGET.length) : null).catch(fail);
  };
}

async function dispatch(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, requestId: string, logsOperation: string | null) {
  if (logsOperation !== null) {
    const operation = deps.logs.operations[logsOperation];
    if (!operation) throw new GustError('UnknownOperationException', `Gust does not implement CloudWatch Logs operation ${logsOperation.slice(0, 100)}.`);
    const params = parseJsonObject(await readBody(req, MAX_LOGS_BODY, 'Request body too large'));
    return sendJson(res, 200, operation(params), { 'x-amzn-RequestId': requestId, 'Content-Type': 'application/x-amz-json-1.1' });
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (path.startsWith('/gust/')) {
    if (deps.gust.handle(req, res, path, query)) return;
  } else if (await deps.lambda.handle({ req, res, query, requestId }, path)) return;
  throw new GustError('UnknownOperationException', `No operation matches ${req.method} ${path.slice(0, 200)}`);
}
