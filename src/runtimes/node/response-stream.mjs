// Response streaming as Lambda's Node.js runtime does it: `awslambda.streamifyResponse(handler)`
// marks a handler that is called as handler(event, responseStream, context), and
// `awslambda.HttpResponseStream.from(stream, metadata)` puts an HTTP status and headers in front
// of the body. Each write leaves at once through a transport: stream frames on the runtime channel
// (runtime-channel-client.mjs), or a chunked POST to the Runtime API (runtime-api-client.mjs); an
// error after the first byte ends the response with the error (in trailers, over HTTP).
import { Writable } from 'node:stream';

export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';

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
 * A writable response stream over `transport`: { open(contentType), chunk(buffer, callback),
 * end(error | null, callback) with error = { errorType, errorBody (Buffer) }, done } where `done`
 * resolves once the response is over.
 */
export function createResponseStream(transport) {
  let opened = false;
  let contentType = 'application/octet-stream';
  let firstWriteDone = false;

  const open = () => {
    if (opened) return;
    opened = true;
    transport.open(contentType);
  };
  const sendChunk = (data, callback) => {
    open();
    const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.length === 0) return callback?.();
    transport.chunk(buf, callback);
  };
  const beforeFirstWrite = () => {
    if (firstWriteDone) return;
    firstWriteDone = true;
    if (typeof stream._onBeforeFirstWrite === 'function') stream._onBeforeFirstWrite((ch) => sendChunk(ch));
  };
  const finish = (error, callback) => {
    beforeFirstWrite();
    open();
    transport.end(error, callback);
  };

  const stream = new Writable({
    write(chunk, _encoding, callback) {
      beforeFirstWrite();
      sendChunk(chunk, () => callback());
    },
    final(callback) {
      finish(null, () => callback());
    },
  });
  const origWrite = stream.write.bind(stream);
  // Objects are written as JSON, as Lambda's client does.
  stream.write = (chunk, ...rest) =>
    origWrite(typeof chunk === 'string' || Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk), ...rest);
  stream.setContentType = (type) => {
    if (opened) throw new Error('Cannot set content-type, too late.');
    contentType = type;
  };
  /** Ends the response with the error in trailers (the body so far stays sent). */
  const fail = (doc) =>
    new Promise((resolve) => {
      if (stream.writableFinished || stream.writableEnded) return resolve();
      stream.destroy();
      finish({ errorType: doc.errorType, errorBody: Buffer.from(JSON.stringify(doc)) }, () => resolve());
    });
  return { stream, fail, done: transport.done };
}
