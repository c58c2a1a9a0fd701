// Protocol recognition, on the dispatcher alone (no socket): which service and operation a
// request's head names, in the documented order, with the real service declarations.
import type { Queues } from '../../src/queues/queues.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dispatcher, type Recognition, type RequestHead } from '../../src/api/dispatcher.js';
import type { ConsoleDataRoutes } from '../../src/api/gust/console-data-routes.js';
import type { ImageRoutes } from '../../src/api/gust/image-routes.js';
import type { ObservabilityRoutes } from '../../src/api/gust/observability-routes.js';
import type { GustRoutes } from '../../src/api/gust/gust-routes.js';
import type { LayerApi } from '../../src/api/lambda/layer-routes.js';
import type { LambdaApi } from '../../src/api/lambda/lambda-routes.js';
import type { LogsApi } from '../../src/api/logs/logs-api.js';
import type { SchedulerApi } from '../../src/api/scheduler/scheduler-routes.js';
import { registeredServices } from '../../src/api/services.js';
import type { S3Api } from '../../src/api/s3/s3-service.js';
import { signRequest } from '../../src/api/sigv4.js';

const logs = { operations: { DescribeLogGroups: () => ({}) } } as unknown as LogsApi;
const services = registeredServices({ lambda: {} as LambdaApi, layers: {} as LayerApi, eventSourceMappings: {} as never, logs, scheduler: {} as SchedulerApi, gust: { isPublic: () => false } as unknown as GustRoutes, s3: {} as S3Api, queues: {} as Queues, images: {} as ImageRoutes, observability: {} as ObservabilityRoutes, consoleData: {} as ConsoleDataRoutes });
/** The gateway has one route, GET /items/{id}, and one function URL. */
const gatewayClaims = async (head: RequestHead, path: string) => (head.method === 'GET' && /^\/items\/[^/]+$/.test(path)) || path.startsWith('/lambda-url/0123');
const dispatcher = new Dispatcher(services, gatewayClaims);
const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

function head(method: string, url: string, headers: Record<string, string> = {}, service?: string): RequestHead {
  const signed = service ? signRequest({ method, url: `http://127.0.0.1:9000${url}`, headers, body: '', ...KEY, region: 'us-east-1', service }) : {};
  return { method, url, headers: { host: '127.0.0.1:9000', ...headers, ...signed } };
}

/** A short description of a recognition: `lambda GetFunction`, `lambda ?UnknownOperationException`, `s3`. */
function describe(r: Recognition): string {
  if (r.kind === 'query') return r.service ? `query ${r.service.name}` : 'query';
  if (r.kind !== 'service') return r.kind;
  return `${r.service.name} ${r.failure ? `?${r.failure.code}` : r.operation!.name}`;
}

test('REST-JSON paths name their service and operation, by method, with or without a trailing slash', async () => {
  const cases: [RequestHead, string][] = [
    [head('GET', '/2015-03-31/functions'), 'lambda ListFunctions'],
    [head('GET', '/2015-03-31/functions/'), 'lambda ListFunctions'],
    [head('POST', '/2015-03-31/functions'), 'lambda CreateFunction'],
    [head('GET', '/2015-03-31/functions/f?Qualifier=1'), 'lambda GetFunction'],
    [head('POST', '/2015-03-31/functions/f/invocations'), 'lambda Invoke'],
    [head('DELETE', '/2015-03-31/functions/f/aliases/live'), 'lambda DeleteAlias'],
    [head('GET', '/2019-09-30/functions/f/provisioned-concurrency?List=ALL'), 'lambda GetProvisionedConcurrencyConfig'],
    [head('POST', '/2017-03-31/tags/arn:aws:lambda:us-east-1:000000000000:function:f'), 'lambda TagResource'],
    [head('GET', '/2016-08-19/account-settings/'), 'lambda GetAccountSettings'],
    [head('GET', '/schedules'), 'scheduler ListSchedules'],
    [head('POST', '/schedules/nightly'), 'scheduler CreateSchedule'],
    [head('GET', '/gust/health'), 'gust Health'],
    [head('DELETE', '/gust/routes/cors'), 'gust DeleteCors'],
    [head('DELETE', '/gust/routes/abc'), 'gust RemoveRoute'],
  ];
  for (const [h, expected] of cases) assert.equal(describe(await dispatcher.recognise(h)), expected, `${h.method} ${h.url}`);
});

