// The runtime channel (Gust's docs/runtime-channel.md): the Runtime API's calls as length-prefixed
// frames on a socket pair Gust made for this instance and handed down at descriptor
// GUST_RUNTIME_FD. One write per outcome and one read per event, no HTTP to build or parse; the
// same interface as runtime-api-client.mjs, so the rest of the client does not know which it has.
//   frame = u32 BE length of (type + fields) | u8 type | fields; field = u32 BE length | bytes
import net from 'node:net';
import { createResponseStream } from './response-stream.mjs';

const INVOCATION = 0x49; // I: id, deadline, ARN, trace id, client context, identity, payload
const NEXT = 0x4e; // N
const RESPONSE = 0x52; // R: id, body
const ERROR = 0x45; // E: id, error type, document
const INIT_ERROR = 0x58; // X: error type, document
const STREAM_START = 0x53; // S: id, content type
const STREAM_CHUNK = 0x43; // C: bytes
const STREAM_END = 0x46; // F: error type ('' on success), document

const NEXT_FRAME = Buffer.from([0, 0, 0, 1, NEXT]);

/** One frame in one buffer; fields are strings (UTF-8) or Buffers. */
function frame(type, fields) {
  const parts = fields.map((f) => (typeof f === 'string' ? Buffer.from(f, 'utf8') : f));
  let size = 5;
  for (const p of parts) size += 4 + p.length;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(size - 4, 0);
  out[4] = type;
  let at = 5;
  for (const p of parts) {
    out.writeUInt32BE(p.length, at);
    p.copy(out, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** The invocation frame's fields as the Runtime API's headers (lower-cased) and body. */
function invocationEvent(buf) {
  const fields = [];
  let at = 5;
  for (let i = 0; i < 7; i++) {
    const n = buf.readUInt32BE(at);
    fields.push(i < 6 ? buf.toString('utf8', at + 4, at + 4 + n) : buf.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  const [id, deadline, arn, traceId, clientContext, identity, payload] = fields;
  const headers = {
    'lambda-runtime-aws-request-id': id,
    'lambda-runtime-deadline-ms': deadline,
    'lambda-runtime-invoked-function-arn': arn,
    'lambda-runtime-trace-id': traceId || undefined,
    'lambda-runtime-client-context': clientContext || undefined,
    'lambda-runtime-cognito-identity': identity || undefined,
  };
  return { status: 200, headers, body: payload.toString('utf8') };
}

export function connectRuntimeChannel(fd) {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  let buffer = Buffer.alloc(0);
  let waiting = null;

  // Gust never closes the channel: if it goes, Gust is gone or has given up on this instance.
  const gone = (err) => {
    process.stderr.write(`Runtime channel lost${err ? `: ${err.message}` : ''}\n`);
    process.exit(1);
  };
  socket.on('error', gone);
  socket.on('close', () => gone());
  // Held only while waiting for an event: while the handler runs, an empty event loop
  // ('beforeExit') is what finishes a callback-style invocation, as on Lambda.
  socket.unref();
  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    if (buffer.length < 5) return;
    const total = 4 + buffer.readUInt32BE(0);
    if (buffer.length < total) return;
    const event = buffer[4] === INVOCATION ? invocationEvent(buffer.subarray(0, total)) : null;
    buffer = buffer.subarray(total);
    if (!event) return gone(new Error('unexpected frame'));
    socket.unref();
    const resolve = waiting;
    waiting = null;
    resolve?.(event);
  });

  const send = (buf) => new Promise((resolve) => socket.write(buf, resolve));

  return {
    /** A streamed response as stream frames, in order with everything else on the channel. */
    responseStream(id) {
      let ended;
      const done = new Promise((resolve) => (ended = resolve));
      return createResponseStream({
        done,
        open: (contentType) => socket.write(frame(STREAM_START, [id, contentType])),
        chunk: (buf, callback) => socket.write(frame(STREAM_CHUNK, [buf]), callback),
        end(error, callback) {
          socket.write(frame(STREAM_END, error ? [String(error.errorType), error.errorBody] : ['', '']), () => {
            ended(202);
            callback?.();
          });
        },
      });
    },
    next() {
      socket.ref();
      return new Promise((resolve) => {
        waiting = resolve;
        socket.write(NEXT_FRAME);
      });
    },
    /**
     * The response leaves together with the `next` that follows it (one write, one wake-up of
     * Gust): the socket is corked until the end of this tick, by which time the loop has asked
     * for its next event. Errors are not held back: a fatal one is followed by process.exit().
     */
    postResponse(id, body) {
      socket.cork();
      socket.write(frame(RESPONSE, [id, body]));
      process.nextTick(() => socket.uncork());
      return Promise.resolve();
    },
    postError: (id, doc) => send(frame(ERROR, [id, String(doc.errorType), JSON.stringify(doc)])),
    postInitError: (doc) => send(frame(INIT_ERROR, [String(doc.errorType), JSON.stringify(doc)])),
  };
}
