// Decides who a request comes from and what it may do: a valid SigV4 signature made with an
// active access key, then the key's scope. Admin keys may do everything; a function's own key
// may only invoke what resource policies grant it. `--no-auth` turns this off for local development only.
import { SQS_FUNCTION_OPERATIONS } from './sqs/sqs-authorize.js';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { functionOfScope, type AccessKey, type KeyScope } from '../control/access-keys.js';
import type { InvokeVia } from '../control/function-policies.js';
import { GustError } from '../errors.js';
import { payloadModeFromHeaders, type PayloadMode } from './s3/payload.js';
import { AuthFailure } from './s3/s3-auth-errors.js';
import { precheckRequest, verifyHeaders, verifyRequest, type FailureReason } from './sigv4.js';
import { SigV4ReplayCache } from './sigv4-replay-cache.js';

/** The service names a signature may be scoped to for each API (AWS's signing names). */
export const SIGNING_SERVICES = {
  lambda: ['lambda'],
  logs: ['logs'],
  scheduler: ['scheduler'],
  sqs: ['sqs'],
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
  /**
   * S3's full check from the head alone (S3 always declares its payload hash, or is presigned):
   * the caller's scope, and how its body must be read and checked (s3/payload.ts openPayload()).
   * Throws an AuthFailure with the generic SigV4 code; s3AuthError() gives S3's.
   */
  verifyHead(req: IncomingMessage, services: readonly string[]): { caller: KeyScope; payload: PayloadMode };
}

export const noAuth: Authenticator = { precheck() {}, verify: () => 'admin', verifyHead: (req) => ({ caller: 'admin', payload: payloadModeFromHeaders(req.headers) }) };

export function sigV4Authenticator(keyOf: (accessKeyId: string) => AccessKey | undefined, region: string): Authenticator {
  const lookupSecret = (id: string) => {
    const key = keyOf(id);
    return key && { secret: key.secretAccessKey };
  };
  const secretOf = (id: string) => keyOf(id)?.secretAccessKey;
  // One signature replayed (a load generator, a retrying client) is verified once, not per request.
  const replays = new SigV4ReplayCache();
  const common = (req: IncomingMessage, services: readonly string[]) => ({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    lookupSecret,
    expect: { region, services },
  });
  return {
    precheck(req, services) {
      const head = replays.headOf(req, services);
      if (head !== undefined && replays.lookup(head, Date.now(), secretOf)) return;
      const result = precheckRequest(common(req, services));
      if (!result.ok) throw new GustError(result.code, result.message);
      const declared = req.headers['x-amz-content-sha256'];
      if (head !== undefined && result.signatureChecked && typeof declared === 'string') {
        replays.remember(head, { accessKeyId: result.accessKeyId, secret: secretOf(result.accessKeyId)!, signedAt: SigV4ReplayCache.signedAt(req), payloadHash: declared.toLowerCase() });
      }
    },
    verify(req, body, services) {
      const bodyHash = createHash('sha256').update(body).digest('hex');
      const head = replays.headOf(req, services);
      const seen = head === undefined ? undefined : replays.lookup(head, Date.now(), secretOf, bodyHash);
      if (seen) return keyOf(seen.accessKeyId)!.scope;
      const result = verifyRequest({ ...common(req, services), bodySha256Hex: bodyHash });
      if (!result.ok) throw new GustError(result.code, result.message);
      if (head !== undefined && result.payloadSigned) replays.remember(head, { accessKeyId: result.accessKeyId, secret: secretOf(result.accessKeyId)!, signedAt: SigV4ReplayCache.signedAt(req), payloadHash: bodyHash });
      return keyOf(result.accessKeyId)!.scope;
    },
    verifyHead(req, services) {
      const result = verifyHeaders(common(req, services));
      if (!result.ok) {
        const { reason, presigned, details } = result as { reason?: FailureReason; presigned?: boolean; details?: Record<string, string> };
        throw new AuthFailure(result.code, result.message, { reason, presigned, details });
      }
      return { caller: keyOf(result.accessKeyId)!.scope, payload: result.payload };
    },
  };
}

/** Invoke and InvokeWithResponseStream: both are lambda:InvokeFunction. */
const INVOKE_PATH = /^\/(?:2015-03-31\/functions\/([^/]+)\/invocations|2021-11-15\/functions\/([^/]+)\/response-streaming-invocations)$/;

/** What authorize() asks of the resource policies (control/function-policies.ts). */
export interface InvokeGrants {
  /** Throws AccessDeniedException unless a policy of the target lets the calling function invoke it. */
  authorizeInvoke(callerFunction: string, nameOrArn: string, qualifier: string | undefined, via: InvokeVia): Promise<void>;
}

/**
 * Refuses what the key may not do, as IAM would: AccessDeniedException. Admin keys may do
 * everything; a function's own key may invoke what a resource policy grants it, and use the SQS
 * data plane.
 */
export async function authorize(
  scope: KeyScope,
  request: { protocol: 'rest' | 'awsJson'; method: string; path: string; qualifier?: string; operation: string },
  grants: InvokeGrants,
): Promise<void> {
  const caller = functionOfScope(scope);
  if (caller === undefined) return;
  // An awsJson call (CloudWatch Logs) names its operation in X-Amz-Target, whatever its path says.
  const invoke = request.protocol === 'rest' && request.method === 'POST' ? INVOKE_PATH.exec(request.path) : null;
  if (invoke) return grants.authorizeInvoke(caller, decodeName(invoke[1] ?? invoke[2]), request.qualifier, { action: 'lambda:InvokeFunction' });
  // The SQS data plane, as an execution role with queue access would have it (api/sqs/sqs-authorize.ts).
  if (request.protocol === 'awsJson' && SQS_FUNCTION_OPERATIONS.has(request.operation)) return;
  throw new GustError('AccessDeniedException', `The credentials of ${scope.replace(':', ' ')} are not authorized to perform ${request.operation}; a function's credentials may only invoke functions.`);
}

/** The same for a call to a function URL whose AuthType is AWS_IAM, once its signature is verified. */
export async function authorizeFunctionUrl(scope: KeyScope, url: { functionName: string; qualifier: string; authType: 'NONE' | 'AWS_IAM' }, grants: InvokeGrants): Promise<void> {
  const caller = functionOfScope(scope);
  if (caller === undefined) return;
  await grants.authorizeInvoke(caller, url.functionName, url.qualifier, { action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: url.authType });
}

function decodeName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GustError('InvalidParameterValueException', `The path segment '${segment.slice(0, 100)}' is not valid percent-encoding.`);
  }
}
