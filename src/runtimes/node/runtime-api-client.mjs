// The Lambda Runtime API over one persistent TCP connection with a minimal HTTP/1.1 client.
// node:http costs more CPU per request than the handler of a small function; the Runtime API
// server is Gust's own and always answers with Content-Length, so a lean client is enough
// (AWS's runtime client uses native code for the same reason).
import net from 'node:net';

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001').split(':');
/** Set by Gust for an instance without network: the Runtime API is then a unix socket. */
const socketPath = process.env.GUST_RUNTIME_API_SOCKET;
const BASE = '/2018-06-01/runtime';
const HEADER_END = Buffer.from('\r\n\r\n');

let socket = null;
let buffer = Buffer.alloc(0);
/** Requests sent and not yet answered, oldest first: responses come back in order (HTTP/1.1). */
const waiting = [];

function connect() {
  socket = socketPath ? net.connect({ path: socketPath }) : net.connect({ host, port: Number(port), noDelay: true });
  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    parse();
  });
  // Gust never closes this connection: if it goes, Gust is gone (or has given up on this
  // instance), and a runtime without its API must not linger.
  const gone = () => process.exit(1);
  socket.on('error', gone);
  socket.on('close', gone);
}

/** Completes waiting requests, in order, as their whole responses arrive in the buffer. */
function parse() {
  while (waiting.length > 0 && parseOne());
}

function parseOne() {
  const end = buffer.indexOf(HEADER_END);
  if (end === -1) return false;
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const total = end + 4 + length;
  if (buffer.length < total) return false;
  const body = buffer.subarray(end + 4, total).toString('utf8');
  buffer = buffer.subarray(total);
  waiting.shift()({ status, headers, body });
  return true;
}

/**
 * Lets the event loop empty while a callback-style handler's leftovers run (the connection
 * would otherwise keep it alive forever); the next request holds the loop again.
 */
export function releaseEventLoop() {
  socket?.unref();
}

function request(method, path, body = '', extraHeaders = '') {
  if (!socket) connect();
  socket.ref();
  return new Promise((resolve) => {
    waiting.push(resolve);
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const head =
      `${method} ${BASE}${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n${extraHeaders}` +
      (method === 'POST' ? `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` : '') +
      '\r\n';
    // One write per request: with TCP_NODELAY every write is a packet and a wake-up.
    socket.write(payload.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : head);
  });
}

export const nextInvocation = () => request('GET', '/invocation/next');

export const postResponse = (id, body) => request('POST', `/invocation/${encodeURIComponent(id)}/response`, body);


const errorTypeHeader = (error) => `Lambda-Runtime-Function-Error-Type: ${String(error.errorType).replace(/[\r\n]/g, ' ')}\r\n`;

export const postError = (id, error) => request('POST', `/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(error), errorTypeHeader(error));

export const postInitError = (error) => request('POST', '/init/error', JSON.stringify(error), errorTypeHeader(error));
