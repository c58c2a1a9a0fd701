// The SQS API through the clients users have: boto3 (the JSON protocol, MD5s verified) for the
// operations, FIFO, redrive and bad input; the aws CLI; @aws-sdk/client-sqs for long polling;
// hand-signed Query-protocol form posts (Action=…) for the XML wire format.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { signRequest } from '../../src/api/sigv4.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
let gust: GustProcess;

before(async () => {
  gust = await startGust();
});
after(async () => {
  await gust.stop();
});

const sqsClient = () => new SQSClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });

test('boto3: queues, messages with attributes, visibility, batches, bad input, redrive to a DLQ and back, FIFO', async () => {
  const { stdout } = await run('python3', [path.join(HERE, 'sqs/boto3-tour.py')], { env: { ...gust.awsEnv(), AWS_DEFAULT_REGION: gust.region } });
  assert.equal(stdout.trim(), 'ok');
});

test('boto3 over the Query protocol (a Query model of SQS): the same tour, in form posts and XML', async () => {
  const dataPath = fs.mkdtempSync(path.join(os.tmpdir(), 'sqs-query-model-'));
  await run('python3', [path.join(HERE, 'sqs/query-model.py'), dataPath]);
  const script = `import boto3; assert boto3.client("sqs").meta.service_model.protocol == "query"; exec(open(${JSON.stringify(path.join(HERE, 'sqs/boto3-tour.py'))}).read())`;
  // A fresh server: the tour creates the same queues.
  const other = await startGust();
  try {
    const { stdout } = await run('python3', ['-c', script], { env: { ...other.awsEnv(), AWS_DEFAULT_REGION: other.region, AWS_DATA_PATH: dataPath } });
    assert.equal(stdout.trim(), 'ok');
  } finally {
    await other.stop();
    fs.rmSync(dataPath, { recursive: true, force: true });
  }
});

test('the aws CLI creates a queue, sends and receives, and reports SQS error codes', async () => {
  const aws = (args: string[]) => run('aws', ['--endpoint-url', gust.url, '--region', gust.region, 'sqs', ...args], { env: gust.awsEnv() });
  const { QueueUrl } = JSON.parse((await aws(['create-queue', '--queue-name', 'cli-q'])).stdout);
  await aws(['send-message', '--queue-url', QueueUrl, '--message-body', 'from the cli', '--message-attributes', '{"k":{"DataType":"String","StringValue":"v"}}']);
  const { Messages } = JSON.parse((await aws(['receive-message', '--queue-url', QueueUrl, '--message-attribute-names', 'All'])).stdout);
  assert.equal(Messages[0].Body, 'from the cli');
  assert.deepEqual(Messages[0].MessageAttributes, { k: { DataType: 'String', StringValue: 'v' } });
  await aws(['delete-message', '--queue-url', QueueUrl, '--receipt-handle', Messages[0].ReceiptHandle]);
  const failed = await aws(['get-queue-url', '--queue-name', 'missing']).then(() => undefined, (err) => err as { stderr: string });
  assert.match(failed!.stderr, /AWS\.SimpleQueueService\.NonExistentQueue/);
});

test('gust queue: create, send, ls, receive --delete, rm; errors exit 1 with SQS\'s message', async () => {
  const gustCli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, 'queue', ...args]);
  assert.match((await gustCli('create', 'cmd-jobs', '--visibility-timeout', '5')).stdout, /\/000000000000\/cmd-jobs\n$/);
  assert.match((await gustCli('create', 'cmd-orders', '--fifo')).stdout, /\/cmd-orders\.fifo\n$/);
  await gustCli('send', 'cmd-jobs', '{"task":1}');
  await gustCli('send', 'cmd-orders.fifo', 'first', '--group', 'g', '--dedup-id', '1');
  const listed = JSON.parse((await gustCli('ls', '--json')).stdout) as { name: string; messages: number }[];
  assert.deepEqual(listed.filter((q) => q.name.startsWith('cmd-')).map((q) => [q.name, q.messages]), [['cmd-jobs', 1], ['cmd-orders.fifo', 1]]);
  assert.equal((await gustCli('receive', 'cmd-jobs', '--max', '10', '--wait', '1', '--delete')).stdout, '{"task":1}\n');
  assert.equal((await gustCli('receive', 'cmd-jobs')).stdout, 'No messages.\n');
  await gustCli('rm', 'cmd-jobs');
  const failed = await gustCli('send', 'cmd-jobs', 'x').then(() => undefined, (err) => err as { code: number; stderr: string });
  assert.equal(failed?.code, 1);
  assert.match(failed!.stderr, /QueueDoesNotExist: The specified queue does not exist/);
});

