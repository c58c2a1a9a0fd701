// Bucket notifications to functions: the rules the S3 API applies to a bucket's notification
// configuration (read, write, validate against functions and their policies) and the async
// events a committed object change fires, one S3 event record per matching configuration.
import { randomUUID } from 'node:crypto';
import { LATEST } from '../function-record.js';
import { parseFunctionName } from '../function-names.js';
import type { NewAsyncEvent } from '../../storage/async-event-store.js';
import type { BucketNotificationRules, LambdaFunctionConfiguration, NotificationConfiguration, ObjectChange } from './object-change.js';
import { invalidArgument, notificationToXml, parseNotificationXml } from './notification-xml.js';
import { s3EventRecord } from './s3-event-record.js';

export interface BucketNotificationDeps {
  home: { region: string; accountId: string };
  functionExists(name: string): Promise<boolean>;
  /** The function's (or its version's or alias's) resource policy lets s3.amazonaws.com invoke it for the bucket. */
  allowsS3(functionName: string, qualifier: string | undefined, bucketArn: string): Promise<boolean>;
}

/** True when a configuration's event type covers the change: itself, or its `:*` wildcard. */
export function eventMatches(configured: string, eventName: string): boolean {
  const full = `s3:${eventName}`;
  return configured === full || (configured.endsWith(':*') && full.startsWith(configured.slice(0, -1)));
}

/** True when the key passes the configuration's prefix and suffix rules (matched on the key as stored). */
export function keyMatches(config: LambdaFunctionConfiguration, key: string): boolean {
  return (config.Filter?.Key.FilterRules ?? []).every((r) => (r.Name === 'prefix' ? key.startsWith(r.Value) : key.endsWith(r.Value)));
}

export function createBucketNotificationRules(deps: BucketNotificationDeps): BucketNotificationRules {
  const target = (arn: string) => {
    try {
      return parseFunctionName(arn, deps.home);
    } catch {
      return undefined; // another region or account: no function here can be it
    }
  };

  return {
    parse: parseNotificationXml,
    toXml: notificationToXml,

    async validate(bucket: string, config: NotificationConfiguration): Promise<void> {
      const bucketArn = `arn:aws:s3:::${bucket}`;
      const failures: string[] = [];
      for (const c of config.LambdaFunctionConfigurations) {
        const ref = target(c.LambdaFunctionArn);
        const ok = ref !== undefined && (await deps.functionExists(ref.name)) && (await deps.allowsS3(ref.name, ref.qualifier, bucketArn));
        if (!ok && !failures.includes(c.LambdaFunctionArn)) failures.push(c.LambdaFunctionArn);
      }
      if (failures.length === 0) return;
      // S3 lists each destination it could not validate as ArgumentName<n> / ArgumentValue<n>.
      const extra: Record<string, string> = {};
      failures.forEach((arn, i) => {
        extra[`ArgumentName${i + 1}`] = arn;
        extra[`ArgumentValue${i + 1}`] = `Not authorized to invoke function [${arn}]`;
      });
      throw invalidArgument('Unable to validate the following destination configurations', extra);
    },

    eventsFor(config: NotificationConfiguration | undefined, change: ObjectChange): NewAsyncEvent[] {
      if (!config) return [];
      const events: NewAsyncEvent[] = [];
      for (const c of config.LambdaFunctionConfigurations) {
        if (!c.Events.some((e) => eventMatches(e, change.eventName)) || !keyMatches(c, change.key)) continue;
        const ref = target(c.LambdaFunctionArn);
        if (!ref) continue;
        const record = s3EventRecord(change, { region: deps.home.region, accountId: deps.home.accountId, configurationId: c.Id });
        events.push({ requestId: randomUUID(), functionName: ref.name, qualifier: ref.qualifier ?? LATEST, payload: Buffer.from(JSON.stringify({ Records: [record] })) });
      }
      return events;
    },
  };
}
