// The seam between the object store and bucket notifications: what a committed write or delete
// looks like (ObjectChange), a bucket's notification configuration as S3's API models it, and the
// rules that validate a configuration and turn a change into the async events it must fire.
// The object store calls `eventsFor` inside the transaction that commits the change (an outbox).
import type { NewAsyncEvent } from '../../storage/async-event-store.js';

export type ObjectEventName =
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Post'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectRemoved:Delete';

/** One committed change to one object, as the S3 event record reports it. */
export interface ObjectChange {
  bucket: string;
  /** The key as stored (not encoded). */
  key: string;
  eventName: ObjectEventName;
  /** Bytes of the object written; absent for removals. */
  size?: number;
  /** The ETag without quotes; absent for removals. */
  eTag?: string;
  /** Hex, grows with every change to the same key (S3's ordering hint). */
  sequencer: string;
  /** Epoch milliseconds of the commit. */
  time: number;
  /** The S3 request that made the change (x-amz-request-id). */
  requestId: string;
  sourceIp: string;
  /** Who made it: the access key id, or the function name for a function's own key. */
  principalId: string;
}

export interface FilterRule {
  Name: 'prefix' | 'suffix';
  Value: string;
}

export interface LambdaFunctionConfiguration {
  Id: string;
  LambdaFunctionArn: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, ..., `s3:ObjectRemoved:*`, `s3:ObjectRemoved:Delete`. */
  Events: string[];
  Filter?: { Key: { FilterRules: FilterRule[] } };
}

/** A bucket's notification configuration; Gust delivers only to Lambda functions. */
export interface NotificationConfiguration {
  LambdaFunctionConfigurations: LambdaFunctionConfiguration[];
}

/** What the S3 API needs from bucket notifications (implemented in bucket-notifications.ts). */
export interface BucketNotificationRules {
  /** The request body of PutBucketNotificationConfiguration; throws MalformedXML / InvalidArgument. */
  parse(xml: string): NotificationConfiguration;
  /** The body of GetBucketNotificationConfiguration. */
  toXml(config: NotificationConfiguration): string;
  /**
   * S3's check at PutBucketNotificationConfiguration: each function exists and its resource
   * policy lets s3.amazonaws.com invoke it for this bucket; throws InvalidArgument as S3 does
   * ("Unable to validate the following destination configurations").
   */
  validate(bucket: string, config: NotificationConfiguration): Promise<void>;
  /** The async events (one S3 event record each) a committed change fires; [] when none match. */
  eventsFor(config: NotificationConfiguration | undefined, change: ObjectChange): NewAsyncEvent[];
}
