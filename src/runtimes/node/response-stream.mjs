// Response streaming as Lambda's Node.js runtime does it: `awslambda.streamifyResponse(handler)`
// marks a handler that is called as handler(event, responseStream, context), and
// `awslambda.HttpResponseStream.from(stream, metadata)` puts an HTTP status and headers in front
// of the body. Each write leaves at once as a chunk of a chunked POST to /response with
// `Lambda-Runtime-Function-Response-Mode: streaming`, on a connection of its own (so the main
// Runtime API connection stays free for an /error); an error after the first byte goes in trailers.
import { Writable } from 'node:stream';

export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';

const headerValue = (value) => String(value).replace(/[^\x20-\x7e]/g, '?');

export class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(HTTP_INTEGRATION_RESPONSE);
    // JSON.stringify is required: a NUL byte may not appear in the prelude.
    const metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(8)); // 8 NUL bytes end the prelude
    };
    return underlyingStream;
  }
}

/** The `awslambda` global Lambda gives Node.js functions. */
export function installAwsLambdaGlobal() {
  globalThis.awslambda = {
    streamifyResponse: (handler) => {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      return handler;
    },
    HttpResponseStream,
  };
}

export const isStreamingHandler = (handler) => handler?.[HANDLER_STREAMING] === STREAM_RESPONSE;

/**
 * A writable response stream for invocation `id`. `connect()` opens a new connection to the
 * Runtime API. Resolves `done` with the API's status code once the request has been answered.
 */
export function createResponseStream(connect, hostHeader, id) {
  let socket = null;
  let contentType = 'application/octet-stream';
  let firstWriteDone = false;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));

  const open = () => {
    if (socket) return;
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
      `POST /2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response HTTP/1.1\r\n${hostHeader}` +
        'Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n' +
        'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n' +
        `Content-Type: ${headerValue(contentType)}\r\n\r\n`,
      'latin1',
    );
  };
  const sendChunk = (data, callback) => {
    open();
    const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.length === 0) return callback?.();
    socket.write(Buffer.concat([Buffer.from(`${buf.length.toString(16)}\r\n`), buf, Buffer.from('\r\n')]), callback);
  };
  const beforeFirstWrite = () => {
    if (firstWriteDone) return;
    firstWriteDone = true;
    if (typeof stream._onBeforeFirstWrite === 'function') stream._onBeforeFirstWrite((ch) => sendChunk(ch));
  };
  const finish = (trailers, callback) => {
    beforeFirstWrite();
    open();
    socket.write(`0\r\n${trailers}\r\n`, 'latin1', callback);
  };

  const stream = new Writable({
    write(chunk, _encoding, callback) {
      beforeFirstWrite();
      sendChunk(chunk, () => callback());
    },
    final(callback) {
      finish('', () => callback());
    },
  });
  const origWrite = stream.write.bind(stream);
  // Objects are written as JSON, as Lambda's client does.
  stream.write = (chunk, ...rest) =>
    origWrite(typeof chunk === 'string' || Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk), ...rest);
  stream.setContentType = (type) => {
    if (socket) throw new Error('Cannot set content-type, too late.');
    contentType = type;
  };
  /** Ends the response with the error in trailers (the body so far stays sent). */
  const fail = (doc) =>
    new Promise((resolve) => {
      if (stream.writableFinished || stream.writableEnded) return resolve();
      stream.destroy();
      const body = Buffer.from(JSON.stringify(doc)).toString('base64');
      finish(`Lambda-Runtime-Function-Error-Type: ${headerValue(doc.errorType)}\r\nLambda-Runtime-Function-Error-Body: ${body}\r\n`, () => resolve());
    });
  return { stream, fail, done };
}
