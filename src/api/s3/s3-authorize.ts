// What a key may do on S3. Admin keys: everything. A function's own key: the object data plane,
// as an execution role with S3 object access would; anything else (bucket administration, and any
// operation added later until it is listed here) is AccessDenied.
import { functionOfScope, type KeyScope } from '../../control/access-keys.js';
import { GustError } from '../../errors.js';

/** The data plane a function's key may use: an allowlist, so that a new operation is closed by default. */
const FUNCTION_OPERATIONS: ReadonlySet<string> = new Set([
  'ListBuckets',
  'HeadBucket',
  'GetBucketLocation',
  'ListObjects',
  'ListObjectsV2',
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'DeleteObjects',
  'CopyObject',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
]);

export function authorizeS3(scope: KeyScope, operation: string): void {
  const fn = functionOfScope(scope);
  if (fn !== undefined && !FUNCTION_OPERATIONS.has(operation)) {
    throw new GustError('AccessDenied', `The credentials of function ${fn} are not authorized to perform s3:${operation}; a function's credentials may use objects, not administer buckets.`);
  }
}
