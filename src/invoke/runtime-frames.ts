// The framed runtime protocol that Gust's own Node and Python runtime clients speak on a socket
// pair inherited by the sandbox (docs/runtime-channel.md): the Runtime API's four calls as
// length-prefixed frames, so that a warm invocation costs one write each way instead of two
// HTTP exchanges. This file is the wire format only: encoding Gust's frames, and a decoder that
// refuses anything malformed (the instance is then stopped; nothing it sends can reach further).

/** frame = u32 BE length of (type + fields) | u8 type | fields; field = u32 BE length | bytes. */
export const FRAME_HEADER_BYTES = 5;

/** Frame types, as ASCII letters (readable in a hex dump). */
export const FrameType = {
  /** Gust → runtime: request id, deadline (ms, decimal), function ARN, trace id, client context, identity, payload. */
  invocation: 0x49, // I
  /** Runtime → Gust: ready for the next invocation (the first one ends init). */
  next: 0x4e, // N
  /** Runtime → Gust: request id, body. */
  response: 0x52, // R
  /** Runtime → Gust: request id, error type, error document. */
  error: 0x45, // E
  /** Runtime → Gust: error type, error document (init failed). */
  initError: 0x58, // X
  /** Runtime → Gust: request id, content type: a streamed response starts. */
  streamStart: 0x53, // S
  /** Runtime → Gust: a chunk of the streamed response. */
  streamChunk: 0x43, // C
  /** Runtime → Gust: error type ('' on success), error document: the streamed response ends. */
  streamEnd: 0x46, // F
} as const;

/** How many fields each frame a runtime may send carries. */
const FIELDS: Record<number, number> = {
  [FrameType.next]: 0,
  [FrameType.response]: 2,
  [FrameType.error]: 3,
  [FrameType.initError]: 2,
  [FrameType.streamStart]: 2,
  [FrameType.streamChunk]: 1,
  [FrameType.streamEnd]: 2,
};

export interface RuntimeFrame {
  type: number;
  fields: Buffer[];
}

/** The invocation frame, in one buffer (one write). */
export function encodeInvocation(fields: { requestId: string; deadlineMs: number; arn: string; traceId: string; clientContext?: string; identity?: string; payload: Buffer }): Buffer {
  const texts = [fields.requestId, String(fields.deadlineMs), fields.arn, fields.traceId, fields.clientContext ?? '', fields.identity ?? ''];
  let size = FRAME_HEADER_BYTES + 4 * 7 + fields.payload.length;
  for (const t of texts) size += Buffer.byteLength(t);
  const frame = Buffer.allocUnsafe(size);
  frame.writeUInt32BE(size - 4, 0);
  frame[4] = FrameType.invocation;
  let at = FRAME_HEADER_BYTES;
  for (const t of texts) {
    const n = frame.write(t, at + 4);
    frame.writeUInt32BE(n, at);
    at += 4 + n;
  }
  frame.writeUInt32BE(fields.payload.length, at);
  fields.payload.copy(frame, at + 4);
  return frame;
}

export class FrameError extends Error {}

export interface FrameDecoderLimits {
  /** The largest frame accepted whole. */
  maxFrameBytes: number;
  /** A response or error frame over maxFrameBytes is skipped, not refused: its request id goes here. */
  onOversized(type: number, requestId: string): void;
}

/** Largest request id an oversized frame may start with. */
const MAX_ID_BYTES = 1024;

/**
 * Cuts a byte stream into frames. push() returns the whole frames found, in order, and throws a
 * FrameError on anything malformed. A response too large to accept is read and dropped as it
 * arrives (its request id reported), so its size costs no memory.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of an oversized frame still to drop. */
  private skipping = 0;

  constructor(private readonly limits: FrameDecoderLimits) {}

  push(chunk: Buffer): RuntimeFrame[] {
    const frames: RuntimeFrame[] = [];
    if (this.skipping > 0) {
      const dropped = Math.min(this.skipping, chunk.length);
      this.skipping -= dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.length === 0) return frames;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < FRAME_HEADER_BYTES) return frames;
      const head = this.peek(FRAME_HEADER_BYTES);
      const length = head.readUInt32BE(0);
      const type = head[4];
      if (!(type in FIELDS) || length < 1) throw new FrameError(`unknown frame type ${type} or length ${length}`);
      if (length > this.limits.maxFrameBytes) {
        if (type !== FrameType.response && type !== FrameType.error) throw new FrameError(`frame of ${length} bytes is over the limit`);
        // Wait for the request id, report it, and drop the rest of the frame.
        if (this.buffered < FRAME_HEADER_BYTES + 4) return frames;
        const idLength = this.peek(FRAME_HEADER_BYTES + 4).readUInt32BE(FRAME_HEADER_BYTES);
        if (idLength > MAX_ID_BYTES) throw new FrameError('request id too long');
        const idEnd = FRAME_HEADER_BYTES + 4 + idLength;
        if (this.buffered < idEnd) return frames;
        const id = this.peek(idEnd).toString('utf8', FRAME_HEADER_BYTES + 4, idEnd);
        const total = 4 + length;
        const inBuffer = Math.min(total, this.buffered);
        this.consume(inBuffer);
        this.skipping = total - inBuffer;
        this.limits.onOversized(type, id);
        if (this.skipping > 0) return frames;
        continue;
      }
      const total = 4 + length;
      if (this.buffered < total) return frames;
      const frame = this.peek(total).subarray(0, total);
      this.consume(total);
      frames.push({ type, fields: splitFields(frame, FIELDS[type]) });
    }
  }

  /** A buffer that starts with the first `n` bytes (or all there are), joining chunks only when needed. */
  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n || this.chunks.length === 1) return this.chunks[0];
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private consume(n: number) {
    this.buffered -= n;
    while (n > 0) {
      const first = this.chunks[0];
      if (first.length <= n) {
        this.chunks.shift();
        n -= first.length;
      } else {
        this.chunks[0] = first.subarray(n);
        n = 0;
      }
    }
  }
}

function splitFields(frame: Buffer, count: number): Buffer[] {
  const fields: Buffer[] = [];
  let at = FRAME_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + 4 > frame.length) throw new FrameError('frame ends inside a field length');
    const n = frame.readUInt32BE(at);
    if (at + 4 + n > frame.length) throw new FrameError('field runs past the end of its frame');
    fields.push(frame.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  if (at !== frame.length) throw new FrameError('bytes left over after the last field');
  return fields;
}
