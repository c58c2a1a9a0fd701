// The AWS event-stream binary framing (application/vnd.amazon.eventstream) that
// InvokeWithResponseStream answers with and the SDKs decode: per message a prelude (total and
// headers length, CRC32), string headers (:message-type, :event-type, :content-type), the
// payload and a CRC32 of the whole message.
import { crc32 } from 'node:zlib';

const STRING_HEADER = 7;

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + n.length + 1 + 2);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(STRING_HEADER, 1 + n.length);
    head.writeUInt16BE(v.length, 2 + n.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

export function eventMessage(eventType: string, contentType: string, payload: Buffer): Buffer {
  const headers = encodeHeaders({ ':event-type': eventType, ':content-type': contentType, ':message-type': 'event' });
  const total = 12 + headers.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headers.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headers.copy(message, 12);
  payload.copy(message, 12 + headers.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

export const payloadChunk = (bytes: Buffer) => eventMessage('PayloadChunk', 'application/octet-stream', bytes);

export const invokeComplete = (complete: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string }) =>
  eventMessage('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete)));
