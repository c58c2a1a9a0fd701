// S3 answers authentication failures with codes of its own, not the InvalidSignatureException
// family the other AWS APIs use: s3AuthError() turns one of Gust's SigV4 errors into S3's code,
// message and extra elements (SignatureDoesNotMatch's StringToSign and CanonicalRequest, say).
import { GustError } from '../../errors.js';
import type { FailureReason } from '../sigv4.js';

export const S3_SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

/** What a SigV4 refusal knows beyond its code: why, in which form, and what S3 would report. */
export interface AuthFailureDetail {
  reason?: FailureReason;
  presigned?: boolean;
  details?: Record<string, string>;
}

/**
 * A SigV4 refusal thrown by Authenticator.verifyHead(). Its code and message are the generic
 * SigV4 ones (as the other services answer); `detail` is for s3AuthError() and never rendered.
 */
export class AuthFailure extends GustError {
  constructor(
    code: GustError['code'],
    message: string,
    readonly detail: AuthFailureDetail = {},
  ) {
    super(code, message);
  }
}

const detailOf = (err: GustError): AuthFailureDetail => (err instanceof AuthFailure ? err.detail : {});

/** S3's form of an authentication error; any other error is returned as it is. */
export function s3AuthError(err: GustError): GustError {
  const { reason, presigned, details = {} } = detailOf(err);
  switch (err.code) {
    case 'MissingAuthenticationTokenException':
      return new GustError('AccessDenied', 'Access Denied');
    case 'UnrecognizedClientException':
      return new GustError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', pick(details, 'AWSAccessKeyId'));
    case 'IncompleteSignature':
      return malformed(err.message, presigned);
    case 'InvalidSignatureException':
      switch (reason) {
        case 'expired':
          return new GustError('AccessDenied', 'Request has expired', pick(details, 'X-Amz-Expires', 'Expires', 'ServerTime'));
        case 'not-yet-valid':
          return new GustError('AccessDenied', 'Request is not valid yet', pick(details, 'ServerTime'));
        case 'skew':
          return new GustError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', pick(details, 'RequestTime', 'ServerTime', 'MaxAllowedSkewMilliseconds'));
        case 'scope':
          return malformed(err.message, presigned, pick(details, 'Region'));
        case 'payload-hash':
          return new GustError('InvalidRequest', err.message);
        default:
          return new GustError('SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH_MESSAGE, pick(details, 'AWSAccessKeyId', 'StringToSign', 'SignatureProvided', 'CanonicalRequest'));
      }
    default:
      return err;
  }
}

/** A malformed Authorization header, or (presigned) malformed X-Amz-* query parameters. */
function malformed(message: string, presigned: boolean | undefined, extra: Record<string, string> = {}): GustError {
  return presigned
    ? new GustError('AuthorizationQueryParametersError', message, extra)
    : new GustError('AuthorizationHeaderMalformed', `The authorization header is malformed; ${message}`, extra);
}

function pick(details: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => details[name] !== undefined).map((name) => [name, details[name]]));
}
