// Decides who a request comes from and what it may do: a valid SigV4 signature made with an
// active access key, then the key's scope. Admin keys may do everything; a function's own key
// may only invoke functions. `--no-auth` turns this off for local development only.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessKey, KeyScope } from '../control/access-keys.js';
import { GustError } from '../errors.js';
import { verifyRequest } from './sigv4.js';

export interface Authenticator {
  /** Cheap check before the body is read: refuses requests that carry no signature at all. */
  precheck(req: IncomingMessage): void;
  /** Full check once the body is read (signature, time, payload hash); returns the key's scope. */
  verify(req: IncomingMessage, body: Buffer): KeyScope;
}

export const noAuth: Authenticator = { precheck() {}, verify: () => 'admin' };

export function sigV4Authenticator(keyOf: (accessKeyId: string) => AccessKey | undefined): Authenticator {
  return {
    precheck(req) {
      if (req.headers.authorization === undefined && !/[?&]X-Amz-(Signature|Credential)=/.test(req.url ?? '')) {
        throw new GustError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
    },
    verify(req, body) {
      const result = verifyRequest({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        bodySha256Hex: createHash('sha256').update(body).digest('hex'),
        lookupSecret: (id) => {
          const key = keyOf(id);
          return key && { secret: key.secretAccessKey };
        },
      });
      if (!result.ok) throw new GustError(result.code, result.message);
      return keyOf(result.accessKeyId)!.scope;
    },
  };
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/[^/]+\/invocations$/;

/** Refuses what the key's scope does not allow, as IAM would: AccessDeniedException. */
export function authorize(scope: KeyScope, method: string, path: string, operation: string): void {
  if (scope === 'admin') return;
  if (method === 'POST' && INVOKE_PATH.test(path)) return;
  throw new GustError('AccessDeniedException', `The credentials of ${scope.replace(':', ' ')} are not authorized to perform ${operation}; a function's credentials may only invoke functions.`);
}
