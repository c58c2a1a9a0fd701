// Bucket notifications: the XML boto3 really sends, S3's checks and errors, which changes match
// which configurations, the exact S3 event record, and validation against resource policies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GustError } from '../../src/errors.js';
import { createBucketNotificationRules } from '../../src/control/objects/bucket-notifications.js';
import type { NotificationConfiguration, ObjectChange } from '../../src/control/objects/object-change.js';
import { encodeEventKey } from '../../src/control/objects/s3-event-record.js';

const home = { region: 'us-east-1', accountId: '000000000000' };
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const rules = createBucketNotificationRules({ home, functionExists: async () => true, allowsS3: async () => true });

// Captured from botocore's serializer (put_bucket_notification_configuration, boto3 1.43).
const BOTO3_BODY =
  '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration><Id>copy</Id><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:copy</CloudFunction><Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:Delete</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration><CloudFunctionConfiguration><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:other:live</CloudFunction><Event>s3:ObjectCreated:Put</Event><Filter><S3Key><FilterRule><Name>suffix</Name><Value>.png</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>';
const BOTO3_EMPTY = '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/" />';

const config = (xml: string) => `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xml}</NotificationConfiguration>`;
const fn = (inner: string, name = 'copy') => `<CloudFunctionConfiguration><CloudFunction>${arn(name)}</CloudFunction>${inner}</CloudFunctionConfiguration>`;

function rejects(xml: string, code: string, message?: RegExp): GustError {
  let caught: unknown;
  try {
    rules.parse(xml);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof GustError, `expected ${code} for ${xml}`);
  assert.equal(caught.code, code);
  if (message) assert.match(caught.message, message);
  return caught;
}

test("boto3's body parses; an Id is generated when none is sent; toXml reads back the same", () => {
  const parsed = rules.parse(BOTO3_BODY);
  const [first, second] = parsed.LambdaFunctionConfigurations;
  assert.deepEqual(first, {
    Id: 'copy',
    LambdaFunctionArn: arn('copy'),
    Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:Delete'],
    Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.jpg' }] } },
  });
  assert.equal(second.LambdaFunctionArn, `${arn('other')}:live`);
  assert.ok(second.Id.length > 0);
  assert.deepEqual(second.Filter, { Key: { FilterRules: [{ Name: 'suffix', Value: '.png' }] } });
  const xml = rules.toXml(parsed);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<NotificationConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><CloudFunctionConfiguration><Id>copy<\/Id><Filter><S3Key><FilterRule><Name>Prefix<\/Name>/); // capitalised, as S3 answers
  assert.match(xml, /<CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:copy<\/CloudFunction><Event>s3:ObjectCreated:\*<\/Event><Event>s3:ObjectRemoved:Delete<\/Event><\/CloudFunctionConfiguration>/);
  assert.deepEqual(rules.parse(xml), parsed);
});

test('an empty configuration (how boto3 removes all notifications) is no configurations', () => {
  assert.deepEqual(rules.parse(BOTO3_EMPTY), { LambdaFunctionConfigurations: [] });
  assert.deepEqual(rules.parse(config('')), { LambdaFunctionConfigurations: [] });
  assert.equal(rules.toXml({ LambdaFunctionConfigurations: [] }).endsWith('<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></NotificationConfiguration>'), true);
});

test('values are XML-escaped and read back', () => {
  const parsed = rules.parse(config(fn('<Id>a&amp;b</Id><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>&lt;x&gt;</Value></FilterRule></S3Key></Filter>')));
  assert.equal(parsed.LambdaFunctionConfigurations[0].Id, 'a&b');
  assert.deepEqual(rules.parse(rules.toXml(parsed)), parsed);
});

test('malformed XML, a wrong root, missing elements or a DTD: MalformedXML', () => {
  const message = /^The XML you provided was not well-formed or did not validate against our published schema$/;
  for (const bad of [
    '',
    '<NotificationConfiguration>',
    '<Other/>',
    'not xml',
    config('<Unknown/>'),
    config(fn('')), // no Event
    config('<CloudFunctionConfiguration><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration>'), // no function
    config(fn('<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a</Value><Extra/></FilterRule></S3Key></Filter>')),
    '<!DOCTYPE x [<!ENTITY a "aaaa">]><NotificationConfiguration/>',
  ]) {
    rejects(bad, 'MalformedXML', message);
  }
});

test('queues, topics and EventBridge are refused: Gust delivers only to functions', () => {
  const err = rejects(config('<QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration>'), 'InvalidArgument', /only to Lambda functions/);
  assert.equal(err.extra.ArgumentName, 'QueueConfiguration');
  rejects(config('<TopicConfiguration><Topic>arn:aws:sns:us-east-1:000000000000:t</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration>'), 'InvalidArgument');
  rejects(config('<EventBridgeConfiguration/>'), 'InvalidArgument');
});