test('path parameters are percent-decoded; bad percent-encoding is the service’s own 400', async () => {
  const r = await dispatcher.recognise(head('GET', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/aliases/a%20b'));
  assert.equal(r.kind, 'service');
  assert.deepEqual(r.kind === 'service' && r.params, { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:f', Name: 'a b' });
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2015-03-31/functions/%ZZ'))), 'lambda ?InvalidParameterValueException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/schedules/%E0%A4%A'))), 'scheduler ?ValidationException');
});

test('operations Gust lacks, and addresses under a service’s prefix that are no operation, are that service’s UnknownOperationException', async () => {
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2020-04-22/code-signing-configs/arn'))), 'lambda ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2025-11-30/capacity-providers'))), 'lambda ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2018-10-31/layers?find=LayerVersion'))), 'lambda ListLayers');
  assert.equal(describe(await dispatcher.recognise(head('PATCH', '/2015-03-31/functions/f'))), 'lambda ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2015-03-31/nothing/here'))), 'lambda ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/schedule-groups'))), 'scheduler ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/gust/nothing'))), 'gust ?UnknownOperationException');
});

test('awsJson by X-Amz-Target, whatever the path; an operation of the model Gust lacks is UnknownOperationException', async () => {
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'x-amz-target': 'Logs_20140328.DescribeLogGroups' }))), 'logs DescribeLogGroups');
  assert.equal(describe(await dispatcher.recognise(head('POST', '/2015-03-31/functions', { 'x-amz-target': 'Logs_20140328.DescribeLogGroups' }))), 'logs DescribeLogGroups');
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'x-amz-target': 'Logs_20140328.CreateLogGroup' }))), 'logs ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'x-amz-target': 'Logs_20140328.' }))), 'logs ?UnknownOperationException');
  // A target of a service nobody registered, unsigned: nobody's.
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'x-amz-target': 'DynamoDB_20120810.PutItem' }))), 'not-found');
  // Signed for logs but no target: still CloudWatch Logs' answer.
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', {}, 'logs'))), 'logs ?UnknownOperationException');
});

test('S3 by virtual-host address or an s3-scoped signature; Query by Action= on a signed request', async () => {
  assert.equal(describe(await dispatcher.recognise(head('GET', '/key.txt', { host: 'photos.localhost:9000' }))), 's3 GetObject');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2015-03-31/functions', { host: 'photos.localhost' }))), 's3 GetObject');
  assert.equal(describe(await dispatcher.recognise(head('PUT', '/photos/cat.jpg', {}, 's3'))), 's3 PutObject');
  // A Lambda path signed for s3 is still Lambda's (which then refuses the scope).
  assert.equal(describe(await dispatcher.recognise(head('GET', '/2015-03-31/functions', {}, 's3'))), 'lambda ListFunctions');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/?Action=ListQueues&Version=2012-11-05', {}, 'sqs'))), 'query sqs');
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'sqs'))), 'query sqs');
  // At a queue URL, before the gateway: a route at the same path does not take it.
  assert.equal(describe(await dispatcher.recognise(head('GET', '/items/1?Action=ReceiveMessage', {}, 'sqs'))), 'query sqs');
  // Signed for a service that speaks no Query: no service takes it (InvalidAction).
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'sts'))), 'query');
  // SQS's JSON protocol by its target.
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'x-amz-target': 'AmazonSQS.SendMessage' }, 'sqs'))), 'sqs SendMessage');
  assert.equal(describe(await dispatcher.recognise(head('POST', '/', { 'x-amz-target': 'AmazonSQS.AddPermission' }, 'sqs'))), 'sqs ?UnknownOperationException');
  // Unsigned, Action= is just a query string.
  assert.equal(describe(await dispatcher.recognise(head('GET', '/?Action=ListQueues'))), 'not-found');
});

