// Receipt handles: the message's place in the store and the random token of one receive, so a
// handle cannot be guessed, and one from an earlier receive no longer matches. Opaque to clients
// (base64url of `seq:token:queue`).
import { randomBytes } from 'node:crypto';
import { GustError } from '../errors.js';
import type { QueueMessage } from '../storage/queue-store.js';

/** 18 random bytes: the token of one receive. */
export const newReceipt = () => randomBytes(18).toString('base64url');

export function receiptHandle(queue: string, m: QueueMessage): string {
  return Buffer.from(`${m.seq}:${m.receipt}:${queue}`).toString('base64url');
}

export function parseReceipt(handle: unknown): { seq: number; receipt: string } {
  if (typeof handle !== 'string' || handle === '') throw new GustError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
  const m = handle.length > 1024 ? null : /^(\d{1,15}):([A-Za-z0-9_-]{24}):/.exec(Buffer.from(handle, 'base64url').toString('utf8'));
  if (!m) throw new GustError('ReceiptHandleIsInvalid', `The input receipt handle "${handle.slice(0, 200)}" is not a valid receipt handle.`);
  return { seq: Number(m[1]), receipt: m[2] };
}
