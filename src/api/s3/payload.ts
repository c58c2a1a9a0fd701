// STAND-IN for s3auth's payload.ts: passes a plain body through (no aws-chunked decoding, no
// payload-hash check). Replaced at merge.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

export type PayloadMode = 'plain';

export interface RequestPayload {
  stream: Readable;
  length?: number;
  trailers(): Record<string, string>;
}

export function payloadModeFromHeaders(_headers: IncomingHttpHeaders): PayloadMode {
  return 'plain';
}

export function openPayload(req: IncomingMessage, _mode: PayloadMode): RequestPayload {
  const declared = req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'];
  return { stream: req, length: declared === undefined ? undefined : Number(declared), trailers: () => ({}) };
}
