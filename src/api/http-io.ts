// Reading request bodies with a size cap and writing JSON and AWS error responses: the small
// wire helpers every API module shares.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CATALOGUE, GustError } from '../errors.js';

/** Reads the whole body, or throws RequestTooLargeException as soon as it passes `limit`. */
export function readBody(req: IncomingMessage, limit: number, tooLargeMessage: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new GustError('RequestTooLargeException', tooLargeMessage));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new GustError('RequestTooLargeException', tooLargeMessage));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON object body; anything else is InvalidRequestContentException. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new GustError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GustError('InvalidRequestContentException', 'Could not parse request body into json: expected a JSON object');
  }
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Lambda's REST-JSON error: the type in x-amzn-ErrorType, the message in the body. */
export function sendRestJsonError(res: ServerResponse, err: GustError, requestId: string): void {
  const body = { Type: ERROR_CATALOGUE[err.code].type, Message: err.message, ...err.extra };
  sendJson(res, err.status, body, { 'x-amzn-ErrorType': err.code, 'x-amzn-RequestId': requestId });
}
