// Decodes an aws-chunked request body (S3's STREAMING-* payloads) as it arrives: the chunk framing
// is removed, each chunk's signature is checked against the chain that starts at the request's
// own signature, and trailing headers are collected. Memory stays bounded whatever sizes the chunk
// headers claim: data is passed on as it comes, never gathered into a chunk first.
import { createHash, createHmac, timingSafeEqual, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { GustError } from '../../errors.js';
import type { ChunkSeed } from './payload.js';
import { S3_SIGNATURE_MISMATCH_MESSAGE } from './s3-auth-errors.js';

/** The longest chunk header or trailer line accepted; a real one is under 100 bytes. */
export const MAX_CHUNK_LINE = 4096;
/** All trailer lines together. */
const MAX_TRAILER_BYTES = 16 * 1024;
const EMPTY_SHA256 = createHash('sha256').digest('hex');
const CR = 0x0d;
const LF = 0x0a;

export interface ChunkedOptions {
  /** Chunk headers carry `;chunk-signature=`; they are checked when `seed` is given too. */
  signed: boolean;
  /** Trailing headers follow the final chunk (signed ones end with x-amz-trailer-signature). */
  trailer: boolean;
  seed?: ChunkSeed;
  /** x-amz-decoded-content-length: the body must decode to exactly this many bytes. */
  decodedLength?: number;
}

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

const framing = (message: string) => new GustError('InvalidRequest', `Invalid aws-chunked body: ${message}`);
const incomplete = () => new GustError('IncompleteBody', 'The request body ended before its aws-chunked encoding did.');
const tooShort = () => new GustError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
const mismatch = () => new GustError('SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH_MESSAGE);

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AwsChunkedDecoder extends Transform {
  /** Trailing headers, lower-case names, once the body has ended. */
  readonly trailers: Record<string, string> = {};
  private state: State = 'size';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private endBytes = 0;
  private decoded = 0;
  private trailerBytes = 0;
  private trailerSignature?: string;
  private chunkHash?: Hash;
  private chunkSignature?: string;
  private previous: string;

  constructor(private readonly options: ChunkedOptions) {
    super();
    this.previous = options.seed?.signature ?? '';
  }

  override _transform(buf: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(buf);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    // A client may leave out the CRLF that closes the trailer section; nothing else may be missing.
    if (this.state === 'trailer' && this.lineLength === 0) {
      try {
        this.finish();
      } catch (err) {
        return done(err as Error);
      }
    }
    if (this.state !== 'done') return done(incomplete());
    done();
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'size':
        case 'trailer': {
          const lf = buf.indexOf(LF, i);
          const end = lf === -1 ? buf.length : lf + 1;
          this.lineLength += end - i;
          if (this.lineLength > MAX_CHUNK_LINE) throw framing(`a chunk header or trailer line is longer than ${MAX_CHUNK_LINE} bytes.`);
          this.line.push(Buffer.from(buf.subarray(i, end))); // a copy: a short line must not keep a large read buffer alive
          i = end;
          if (lf !== -1) this.endOfLine();
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, buf.length - i);
          const piece = buf.subarray(i, i + n);
          this.chunkHash?.update(piece);
          this.push(piece);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) {
            this.checkChunk(this.chunkHash?.digest('hex'));
            this.state = 'data-end';
            this.endBytes = 0;
          }
          break;
        }
        case 'data-end': {
          if (buf[i] !== (this.endBytes === 0 ? CR : LF)) throw framing('a chunk is not followed by CRLF (its size does not match its data).');
          i++;
          if (++this.endBytes === 2) this.state = 'size';
          break;
        }
        case 'done':
          // Only stray line ends may follow the end.
          if (buf[i] !== CR && buf[i] !== LF) throw framing('data follows the final chunk.');
          i++;
          break;
      }
    }
  }

  private endOfLine(): void {
    const raw = Buffer.concat(this.line, this.lineLength);
    this.line = [];
    this.lineLength = 0;
    if (raw.length < 2 || raw[raw.length - 2] !== CR) throw framing('a line does not end with CRLF.');
    const text = raw.subarray(0, raw.length - 2).toString('latin1');
    if (this.state === 'size') this.chunkHeader(text);
    else if (text === '') this.finish();
    else this.trailerLine(text);
  }

  /** `hex-size` or `hex-size;chunk-signature=<64 hex>`. */
  private chunkHeader(text: string): void {
    const semi = text.indexOf(';');
    const sizeText = semi === -1 ? text : text.slice(0, semi);
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw framing(`'${sizeText.slice(0, 40)}' is not a hexadecimal chunk size.`);
    const size = parseInt(sizeText, 16);
    if (this.options.signed) {
      const m = /^chunk-signature=([0-9a-fA-F]{64})$/.exec(semi === -1 ? '' : text.slice(semi + 1));
      if (!m) throw mismatch();
      this.chunkSignature = m[1];
    }
    const limit = this.options.decodedLength;
    if (limit !== undefined && this.decoded + size > limit) {
      throw framing(`its chunks hold more than the ${limit} bytes x-amz-decoded-content-length declares.`);
    }
    this.decoded += size;
    if (size === 0) {
      this.checkChunk(EMPTY_SHA256);
      this.state = 'trailer';
    } else {
      this.remaining = size;
      this.chunkHash = this.options.signed && this.options.seed ? createHash('sha256') : undefined;
      this.state = 'data';
    }
  }

  /** Chains the chunk signature: the seed signature signs the first chunk, each chunk's signs the next. */
  private checkChunk(dataSha256: string | undefined): void {
    const seed = this.options.seed;
    if (!this.options.signed || !seed || dataSha256 === undefined) return;
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', seed.amzDate, seed.scope, this.previous, EMPTY_SHA256, dataSha256].join('\n');
    const expected = createHmac('sha256', seed.signingKey).update(toSign).digest('hex');
    if (!sameHex(expected, this.chunkSignature ?? '')) throw mismatch();
    this.previous = expected;
  }

  private trailerLine(text: string): void {
    this.trailerBytes += text.length;
    if (this.trailerBytes > MAX_TRAILER_BYTES) throw framing(`its trailers exceed ${MAX_TRAILER_BYTES} bytes.`);
    if (!this.options.trailer) throw framing('trailing headers follow the final chunk, but x-amz-content-sha256 declared none.');
    const colon = text.indexOf(':');
    if (colon <= 0) throw framing(`the trailer line '${text.slice(0, 80)}' is not name:value.`);
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (this.trailerSignature !== undefined) throw framing('a trailer follows x-amz-trailer-signature.');
    if (name === 'x-amz-trailer-signature') this.trailerSignature = value;
    else this.trailers[name] = value;
  }

  /** The empty line after the final chunk (and its trailers): checks the trailer signature and the length. */
  private finish(): void {
    const seed = this.options.seed;
    if (this.options.signed && this.options.trailer && seed) {
      const canonical = Object.keys(this.trailers)
        .sort()
        .map((name) => `${name}:${this.trailers[name]}\n`)
        .join('');
      const hash = createHash('sha256').update(canonical).digest('hex');
      const toSign = ['AWS4-HMAC-SHA256-TRAILER', seed.amzDate, seed.scope, this.previous, hash].join('\n');
      const expected = createHmac('sha256', seed.signingKey).update(toSign).digest('hex');
      if (this.trailerSignature === undefined || !sameHex(expected, this.trailerSignature)) throw mismatch();
    }
    const limit = this.options.decodedLength;
    if (limit !== undefined && this.decoded < limit) throw tooShort();
    this.state = 'done';
  }
}
