// The S3 event record a function receives for one object change, exactly as S3 writes it
// (eventVersion 2.1), with the object key URL-encoded the way S3 encodes it.
import { createHash } from 'node:crypto';
import type { ObjectChange } from './object-change.js';

/** Bytes S3 leaves as they are in an event's key; a space becomes '+', everything else %XX (UTF-8). */
const KEPT = /[A-Za-z0-9.\-_*/]/;

/**
 * The key as S3 puts it in an event record: form-style URL encoding, so handlers decode it with
 * Python's `urllib.parse.unquote_plus` or JavaScript's `decodeURIComponent(k.replace(/\+/g, ' '))`.
 */
export function encodeEventKey(key: string): string {
  let out = '';
  for (const ch of key) {
    if (ch === ' ') out += '+';
    else if (KEPT.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** S3's x-amz-id-2 for a request: opaque base64; derived from the request id so it is stable. */
export const hostIdOf = (requestId: string) => createHash('sha256').update(`gust-host-id:${requestId}`).digest('base64');

export interface RecordContext {
  region: string;
  accountId: string;
  configurationId: string;
}

export function s3EventRecord(change: ObjectChange, ctx: RecordContext): Record<string, unknown> {
  const removal = change.eventName.startsWith('ObjectRemoved:');
  const object: Record<string, unknown> = { key: encodeEventKey(change.key) };
  if (!removal) {
    object.size = change.size ?? 0;
    object.eTag = change.eTag ?? '';
  }
  object.sequencer = change.sequencer;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: ctx.region,
    eventTime: new Date(change.time).toISOString(),
    eventName: change.eventName,
    userIdentity: { principalId: `AWS:${change.principalId}` },
    requestParameters: { sourceIPAddress: change.sourceIp },
    responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': hostIdOf(change.requestId) },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: ctx.configurationId,
      bucket: { name: change.bucket, ownerIdentity: { principalId: ctx.accountId }, arn: `arn:aws:s3:::${change.bucket}` },
      object,
    },
  };
}
