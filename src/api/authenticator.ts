// Decides whether a request may use Gust's AWS-compatible APIs: a valid SigV4 signature made
// with an active access key. `--no-auth` turns this off for local development only.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GustError } from '../errors.js';
import { verifyRequest } from './sigv4.js';

export interface Authenticator {
  /** Cheap check before the body is read: refuses requests that carry no signature at all. */
  precheck(req: IncomingMessage): void;
  /** Full check once the body is read: signature, time and payload hash. */
  verify(req: IncomingMessage, body: Buffer): void;
}

export const noAuth: Authenticator = { precheck() {}, verify() {} };

export function sigV4Authenticator(secretOf: (accessKeyId: string) => string | undefined): Authenticator {
  return {
    precheck(req) {
      if (req.headers.authorization === undefined && !/[?&]X-Amz-(Signature|Credential)=/.test(req.url ?? '')) {
        throw new GustError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
    },
    verify(req, body) {
      const result = verifyRequest({
        method: req.method ?? 'GET',
        rawUrl: req.url ?? '/',
        headers: req.headers,
        bodySha256: createHash('sha256').update(body).digest('hex'),
        secretOf,
      });
      if (!result.ok) throw new GustError(result.code, result.message);
    },
  };
}
