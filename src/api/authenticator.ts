// Decides who a request comes from and what it may do: a valid SigV4 signature made with an
// active access key, then the key's scope. Admin keys may do everything; a function's own key
// may only invoke functions. `--no-auth` turns this off for local development only.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessKey, KeyScope } from '../control/access-keys.js';
import { GustError } from '../errors.js';
import { precheckRequest, verifyRequest } from './sigv4.js';

/** The service names a signature may be scoped to for each API (AWS's signing names). */
export const SIGNING_SERVICES = {
  lambda: ['lambda'],
  logs: ['logs'],
  scheduler: ['scheduler'],
  /** Function URLs with AuthType AWS_IAM are signed for `lambda`, as on AWS. */
  functionUrl: ['lambda'],
} as const satisfies Record<string, readonly string[]>;

export interface Authenticator {
  /**
   * The checks a request's headers allow, before its body is read: a signature is present, its
   * key exists and is active, its date is within 15 minutes, its scope names this region and the
   * API's service; and the signature itself when the payload hash is declared. A stranger's body
   * is then never buffered.
   */
  precheck(req: IncomingMessage, services: readonly string[]): void;
  /** Full check once the body is read (signature, time, payload hash); returns the key's scope. */
  verify(req: IncomingMessage, body: Buffer, services: readonly string[]): KeyScope;
}

export const noAuth: Authenticator = { precheck() {}, verify: () => 'admin' };

/** True when the request carries a signature at all (header or presigned form), valid or not. */
export function presentsCredentials(req: IncomingMessage): boolean {
  return req.headers.authorization !== undefined || /[?&]X-Amz-(Signature|Credential)=/.test(req.url ?? '');
}

export function sigV4Authenticator(keyOf: (accessKeyId: string) => AccessKey | undefined, region: string): Authenticator {
  const lookupSecret = (id: string) => {
    const key = keyOf(id);
    return key && { secret: key.secretAccessKey };
  };
  const common = (req: IncomingMessage, services: readonly string[]) => ({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    lookupSecret,
    expect: { region, services },
  });
  return {
    precheck(req, services) {
      const result = precheckRequest(common(req, services));
      if (!result.ok) throw new GustError(result.code, result.message);
    },
    verify(req, body, services) {
      const result = verifyRequest({ ...common(req, services), bodySha256Hex: createHash('sha256').update(body).digest('hex') });
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
