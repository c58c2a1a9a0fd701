// What a key may do on S3. Admin keys: everything. A function's own key: the object data plane,
// as an execution role with S3 object access would; bucket administration is AccessDenied.
import { functionOfScope, type KeyScope } from '../../control/access-keys.js';
import { GustError } from '../../errors.js';

/** Bucket administration: only admin keys. Every other S3 operation is data plane. */
const ADMIN_ONLY = new Set([
  'CreateBucket',
  'DeleteBucket',
  'PutBucketTagging',
  'GetBucketTagging',
  'DeleteBucketTagging',
  'PutBucketNotificationConfiguration',
  'GetBucketNotificationConfiguration',
]);

export function authorizeS3(scope: KeyScope, operation: string): void {
  const fn = functionOfScope(scope);
  if (fn !== undefined && ADMIN_ONLY.has(operation)) {
    throw new GustError('AccessDenied', `The credentials of function ${fn} are not authorized to perform s3:${operation}; a function's credentials may use objects, not administer buckets.`);
  }
}
