// The runtime channel's wire format (src/invoke/runtime-frames.ts): frames cut out of a byte
// stream however it is split, an oversized response skipped without being buffered, and
// malformed input refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeInvocation, FrameDecoder, FrameError, FrameType } from '../../src/invoke/runtime-frames.js';

function frame(type: number, fields: (string | Buffer)[]): Buffer {
  const parts = fields.map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
  const body = Buffer.concat(parts.flatMap((p) => [Buffer.from([0, 0, 0, 0].map((_, i) => (p.length >>> (24 - 8 * i)) & 255)), p]));
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + body.length, 0);
  head[4] = type;
  return Buffer.concat([head, body]);
}

const decoder = (maxFrameBytes = 1024, oversized: string[] = []) => new FrameDecoder({ maxFrameBytes, onOversized: (_t, id) => oversized.push(id) });

test('frames split anywhere, or several in one chunk, come out whole and in order', () => {
  const bytes = Buffer.concat([frame(FrameType.response, ['id-1', '{"a":1}']), frame(FrameType.next, []), frame(FrameType.error, ['id-2', 'Error', '{}'])]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = decoder();
    const frames = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.type, ...f.fields.map(String)]),
      [
        [FrameType.response, 'id-1', '{"a":1}'],
        [FrameType.next],
        [FrameType.error, 'id-2', 'Error', '{}'],
      ],
    );
  }
  // One byte at a time.
  const d = decoder();
  const frames = [...bytes].flatMap((b) => d.push(Buffer.from([b])));
  assert.equal(frames.length, 3);
});

test('a response over the limit is reported by request id and dropped; the next frame still arrives', () => {
  const oversized: string[] = [];
  const d = decoder(100, oversized);
  const big = frame(FrameType.response, ['req-9', Buffer.alloc(5000, 120)]);
  const after = frame(FrameType.next, []);
  const stream = Buffer.concat([big, after]);
  const frames = [];
  for (let at = 0; at < stream.length; at += 333) frames.push(...d.push(stream.subarray(at, at + 333)));
  assert.deepEqual(oversized, ['req-9']);
  assert.deepEqual(frames.map((f) => f.type), [FrameType.next]);
});

test('garbage is refused: unknown type, fields that do not fit, other frames over the limit', () => {
  assert.throws(() => decoder().push(Buffer.from([0, 0, 0, 1, 0x7a])), FrameError);
  assert.throws(() => decoder().push(Buffer.from([0, 0, 0, 0, 0x4e])), FrameError);
  const short = frame(FrameType.response, ['id', 'x']);
  short.writeUInt32BE(99, 5); // the id's length runs past the frame
  assert.throws(() => decoder().push(short), FrameError);
  assert.throws(() => decoder().push(frame(FrameType.next, ['extra'])), FrameError);
  assert.throws(() => decoder(10).push(frame(FrameType.streamChunk, [Buffer.alloc(100)])), FrameError);
  const longId = frame(FrameType.response, ['x'.repeat(2000), Buffer.alloc(5000)]);
  assert.throws(() => decoder(100).push(longId), FrameError);
});

test('an invocation frame carries every field of the Runtime API event', () => {
  const buf = encodeInvocation({ requestId: 'r-1', deadlineMs: 1234, arn: 'arn:aws:lambda:x', traceId: 'Root=1', clientContext: '{"c":1}', payload: Buffer.from('{"é":1}') });
  assert.equal(buf.readUInt32BE(0), buf.length - 4);
  assert.equal(buf[4], FrameType.invocation);
  const fields: string[] = [];
  for (let at = 5; at < buf.length; ) {
    const n = buf.readUInt32BE(at);
    fields.push(buf.toString('utf8', at + 4, at + 4 + n));
    at += 4 + n;
  }
  assert.deepEqual(fields, ['r-1', '1234', 'arn:aws:lambda:x', 'Root=1', '{"c":1}', '', '{"é":1}']);
});
