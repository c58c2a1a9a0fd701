// Every attempt of an async event is metered, as Lambda bills it: an event whose function fails
// and is retried twice is three requests and three durations in /gust/usage, not one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, PutFunctionEventInvokeConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';
import { until } from '../helpers/until.js';

let gust: GustProcess;
let lambda: LambdaClient;

async function gustGet(path: string) {
  const url = gust.url + path;
  const res = await fetch(url, { headers: signRequest({ method: 'GET', url, headers: {}, body: '', ...gust.credentials, region: gust.region, service: 'lambda' }) });
  assert.equal(res.status, 200, path);
  return res.json();
}

before(async () => {
  // Retries follow at once, so that the test does not wait Lambda's minute.
  gust = await startGust({ args: ['--async-retry-delay', '0'] });
  lambda = lambdaClient(gust);
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: 'fails', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-error') } }),
  );
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fails', MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:gust-dead-letters' } } }),
  );
});
after(async () => gust.stop());

test('an async event retried twice is metered three times', async () => {
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'fails', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }));
  assert.equal(invoked.StatusCode, 202);
  const letter = await until('the dead letter', async () => (await gustGet('/gust/dead-letters?function=fails')).deadLetters[0]);
  assert.equal(letter.record.requestContext.approximateInvokeCount, 3);
  const usage = await gustGet('/gust/usage?function=fails');
  assert.equal(usage.functions.length, 1);
  assert.equal(usage.functions[0].requests, 3, 'one metered request per attempt');
  assert.equal(usage.functions[0].errors, 3);
  assert.ok(usage.functions[0].billedMs >= 3, 'each attempt billed at least 1 ms');
});
