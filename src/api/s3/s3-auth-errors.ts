// STAND-IN for s3auth's s3-auth-errors.ts: SigV4 failures as S3's codes. Replaced at merge.
import { GustError } from '../../errors.js';

export function s3AuthError(err: GustError): GustError {
  switch (err.code) {
    case 'InvalidSignatureException':
      if (/expired/i.test(err.message)) return new GustError('AccessDenied', 'Request has expired');
      return new GustError('SignatureDoesNotMatch', err.message);
    case 'UnrecognizedClientException':
      return new GustError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    case 'MissingAuthenticationTokenException':
    case 'IncompleteSignature':
      return new GustError('AccessDenied', err.message);
    default:
      return err;
  }
}