test("unknown events, bad filter rules, bad ARNs and overlapping filters: InvalidArgument with S3's messages", () => {
  const event = rejects(config(fn('<Event>s3:ObjectCreated:Upload</Event>')), 'InvalidArgument', /^The event is not supported for notifications$/);
  assert.deepEqual(event.extra, { ArgumentName: 'Event', ArgumentValue: 's3:ObjectCreated:Upload' });
  const name = rejects(config(fn('<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>middle</Name><Value>a</Value></FilterRule></S3Key></Filter>')), 'InvalidArgument', /^filter rule name must be either prefix or suffix$/);
  assert.deepEqual(name.extra, { ArgumentName: 'FilterRule.Name', ArgumentValue: 'middle' });
  const twice = '<FilterRule><Name>prefix</Name><Value>a</Value></FilterRule><FilterRule><Name>Prefix</Name><Value>b</Value></FilterRule>';
  rejects(config(fn(`<Event>s3:ObjectCreated:*</Event><Filter><S3Key>${twice}</S3Key></Filter>`)), 'InvalidArgument', /^Cannot specify more than one prefix rule in a filter\.$/);
  rejects(config('<CloudFunctionConfiguration><CloudFunction>arn:aws:sqs:us-east-1:000000000000:q</CloudFunction><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration>'), 'InvalidArgument', /ARN is not well formed/);
  const overlap = /^Configuration is ambiguously defined\. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type\.$/;
  rejects(config(fn('<Event>s3:ObjectCreated:*</Event>') + fn('<Event>s3:ObjectCreated:Put</Event>', 'other')), 'InvalidArgument', overlap);
  const prefixed = (p: string, e = 's3:ObjectCreated:*') => fn(`<Event>${e}</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>${p}</Value></FilterRule></S3Key></Filter>`);
  rejects(config(prefixed('images/') + prefixed('images/thumbs/')), 'InvalidArgument', overlap);
  rejects(config(fn('<Id>same</Id><Event>s3:ObjectCreated:*</Event>') + fn('<Id>same</Id><Event>s3:ObjectRemoved:*</Event>')), 'InvalidArgument', /Same ID/);
  // Disjoint prefixes, or the same filter for different event types, are fine.
  assert.equal(rules.parse(config(prefixed('images/') + prefixed('videos/'))).LambdaFunctionConfigurations.length, 2);
  assert.equal(rules.parse(config(prefixed('a/') + prefixed('a/', 's3:ObjectRemoved:*'))).LambdaFunctionConfigurations.length, 2);
});

const change = (over: Partial<ObjectChange> = {}): ObjectChange => ({
  bucket: 'uploads',
  key: 'in/cat.jpg',
  eventName: 'ObjectCreated:Put',
  size: 1234,
  eTag: '0123456789abcdef0123456789abcdef',
  sequencer: '0000000000000001',
  time: Date.UTC(2026, 10, 3, 12, 0, 0, 45),
  requestId: 'C3D13FE58DE4C810',
  sourceIp: '127.0.0.1',
  principalId: 'AKIAEXAMPLE',
  ...over,
});