test('the gateway gets only routes and function URLs that exist; the rest is not found, unless signed for a service', async () => {
  assert.equal(describe(await dispatcher.recognise(head('GET', '/items/1'))), 'gateway');
  assert.equal(describe(await dispatcher.recognise(head('POST', '/lambda-url/0123abc/x'))), 'gateway');
  assert.equal(describe(await dispatcher.recognise(head('DELETE', '/items/1'))), 'not-found');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/nothing/here'))), 'not-found');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/schedulesX'))), 'not-found');
  // Signed for a service: that service answers, in its own shape (Scheduler's /tags is too generic to claim otherwise).
  assert.equal(describe(await dispatcher.recognise(head('GET', '/nothing/here', {}, 'lambda'))), 'lambda ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/tags/arn:aws:scheduler:us-east-1:000000000000:schedule/default/x', {}, 'scheduler'))), 'scheduler ?UnknownOperationException');
  assert.equal(describe(await dispatcher.recognise(head('GET', '/items/1', {}, 'lambda'))), 'gateway');
});

test('S3: bucket and key from the address (percent-decoded once), the operation from method, subresources and headers', async () => {
  const s3 = async (method: string, url: string, headers: Record<string, string> = {}) => {
    const r = await dispatcher.recognise(head(method, url, headers, 's3'));
    assert.equal(r.kind, 'service');
    return r.kind === 'service' ? `${r.failure ? `?${r.failure.code}` : r.operation!.name} ${JSON.stringify(r.params)}` : '';
  };
  assert.equal(await s3('GET', '/'), 'ListBuckets {}');
  assert.equal(await s3('PUT', '/bkt'), 'CreateBucket {"Bucket":"bkt"}');
  assert.equal(await s3('GET', '/bkt?list-type=2&prefix=a'), 'ListObjectsV2 {"Bucket":"bkt"}');
  assert.equal(await s3('GET', '/bkt/'), 'ListObjects {"Bucket":"bkt"}');
  assert.equal(await s3('GET', '/bkt?location'), 'GetBucketLocation {"Bucket":"bkt"}');
  assert.equal(await s3('POST', '/bkt?delete'), 'DeleteObjects {"Bucket":"bkt"}');
  assert.equal(await s3('GET', '/bkt/a%20b/c%2520d'), 'GetObject {"Bucket":"bkt","Key":"a b/c%20d"}');
  assert.equal(await s3('PUT', '/bkt/k', { 'x-amz-copy-source': '/src/k' }), 'CopyObject {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('PUT', '/bkt/k?partNumber=2&uploadId=u'), 'UploadPart {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('PUT', '/bkt/k?partNumber=2&uploadId=u', { 'x-amz-copy-source': 'src/k' }), 'UploadPartCopy {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('POST', '/bkt/k?uploads'), 'CreateMultipartUpload {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('POST', '/bkt/k?uploadId=u'), 'CompleteMultipartUpload {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('DELETE', '/bkt/k?uploadId=u'), 'AbortMultipartUpload {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('GET', '/bkt/k?tagging'), 'GetObjectTagging {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('PUT', '/bkt?notification'), 'PutBucketNotificationConfiguration {"Bucket":"bkt"}');
  assert.equal(await s3('GET', '/bkt?acl'), '?NotImplemented {"Bucket":"bkt"}');
  assert.equal(await s3('POST', '/bkt/k'), '?MethodNotAllowed {"Bucket":"bkt","Key":"k"}');
  assert.equal(await s3('GET', '/bkt/%E0%A4%A'), '?InvalidArgument {}');
  // Virtual-host style: the whole path is the key.
  const vhost = await dispatcher.recognise(head('GET', '/a/b.txt', { host: 'my.bucket.localhost:9000' }));
  assert.deepEqual(vhost.kind === 'service' && vhost.params, { Bucket: 'my.bucket', Key: 'a/b.txt' });
});
