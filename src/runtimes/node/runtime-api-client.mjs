// The Lambda Runtime API (2018-06-01) over one persistent connection, with a minimal HTTP/1.1
// client: node:http costs ~4 ms more to load and more CPU per request than a small handler, and
// the Runtime API is four fixed requests (AWS's own client is native code for the same reason).
import net from 'node:net';
import { createResponseStream } from './response-stream.mjs';

const BASE = '/2018-06-01/runtime';
const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** Header values must stay one latin1 line. */
const headerValue = (value) => String(value).replace(/[^\x20-\x7e]/g, '?');

/**
 * Connects at once, so that the handshake overlaps loading the handler: to `address`
 * (AWS_LAMBDA_RUNTIME_API, host:port), or to `socketPath` (GUST_RUNTIME_API_SOCKET, set by Gust
 * for an instance without network). The connection holds the event loop only while a request is
 * in flight: while the handler runs, an empty event loop ('beforeExit') is what finishes a
 * callback-style invocation, as on Lambda.
 */
export function connectRuntimeApi(address = '127.0.0.1:9001', socketPath = undefined) {
  const colon = address.lastIndexOf(':');
  const hostHeader = `Host: ${address}\r\n`;
  const socket = socketPath
    ? net.connect({ path: socketPath })
    : net.connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)), noDelay: true });
  let buffer = Buffer.alloc(0);
  /** Resolvers of requests sent and not yet answered, oldest first (HTTP/1.1 answers in order). */
  const waiting = [];

  // Gust never closes this connection: if it goes, Gust is gone or has given up on this
  // instance, and a runtime without its API must not linger.
  const gone = (err) => {
    process.stderr.write(`Runtime API connection to ${socketPath ?? address} lost${err ? `: ${err.message}` : ''}\n`);
    process.exit(1);
  };
  socket.on('error', gone);
  socket.on('close', () => gone());
  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    while (waiting.length > 0) {
      const response = parseResponse();
      if (!response) break;
      waiting.shift()(response);
    }
    if (waiting.length === 0) socket.unref();
  });

  /** One whole response from the front of the buffer, or null if it has not all arrived. */
  function parseResponse() {
    const end = buffer.indexOf(HEADER_END);
    if (end === -1) return null;
    const lines = buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
    }
    const start = end + 4;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return parseChunked(start, status, headers);
    const total = start + Number(headers['content-length'] ?? 0);
    if (buffer.length < total) return null;
    const body = buffer.toString('utf8', start, total);
    buffer = buffer.subarray(total);
    return { status, headers, body };
  }

  function parseChunked(start, status, headers) {
    const parts = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf(CRLF, at);
      if (lineEnd === -1) return null;
      const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
      if (size === 0) {
        const trailerEnd = buffer.indexOf(HEADER_END, lineEnd);
        if (trailerEnd === -1) return null;
        buffer = buffer.subarray(trailerEnd + 4);
        return { status, headers, body: Buffer.concat(parts).toString('utf8') };
      }
      if (buffer.length < lineEnd + 2 + size + 2) return null;
      parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }

  function request(method, path, body, extraHeaders = '') {
    socket.ref();
    return new Promise((resolve) => {
      waiting.push(resolve);
      const head = `${method} ${BASE}${path} HTTP/1.1\r\n${hostHeader}${extraHeaders}`;
      if (body === undefined) {
        socket.write(`${head}\r\n`, 'latin1');
        return;
      }
      const payload = Buffer.from(body, 'utf8');
      const fullHead = `${head}Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
      // One write per request: with TCP_NODELAY every write is a packet and a wake-up.
      socket.write(Buffer.concat([Buffer.from(fullHead, 'latin1'), payload]));
    });
  }

  const errorTypeHeader = (doc) => `Lambda-Runtime-Function-Error-Type: ${headerValue(doc.errorType)}\r\n`;

  return {
    /** A streamed response on a connection of its own: { stream, fail(doc), done }. */
    responseStream: (id) =>
      createResponseStream(
        streamedPost(() => (socketPath ? net.connect({ path: socketPath }) : net.connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) })), hostHeader, id),
      ),
    /** Long-polls for the next event: { status, headers (lower-cased names), body }. */
    next: () => request('GET', '/invocation/next'),
    postResponse: (id, body) => request('POST', `/invocation/${encodeURIComponent(id)}/response`, body),
    /** `doc` is the error document ({ errorType, errorMessage, trace }). */
    postError: (id, doc) => request('POST', `/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(doc), errorTypeHeader(doc)),
    postInitError: (doc) => request('POST', '/init/error', JSON.stringify(doc), errorTypeHeader(doc)),
  };
}

/**
 * The transport of a streamed response (response-stream.mjs) over HTTP: a chunked POST to
 * /response with `Lambda-Runtime-Function-Response-Mode: streaming` on a connection of its own
 * (so the main connection stays free for an /error), an error in trailers; `done` resolves with
 * the API's status code once it answered.
 */
function streamedPost(connect, hostHeader, id) {
  let socket = null;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  return {
    done,
    open(contentType) {
      socket = connect();
      socket.setNoDelay?.(true);
      let reply = '';
      socket.on('data', (chunk) => {
        reply += chunk.toString('latin1');
        if (reply.includes('\r\n\r\n')) {
          resolveDone(Number(reply.split(' ')[1]));
          socket.end();
        }
      });
      socket.on('error', () => resolveDone(0));
      socket.on('close', () => resolveDone(0));
      socket.write(
        `POST ${BASE}/invocation/${encodeURIComponent(id)}/response HTTP/1.1\r\n${hostHeader}` +
          'Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n' +
          'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n' +
          `Content-Type: ${headerValue(contentType)}\r\n\r\n`,
        'latin1',
      );
    },
    chunk(buf, callback) {
      socket.write(Buffer.concat([Buffer.from(`${buf.length.toString(16)}\r\n`), buf, CRLF]), callback);
    },
    end(error, callback) {
      const trailers = error
        ? `Lambda-Runtime-Function-Error-Type: ${headerValue(error.errorType)}\r\nLambda-Runtime-Function-Error-Body: ${error.errorBody.toString('base64')}\r\n`
        : '';
      socket.write(`0\r\n${trailers}\r\n`, 'latin1', callback);
    },
  };
}
