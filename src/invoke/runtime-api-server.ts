// The Lambda Runtime API (2018-06-01) as one small HTTP server per instance, so an instance can
// only ever talk about its own invocations. It translates the wire to calls on the instance.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Invocation } from './invocation.js';
import type { ParkedRuntime, RuntimeAck, RuntimeHandlers } from './runtime-handlers.js';
import { receiveStreamedRequest } from './streamed-response.js';

export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
const PREFIX = '/2018-06-01/runtime/';

export interface RuntimeApi {
  /** host:port for AWS_LAMBDA_RUNTIME_API, or the unix socket's path. */
  readonly address: string;
  close(): void;
}

function answer(res: http.ServerResponse, ack: RuntimeAck) {
  const body = ack.status === 202 ? '{"status":"OK"}' : JSON.stringify({ errorMessage: ack.errorMessage, errorType: ack.errorType });
  res.writeHead(ack.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: http.IncomingMessage, limit: number, done: (body: Buffer | null) => void) {
  // A runtime that disconnects mid-body is its own problem; without a listener the error would
  // end Gust.
  req.on('error', () => {});
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > limit) {
      over = true;
      chunks.length = 0;
      done(null);
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
}

/** A percent-decoded path segment, or null when its encoding is malformed (e.g. `%E0%A4%A`). */
function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** A parked `GET /next`: answered with the event and its `Lambda-Runtime-*` headers. */
function parkedRequest(handlers: RuntimeHandlers, res: http.ServerResponse): void {
  // A runtime may pipeline requests on its connection (a late POST …/error, then GET /next).
  // Node answers them in order and gives a response its socket only when the earlier ones are
  // answered; report /next only then, so the instance sees what the runtime said first, first.
  if (!res.socket) return void res.once('socket', () => parkedRequest(handlers, res));
  const parked: ParkedRuntime = {
    deliver(inv: Invocation, deadlineMs: number) {
      const headers: Record<string, string | number> = {
        'Content-Type': 'application/json',
        'Content-Length': inv.payload.length,
        'Lambda-Runtime-Aws-Request-Id': inv.requestId,
        'Lambda-Runtime-Deadline-Ms': deadlineMs,
        'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn,
        'Lambda-Runtime-Trace-Id': inv.traceId,
      };
      if (inv.clientContext) headers['Lambda-Runtime-Client-Context'] = inv.clientContext;
      res.writeHead(200, headers);
      res.end(inv.payload);
    },
    abandon: () => res.destroy(),
  };
  res.once('close', () => handlers.nextAbandoned(parked));
  handlers.next(parked);
}

function route(handlers: RuntimeHandlers, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = req.url ?? '';
  if (!url.startsWith(PREFIX)) return answer(res, { status: 400, errorType: 'InvalidRequest', errorMessage: `Unknown path ${url}` });
  const rest = url.slice(PREFIX.length);
  const errorTypeHeader = () => String(req.headers['lambda-runtime-function-error-type'] ?? 'Runtime.Unknown');

  if (req.method === 'GET' && rest === 'invocation/next') {
    req.resume();
    return parkedRequest(handlers, res);
  }
  if (req.method === 'POST' && rest === 'init/error') {
    return readBody(req, MAX_RESPONSE_BYTES, (body) => answer(res, handlers.initError(errorTypeHeader(), body ?? Buffer.alloc(0))));
  }
  const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
  if (req.method === 'POST' && match) {
    const requestId = decodePathSegment(match[1]);
    if (requestId === null) {
      req.resume();
      return answer(res, { status: 400, errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID: the path is not valid percent-encoding' });
    }
    if (match[2] === 'response' && /^streaming$/i.test(String(req.headers['lambda-runtime-function-response-mode'] ?? ''))) {
      const receiver = handlers.streamStart(requestId, String(req.headers['content-type'] ?? 'application/octet-stream'));
      if ('status' in receiver) {
        req.resume();
        return answer(res, receiver);
      }
      return receiveStreamedRequest(req, receiver, (ack) => answer(res, ack));
    }
    return readBody(req, MAX_RESPONSE_BYTES, (body) => {
      if (body === null) {
        handlers.responseTooLarge(requestId);
        return answer(res, { status: 413, errorType: 'RequestEntityTooLarge', errorMessage: `Response payload exceeded ${MAX_RESPONSE_BYTES} bytes` });
      }
      answer(res, match[2] === 'response' ? handlers.response(requestId, body) : handlers.error(requestId, errorTypeHeader(), body));
    });
  }
  req.resume();
  answer(res, { status: 400, errorType: 'InvalidRequest', errorMessage: `Unknown ${req.method} ${url}` });
}

/**
 * Listens on a free loopback port, where `isOwnProcess(clientPort, serverPort)` decides whether
 * a new connection comes from the instance's own processes (others are closed before they can
 * send anything); or on a unix socket, for instances without a network, which only that
 * instance's sandbox can reach.
 */
export function startRuntimeApi(
  handlers: RuntimeHandlers,
  listenOn: { isOwnProcess: (clientPort: number, serverPort: number) => boolean } | { socketPath: string },
): Promise<RuntimeApi> {
  const server = http.createServer((req, res) => {
    try {
      route(handlers, req, res);
    } catch (err) {
      // Nothing a runtime sends may end Gust: an unexpected failure is answered, not thrown.
      req.resume();
      if (!res.headersSent) answer(res, { status: 500, errorType: 'ServiceException', errorMessage: `Internal error: ${(err as Error)?.message ?? err}` });
      else res.destroy();
    }
  });
  if ('isOwnProcess' in listenOn) {
    server.on('connection', (socket) => {
      if (!listenOn.isOwnProcess(socket.remotePort ?? 0, socket.localPort ?? 0)) socket.destroy();
    });
  }
  // /next is a long poll that may wait for the whole keep-alive period.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 0;
  server.timeout = 0;
  const close = () => {
    server.close();
    server.closeAllConnections();
    if ('socketPath' in listenOn) fs.rmSync(listenOn.socketPath, { force: true });
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if ('socketPath' in listenOn) {
      fs.mkdirSync(path.dirname(listenOn.socketPath), { recursive: true, mode: 0o711 });
      server.listen(listenOn.socketPath, () => {
        // The function runs as an unprivileged user; only its own sandbox can see this file.
        fs.chmodSync(listenOn.socketPath, 0o666);
        resolve({ address: listenOn.socketPath, close });
      });
    } else {
      server.listen(0, '127.0.0.1', () => resolve({ address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close }));
    }
  });
}
