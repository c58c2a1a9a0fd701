// Every request lands with the service its protocol names, and an operation Gust lacks answers
// in that service's own error shape, through the real clients: Lambda's and CloudWatch Logs'
// SDKs, the aws CLI for Scheduler, curl for S3's virtual-host addresses, a hand-signed s3 request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CreateCodeSigningConfigCommand, GetCodeSigningConfigCommand, ListCodeSigningConfigsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { signRequest } from '../../src/api/sigv4.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';

const run = promisify(execFile);
let gust: GustProcess;

before(async () => {
  gust = await startGust();
});
after(async () => {
  await gust.stop();
});

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as never;
  }
  throw new Error('expected the call to fail');
}

test('Lambda operations Gust does not implement answer UnknownOperationException, not a 404', async () => {
  const lambda = lambdaClient(gust);
  for (const command of [
    new GetCodeSigningConfigCommand({ CodeSigningConfigArn: 'arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-1' }),
    new ListCodeSigningConfigsCommand({}),
    new CreateCodeSigningConfigCommand({ AllowedPublishers: { SigningProfileVersionArns: ['arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/v1'] } }),
  ]) {
    const err = await failure(lambda.send(command as never));
    assert.equal(err.name, 'UnknownOperationException', command.constructor.name);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, /Gust does not implement the Lambda operation \w+/);
  }
  // The rest of the service still works on the same client.
  assert.ok(Array.isArray((await lambda.send(new ListFunctionsCommand({}))).Functions));
  // The raw answer carries the type where REST-JSON clients read it.
  const url = `${gust.url}/2020-04-22/code-signing-configs`;
  const res = await fetch(url, { headers: signRequest({ method: 'GET', url, body: '', ...gust.credentials, region: gust.region, service: 'lambda' }) });
  assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  assert.ok(res.headers.get('x-amzn-requestid'));
  assert.deepEqual(Object.keys(await res.json()).sort(), ['Message', 'Type']);
});

test('a CloudWatch Logs operation Gust lacks answers {"__type": "UnknownOperationException"}', async () => {
  const err = await failure(logsClient(gust).send(new CreateLogGroupCommand({ logGroupName: '/custom/group' })));
  assert.equal(err.name, 'UnknownOperationException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  const body = '{"logGroupName":"x"}';
  const headers = { 'x-amz-target': 'Logs_20140328.CreateLogGroup', 'content-type': 'application/x-amz-json-1.1' };
  const res = await fetch(`${gust.url}/`, { method: 'POST', body, headers: { ...headers, ...signRequest({ method: 'POST', url: `${gust.url}/`, headers, body, ...gust.credentials, region: gust.region, service: 'logs' }) } });
  assert.equal(((await res.json()) as { __type: string }).__type, 'UnknownOperationException');
});

test('an EventBridge Scheduler operation Gust lacks (schedule groups) answers UnknownOperationException to the aws CLI', async () => {
  const err = await run('aws', ['scheduler', 'list-schedule-groups', '--endpoint-url', gust.url], { env: gust.awsEnv() }).then(
    () => assert.fail('expected the CLI to fail'),
    (e: { stderr: string }) => e.stderr,
  );
  assert.match(err, /UnknownOperationException/);
});

test('S3 requests, virtual-host style or signed for s3, reach the S3 service', async () => {
  const { port } = new URL(gust.url);
  // curl, as an S3 client addresses a bucket on a local endpoint: bucket.localhost.
  const { stdout } = await run('curl', ['-s', '-i', '--resolve', `photos.localhost:${port}:127.0.0.1`, `http://photos.localhost:${port}/cat.jpg`]);
  // Unsigned: S3's AccessDenied, in S3's XML.
  assert.match(stdout, /^HTTP\/1\.1 403/);
  assert.match(stdout, /content-type: application\/xml/i);
  assert.match(stdout, /<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><RequestId>[0-9a-f-]{36}<\/RequestId><\/Error>/);
  // Path style, signed for s3 as the SDKs sign it (the payload unsigned).
  const url = `${gust.url}/photos/cat.jpg`;
  const headers = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const res = await fetch(url, { method: 'PUT', body: 'meow', headers: { ...headers, ...signRequest({ method: 'PUT', url, headers, body: 'meow', ...gust.credentials, region: gust.region, service: 's3' }) } });
  assert.equal(res.status, 404);
  assert.match(await res.text(), /<Code>NoSuchBucket<\/Code><Message>[^<]+<\/Message><BucketName>photos<\/BucketName>/);
});

test('a path no service claims and no route matches is a clear 404; signed for Lambda, it is Lambda’s UnknownOperationException', async () => {
  const missing = await fetch(`${gust.url}/no/such/route`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: 'Not Found' });
  const url = `${gust.url}/no/such/route`;
  const signed = await fetch(url, { headers: signRequest({ method: 'GET', url, body: '', ...gust.credentials, region: gust.region, service: 'lambda' }) });
  assert.equal(signed.status, 400);
  assert.equal(signed.headers.get('x-amzn-errortype'), 'UnknownOperationException');
});
