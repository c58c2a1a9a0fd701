// STAND-IN for s3notify's bucket-notifications.ts. Replaced at merge.
import { GustError } from '../../errors.js';
import type { BucketNotificationRules } from './object-change.js';

export function createBucketNotificationRules(_deps: {
  home: { region: string; accountId: string };
  functionExists(name: string): Promise<boolean>;
  allowsS3(functionName: string, qualifier: string | undefined, bucketArn: string): Promise<boolean>;
}): BucketNotificationRules {
  return {
    parse: () => {
      throw new GustError('NotImplemented', 'Bucket notifications are not implemented yet.');
    },
    toXml: () => '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
    validate: async () => {},
    eventsFor: () => [],
  };
}
