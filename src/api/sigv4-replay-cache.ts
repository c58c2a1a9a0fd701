// Remembers request heads whose SigV4 signature was verified, so that a client replaying one
// signature (as AWS allows for 15 minutes; load generators and retrying clients do) is not
// verified from scratch on every request. A byte-identical head (method, target, every header,
// the signing service) has the same canonical request, so the same signature outcome; what can
// change since is re-checked on every hit: the 15-minute window, the key still active with the
// same secret, and the body against the payload hash the signature covers.
import type { IncomingMessage } from 'node:http';
import { parseAmzDate, SKEW_MS } from './sigv4.js';

/** Heads kept at most; the oldest goes first. A flood of new signatures only evicts. */
const MAX_ENTRIES = 512;
/** Longer heads are not kept (memory stays bounded: MAX_ENTRIES × this at most). */
const MAX_HEAD_CHARS = 4096;

interface Verified {
  accessKeyId: string;
  secret: string;
  /** From X-Amz-Date, which the head carries: the 15-minute window runs from it. */
  signedAt: number;
  /** The payload hash the signature covers (hex), or undefined when only the head was checked. */
  payloadHash?: string;
}

export class SigV4ReplayCache {
  private readonly verified = new Map<string, Verified>();

  /** The head that identifies a request, or undefined when it is not worth keeping. */
  headOf(req: IncomingMessage, services: readonly string[]): string | undefined {
    // Presigned URLs carry their signature in the target, and a Date header instead of X-Amz-Date is rare: neither is kept.
    if (req.headers.authorization === undefined || req.headers['x-amz-date'] === undefined) return undefined;
    const head = `${services.join(',')}\n${req.method}\n${req.url}\n${req.rawHeaders.join('\n')}`;
    return head.length <= MAX_HEAD_CHARS ? head : undefined;
  }

  /**
   * The verified entry for `head` if it still holds now with the key's current secret; with a
   * `bodyHash`, only if the signature covered that very payload.
   */
  lookup(head: string, now: number, secretOf: (accessKeyId: string) => string | undefined, bodyHash?: string): Verified | undefined {
    const entry = this.verified.get(head);
    if (entry === undefined) return undefined;
    if (now > entry.signedAt + SKEW_MS || entry.signedAt > now + SKEW_MS || secretOf(entry.accessKeyId) !== entry.secret) {
      this.verified.delete(head);
      return undefined;
    }
    if (bodyHash !== undefined && entry.payloadHash !== bodyHash) return undefined;
    return entry;
  }

  /** When the request with this (verified) head was signed. */
  static signedAt(req: IncomingMessage): number {
    return parseAmzDate(String(req.headers['x-amz-date']));
  }

  remember(head: string, entry: Verified): void {
    if (!Number.isFinite(entry.signedAt)) return;
    if (this.verified.size >= MAX_ENTRIES && !this.verified.has(head)) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(head, entry);
  }
}