test('@aws-sdk/client-sqs: a long poll is answered when a message is sent, not at the end of its wait', async () => {
  const sqs = sqsClient();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'long-poll' }));
  const started = Date.now();
  const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }));
  // The poll is waiting (nothing to claim) before the send: the send must wake it.
  await new Promise((r) => setTimeout(r, 300));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up', MessageAttributes: { a: { DataType: 'Number', StringValue: '1' } } }));
  const { Messages } = await polling;
  assert.equal(Messages?.[0].Body, 'wake up');
  assert.ok(Date.now() - started < 20_000, 'answered before the 20 s wait ended');
  sqs.destroy();
});

async function query(params: Record<string, string>, at = '/'): Promise<{ status: number; text: string }> {
  const url = gust.url + at;
  const body = new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const res = await fetch(url, { method: 'POST', body, headers: { ...headers, ...signRequest({ method: 'POST', url, headers, body, ...gust.credentials, region: gust.region, service: 'sqs' }) } });
  return { status: res.status, text: await res.text() };
}

test('the Query protocol: flattened parameters in, XML out, errors as ErrorResponse', async () => {
  const created = await query({ Action: 'CreateQueue', QueueName: 'query-q', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '12', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
  assert.equal(created.status, 200, created.text);
  const queueUrl = /<CreateQueueResult><QueueUrl>([^<]+)<\/QueueUrl><\/CreateQueueResult>/.exec(created.text)![1];
  assert.match(created.text, /<CreateQueueResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/">.*<ResponseMetadata><RequestId>[\w-]+<\/RequestId><\/ResponseMetadata><\/CreateQueueResponse>$/);
  const sent = await query({ Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: 'a <b> & c', 'MessageAttribute.1.Name': 'n', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'v' });
  assert.match(sent.text, /<SendMessageResult><MessageId>[\w-]+<\/MessageId><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MD5OfMessageAttributes>[0-9a-f]{32}<\/MD5OfMessageAttributes><\/SendMessageResult>/);
  // Posted to the queue URL itself, as older SDKs do, without a QueueUrl parameter.
  const received = await query({ Action: 'ReceiveMessage', 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' }, new URL(queueUrl).pathname);
  assert.match(received.text, /<Message><MessageId>.*<Body>a &lt;b&gt; &amp; c<\/Body>.*<Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute>.*<MessageAttribute><Name>n<\/Name><Value><DataType>String<\/DataType><StringValue>v<\/StringValue><\/Value><\/MessageAttribute><\/Message>/);
  const attributes = await query({ Action: 'GetQueueAttributes', QueueUrl: queueUrl, 'AttributeName.1': 'VisibilityTimeout' });
  assert.match(attributes.text, /<GetQueueAttributesResult><Attribute><Name>VisibilityTimeout<\/Name><Value>12<\/Value><\/Attribute><\/GetQueueAttributesResult>/);
  const batch = await query({ Action: 'SendMessageBatch', QueueUrl: queueUrl, 'SendMessageBatchRequestEntry.1.Id': 'x', 'SendMessageBatchRequestEntry.1.MessageBody': '1', 'SendMessageBatchRequestEntry.2.Id': 'x', 'SendMessageBatchRequestEntry.2.MessageBody': '2' });
  assert.equal(batch.status, 400);
  assert.match(batch.text, /<ErrorResponse><Error><Type>Sender<\/Type><Code>AWS.SimpleQueueService.BatchEntryIdsNotDistinct<\/Code>/);
  const missing = await query({ Action: 'GetQueueUrl', QueueName: 'nope' });
  assert.match(missing.text, /<Code>AWS.SimpleQueueService.NonExistentQueue<\/Code>/);
  const unknown = await query({ Action: 'Frobnicate' });
  assert.match(unknown.text, /<Code>InvalidAction<\/Code>/);
  const listed = await query({ Action: 'ListQueues', QueueNamePrefix: 'query-' });
  assert.match(listed.text, /<ListQueuesResult><QueueUrl>[^<]+\/query-q<\/QueueUrl><\/ListQueuesResult>/);
});

test('the JSON protocol names SQS errors as SQS does, with the Query code in x-amzn-query-error', async () => {
  const url = gust.url + '/';
  const body = JSON.stringify({ QueueName: 'nope' });
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' };
  const res = await fetch(url, { method: 'POST', body, headers: { ...headers, ...signRequest({ method: 'POST', url, headers, body, ...gust.credentials, region: gust.region, service: 'sqs' }) } });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.deepEqual(await res.json(), { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
});
