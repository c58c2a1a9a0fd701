// An S3 request's body, read as its signature declared it: checked against x-amz-content-sha256,
// decoded from aws-chunked (chunk signatures and trailers), or passed on unsigned. Streaming
// throughout: the caller writes `stream` to disk, and discards what it wrote if the stream errors.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { GustError } from '../../errors.js';
import { AwsChunkedDecoder } from './aws-chunked.js';

/** How a request's body must be read and checked, as its signature declared it. */
export type PayloadMode =
  | { kind: 'sha256'; hex: string } // x-amz-content-sha256 = hex: the body must hash to it
  | { kind: 'unsigned' } // UNSIGNED-PAYLOAD, or a presigned URL
  /** aws-chunked. `signed`: chunk headers carry chunk-signature=, checked only when `seed` is given. */
  | { kind: 'chunked'; signed: boolean; trailer: boolean; seed?: ChunkSeed };

/** Where the chunk signature chain starts: the request's own signature and what it was made with. */
export interface ChunkSeed {
  signature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

export interface RequestPayload {
  /** The decoded bytes (aws-chunked framing removed). It emits 'error' with a GustError and
   *  never ends normally when the body fails its check: XAmzContentSHA256Mismatch (sha256),
   *  SignatureDoesNotMatch (a chunk signature), IncompleteBody (fewer bytes than
   *  Content-Length / x-amz-decoded-content-length, or the client went away), InvalidRequest
   *  or IncompleteBody for broken chunk framing. */
  stream: Readable;
  /** x-amz-decoded-content-length for aws-chunked, else Content-Length; undefined if unknown. */
  length?: number;
  /** Trailing headers (lower-case names, e.g. x-amz-checksum-crc32) once `stream` ended. */
  trailers(): Record<string, string>;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();

function lengthHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const text = single(headers[name]);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new GustError('InvalidRequest', `The ${name} header '${text.slice(0, 40)}' is not a number of bytes.`);
  return Number(text);
}

/** The mode a request declares, without checking anything (used with --no-auth). */
export function payloadModeFromHeaders(headers: IncomingHttpHeaders): PayloadMode {
  const declared = single(headers['x-amz-content-sha256']);
  if (declared !== undefined && /^[0-9a-fA-F]{64}$/.test(declared)) return { kind: 'sha256', hex: declared.toLowerCase() };
  switch (declared) {
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return { kind: 'chunked', signed: false, trailer: true };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return { kind: 'chunked', signed: true, trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return { kind: 'chunked', signed: true, trailer: true };
  }
  // Not declared, yet framed as aws-chunked: read it as the unsigned form, trailers allowed.
  if (declared === undefined && /(^|,)\s*aws-chunked\s*(,|$)/i.test(single(headers['content-encoding']) ?? '')) return { kind: 'chunked', signed: false, trailer: true };
  return { kind: 'unsigned' };
}

/** The Content-Encoding to store with the object: the request's, without the aws-chunked transfer framing. */
export function storedContentEncoding(headers: IncomingHttpHeaders): string | undefined {
  const kept = (single(headers['content-encoding']) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part.toLowerCase() !== 'aws-chunked');
  return kept.length === 0 ? undefined : kept.join(',');
}

/** A plain body: counted, and hashed when its SHA-256 was declared. */
class CheckedBody extends Transform {
  private received = 0;
  private readonly hash;
  constructor(
    private readonly sha256Hex: string | undefined,
    private readonly length: number | undefined,
  ) {
    super();
    this.hash = sha256Hex === undefined ? undefined : createHash('sha256');
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    this.hash?.update(chunk);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.length !== undefined && this.received < this.length) {
      return done(new GustError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'));
    }
    const computed = this.hash?.digest('hex');
    if (computed !== undefined && computed !== this.sha256Hex) {
      return done(
        new GustError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
          ClientComputedContentSHA256: this.sha256Hex,
          S3ComputedContentSHA256: computed,
        }),
      );
    }
    done();
  }
}

/**
 * Starts reading `req` through the checks its mode asks for. Throws InvalidRequest at once for a
 * malformed Content-Length or x-amz-decoded-content-length. A body the client stops sending ends
 * the stream with IncompleteBody; on any error the request is left unread (paused) for the
 * server's error path to drain.
 */
export function openPayload(req: IncomingMessage, mode: PayloadMode): RequestPayload {
  const contentLength = lengthHeader(req.headers, 'content-length');
  let stream: Transform;
  let length: number | undefined;
  let trailers = (): Record<string, string> => ({});
  if (mode.kind === 'chunked') {
    length = lengthHeader(req.headers, 'x-amz-decoded-content-length');
    const decoder = new AwsChunkedDecoder({ signed: mode.signed, trailer: mode.trailer, seed: mode.seed, decodedLength: length });
    trailers = () => ({ ...decoder.trailers });
    stream = decoder;
  } else {
    length = contentLength;
    stream = new CheckedBody(mode.kind === 'sha256' ? mode.hex : undefined, contentLength);
  }
  connect(req, stream);
  return { stream, length, trailers };
}

/** Pipes without pipeline(): an error must not destroy the request, whose socket carries our answer. */
function connect(req: IncomingMessage, stream: Transform): void {
  const gone = () => {
    if (!req.complete && !stream.destroyed) stream.destroy(new GustError('IncompleteBody', 'The request body ended early: the client closed the connection before sending all of it.'));
  };
  req.on('aborted', gone);
  req.on('close', gone);
  req.on('error', gone);
  stream.on('error', () => req.unpipe(stream));
  stream.on('close', () => req.unpipe(stream));
  req.pipe(stream);
}