test('eventsFor: the exact S3 event record, one event per matching configuration', () => {
  const parsed = rules.parse(BOTO3_BODY);
  const events = rules.eventsFor(parsed, change());
  assert.equal(events.length, 1); // copy (ObjectCreated:* under in/, .jpg); not other:live (.png)
  assert.equal(events[0].functionName, 'copy');
  assert.equal(events[0].qualifier, '$LATEST');
  assert.match(events[0].requestId, /^[0-9a-f-]{36}$/);
  assert.notEqual(rules.eventsFor(parsed, change())[0].requestId, events[0].requestId);
  const payload = JSON.parse(events[0].payload.toString());
  assert.deepEqual(Object.keys(payload), ['Records']);
  const record = payload.Records[0];
  assert.equal(record.responseElements['x-amz-id-2'].length > 0, true);
  record.responseElements['x-amz-id-2'] = 'HOST';
  assert.deepEqual(record, {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-03T12:00:00.045Z',
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AKIAEXAMPLE' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'HOST' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'copy',
      bucket: { name: 'uploads', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::uploads' },
      object: { key: 'in/cat.jpg', size: 1234, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0000000000000001' },
    },
  });
});

test('eventsFor: wildcards, exact names, prefix and suffix, removals without size or eTag', () => {
  const parsed = rules.parse(BOTO3_BODY);
  const names = (c: ObjectChange, cfg: NotificationConfiguration = parsed) => rules.eventsFor(cfg, c).map((e) => `${e.functionName}:${e.qualifier}`);
  assert.deepEqual(names(change({ eventName: 'ObjectCreated:Copy' })), ['copy:$LATEST']); // :* yes, :Put no
  assert.deepEqual(names(change({ eventName: 'ObjectCreated:CompleteMultipartUpload', key: 'in/x.png' })), []);
  assert.deepEqual(names(change({ key: 'out/cat.jpg' })), []);
  assert.deepEqual(names(change({ key: 'in/cat.jpg.txt' })), []);
  assert.deepEqual(names(change({ key: 'in/cat.png' })), ['other:live']);
  assert.deepEqual(names(change({ key: 'in/cat.png', eventName: 'ObjectCreated:Post' })), []);
  // Two configurations that do not overlap can both fire for one change of different kinds of keys.
  const two = rules.parse(config(fn('<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a/</Value></FilterRule></S3Key></Filter>') + fn('<Event>s3:ObjectRemoved:*</Event>', 'other')));
  assert.deepEqual(names(change({ key: 'a/x' }), two), ['copy:$LATEST']);
  assert.deepEqual(names(change({ key: 'a/x', eventName: 'ObjectRemoved:Delete' }), two), ['other:$LATEST']);
  const removal = rules.eventsFor(parsed, change({ eventName: 'ObjectRemoved:Delete', size: undefined, eTag: undefined }));
  assert.equal(removal.length, 1);
  const object = JSON.parse(removal[0].payload.toString()).Records[0].s3.object;
  assert.deepEqual(object, { key: 'in/cat.jpg', sequencer: '0000000000000001' });
  assert.deepEqual(rules.eventsFor(undefined, change()), []);
  assert.deepEqual(rules.eventsFor({ LambdaFunctionConfigurations: [] }, change()), []);
});

test('keys are URL-encoded as S3 encodes them (unquote_plus gives the key back)', () => {
  assert.equal(encodeEventKey('in/my photo (1).jpg'), 'in/my+photo+%281%29.jpg');
  assert.equal(encodeEventKey('a+b=c&d:e'), 'a%2Bb%3Dc%26d%3Ae');
  assert.equal(encodeEventKey('café/日本.txt'), 'caf%C3%A9/%E6%97%A5%E6%9C%AC.txt');
  assert.equal(encodeEventKey('safe-._*/key'), 'safe-._*/key');
  for (const key of ['in/my photo (1).jpg', 'a+b=c&d:e', 'café/日本.txt', '100% done?#']) {
    assert.equal(decodeURIComponent(encodeEventKey(key).replace(/\+/g, ' ')), key);
  }
  const [event] = rules.eventsFor(rules.parse(config(fn('<Event>s3:ObjectCreated:*</Event>'))), change({ key: 'my file.txt' }));
  assert.equal(JSON.parse(event.payload.toString()).Records[0].s3.object.key, 'my+file.txt');
});

test('validate: every function must exist and let s3.amazonaws.com invoke it for this bucket', async () => {
  const calls: string[] = [];
  const strict = createBucketNotificationRules({
    home,
    functionExists: async (name) => name !== 'missing',
    allowsS3: async (name, qualifier, bucketArn) => {
      calls.push(`${name}|${qualifier}|${bucketArn}`);
      return name !== 'private';
    },
  });
  const parsed = (names: string[]) => ({
    LambdaFunctionConfigurations: names.map((n, i) => ({ Id: `c${i}`, LambdaFunctionArn: n.startsWith('arn:') ? n : arn(n), Events: [`s3:ObjectCreated:*`] })),
  });
  await strict.validate('uploads', parsed(['open', `${arn('open')}:live`]));
  assert.deepEqual(calls, ['open|undefined|arn:aws:s3:::uploads', 'open|live|arn:aws:s3:::uploads']);
  await assert.rejects(strict.validate('uploads', parsed(['open', 'private', 'missing', 'arn:aws:lambda:eu-west-1:000000000000:function:open'])), (err: GustError) => {
    assert.equal(err.code, 'InvalidArgument');
    assert.equal(err.message, 'Unable to validate the following destination configurations');
    assert.deepEqual(err.extra, {
      ArgumentName1: arn('private'),
      ArgumentValue1: `Not authorized to invoke function [${arn('private')}]`,
      ArgumentName2: arn('missing'),
      ArgumentValue2: `Not authorized to invoke function [${arn('missing')}]`,
      ArgumentName3: 'arn:aws:lambda:eu-west-1:000000000000:function:open',
      ArgumentValue3: 'Not authorized to invoke function [arn:aws:lambda:eu-west-1:000000000000:function:open]',
    });
    return true;
  });
  await strict.validate('uploads', { LambdaFunctionConfigurations: [] });
});
