// Event-source mappings end to end with boto3 and the aws CLI: a recorder function (which sends
// what it was handed to the `seen` queue with its own key) consumes queues through mappings:
// the event's shape, deletion on success, partial batch failure, the redrive policy after
// maxReceiveCount, disable/enable, filter criteria, FIFO order per group, State transitions, and
// a mapping whose messages wait across a restart.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI, FIXTURES, startGust, type GustProcess } from '../helpers/gust-process.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);
let gust: GustProcess;

async function gustCli(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  assert.equal(code, 0, `gust ${args.join(' ')}: ${stderr}`);
  return stdout;
}

const aws = async (args: string[]) => JSON.parse((await run('aws', ['--endpoint-url', gust.url, '--output', 'json', ...args], { env: gust.awsEnv() })).stdout || 'null');

/** Runs a boto3 script with `sqs` and `lam` clients; it prints one JSON document. */
async function boto3(script: string): Promise<any> {
  const prelude = `import boto3, json, botocore.exceptions\nsqs = boto3.client('sqs')\nlam = boto3.client('lambda')\ndef url(n): return sqs.get_queue_url(QueueName=n)['QueueUrl']\n`;
  const { stdout } = await run('python3', ['-c', prelude + script], { env: gust.awsEnv() });
  return JSON.parse(stdout);
}

/** Every batch the recorder has reported so far (read from `seen` and kept here). */
const seen: any[] = [];
async function readSeen(): Promise<void> {
  const got = await boto3(`
out = []
while True:
    r = sqs.receive_message(QueueUrl=url('seen'), MaxNumberOfMessages=10, WaitTimeSeconds=1)
    ms = r.get('Messages', [])
    if not ms: break
    for m in ms:
        out.append(json.loads(m['Body']))
        sqs.delete_message(QueueUrl=url('seen'), ReceiptHandle=m['ReceiptHandle'])
print(json.dumps(out))`);
  seen.push(...got);
}
const recordsOf = (queue: string) => seen.flatMap((b) => b.event.Records).filter((r: any) => r.eventSourceARN.endsWith(`:${queue}`));
async function seenBodies(queue: string, count: number): Promise<string[]> {
  return until(`${count} records from ${queue}`, async () => {
    await readSeen();
    const bodies = recordsOf(queue).map((r: any) => r.body);
    return bodies.length >= count ? bodies : undefined;
  });
}

async function counts(queue: string) {
  const r = await boto3(`print(json.dumps(sqs.get_queue_attributes(QueueUrl=url('${queue}'), AttributeNames=['All'])['Attributes']))`);
  return { visible: Number(r.ApproximateNumberOfMessages), inFlight: Number(r.ApproximateNumberOfMessagesNotVisible) };
}
const drained = (queue: string) => until(`${queue} empty`, async () => {
  const c = await counts(queue);
  return c.visible === 0 && c.inFlight === 0 ? true : undefined;
});

async function mapping(uuid: string) {
  return boto3(`print(json.dumps(lam.get_event_source_mapping(UUID='${uuid}'), default=str))`);
}
const inState = (uuid: string, state: string) => until(`mapping ${state}`, async () => ((await mapping(uuid)).State === state ? true : undefined));

async function createQueue(name: string, attributes: Record<string, string> = {}) {
  await boto3(`sqs.create_queue(QueueName='${name}', Attributes=json.loads(${JSON.stringify(JSON.stringify(attributes))}))\nprint('{}')`);
}
const arn = (queue: string) => `arn:aws:sqs:us-east-1:000000000000:${queue}`;

before(async () => {
  gust = await startGust();
  await gustCli(['deploy', path.join(FIXTURES, 'python-sqs-recorder'), '--name', 'recorder']);
  await createQueue('seen');
});
after(async () => gust?.stop());

test('a mapping hands the function batches of the SQS event shape and deletes them', async () => {
  await createQueue('work');
  const created = await boto3(`print(json.dumps(lam.create_event_source_mapping(EventSourceArn='${arn('work')}', FunctionName='recorder', BatchSize=5), default=str))`);
  assert.equal(created.State, 'Creating');
  assert.equal(created.StateTransitionReason, 'USER_INITIATED');
  assert.equal(created.BatchSize, 5);
  assert.equal(created.MaximumBatchingWindowInSeconds, 0);
  assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:recorder');
  assert.equal(created.EventSourceArn, arn('work'));
  assert.match(created.UUID, /^[0-9a-f-]{36}$/);
  await inState(created.UUID, 'Enabled');
  await boto3(`sqs.send_message(QueueUrl=url('work'), MessageBody='hello', MessageAttributes={'kind': {'DataType': 'String', 'StringValue': 'greeting'}, 'blob': {'DataType': 'Binary', 'BinaryValue': b'\\x00\\x01'}})\nprint('{}')`);
  await seenBodies('work', 1);
  const [record] = recordsOf('work');
  assert.deepEqual(Object.keys(record).sort(), ['attributes', 'awsRegion', 'body', 'eventSource', 'eventSourceARN', 'md5OfBody', 'messageAttributes', 'messageId', 'receiptHandle']);
  assert.equal(record.body, 'hello');
  assert.equal(record.eventSource, 'aws:sqs');
  assert.equal(record.awsRegion, 'us-east-1');
  assert.equal(record.md5OfBody, '5d41402abc4b2a76b9719d911017c592');
  assert.equal(record.attributes.ApproximateReceiveCount, '1');
  assert.match(record.attributes.SentTimestamp, /^\d{13}$/);
  assert.match(record.attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
  assert.equal(typeof record.attributes.SenderId, 'string');
  assert.deepEqual(record.messageAttributes.kind, { stringValue: 'greeting', stringListValues: [], binaryListValues: [], dataType: 'String' });
  assert.deepEqual(record.messageAttributes.blob, { binaryValue: 'AAE=', stringListValues: [], binaryListValues: [], dataType: 'Binary' });
  await drained('work');
  // The function's own key sent to `seen` (data plane) and is refused queue administration.
  await boto3(`sqs.send_message(QueueUrl=url('work'), MessageBody=json.dumps({'tryAdmin': True}))\nprint('{}')`);
  const batch = await until('the admin attempt', async () => {
    await readSeen();
    return seen.find((b) => b.adminRefused);
  });
  assert.equal(batch.adminRefused, 'AccessDeniedException');
  const listed = await aws(['lambda', 'list-event-source-mappings', '--function-name', 'recorder']);
  assert.deepEqual(listed.EventSourceMappings.map((m: any) => m.UUID), [created.UUID]);
  const again = await boto3(`
try:
    lam.create_event_source_mapping(EventSourceArn='${arn('work')}', FunctionName='recorder')
except botocore.exceptions.ClientError as e:
    print(json.dumps(e.response['Error']))`);
  assert.equal(again.Code, 'ResourceConflictException');
});

test('gust subscribe, subscriptions ls and rm', async () => {
  await createQueue('cli-jobs');
  const out = await gustCli(['subscribe', 'cli-jobs', 'recorder', '--batch-size', '20', '--window', '1']);
  const id = /subscription ([0-9a-f-]{36})/.exec(out)![1];
  assert.match(out, /Subscribed recorder to cli-jobs \(batches of up to 20\)/);
  await gustCli(['queue', 'send', 'cli-jobs', 'via the cli']);
  assert.deepEqual(await seenBodies('cli-jobs', 1), ['via the cli']);
  const listed = JSON.parse(await gustCli(['--json', 'subscriptions', 'ls', 'recorder']));
  assert.ok(listed.some((m: any) => m.UUID === id && m.BatchSize === 20 && m.MaximumBatchingWindowInSeconds === 1));
  assert.match(await gustCli(['subscriptions', 'ls']), /cli-jobs\s+recorder\s+20/);
  assert.match(await gustCli(['subscriptions', 'rm', id]), new RegExp(`Removed subscription ${id}`));
  assert.ok(!JSON.parse(await gustCli(['--json', 'subscriptions', 'ls'])).some((m: any) => m.UUID === id));
});

test('bad mappings get Lambda\'s errors', async () => {
  const error = (args: string) => boto3(`
try:
    lam.create_event_source_mapping(${args})
    print('{}')
except botocore.exceptions.ClientError as e:
    print(json.dumps(e.response['Error']))`);
  assert.equal((await error(`EventSourceArn='${arn('no-such-queue')}', FunctionName='recorder'`)).Code, 'InvalidParameterValueException');
  await createQueue('bad-input');
  assert.match((await error(`EventSourceArn='${arn('bad-input')}', FunctionName='nobody'`)).Message, /Function not found/);
  assert.equal((await error(`EventSourceArn='${arn('bad-input')}', FunctionName='recorder', BatchSize=10001`)).Code, 'InvalidParameterValueException');
  assert.match((await error(`EventSourceArn='${arn('bad-input')}', FunctionName='recorder', BatchSize=100`)).Message, /Maximum batch window in seconds must be greater than 0/);
  assert.equal((await error(`EventSourceArn='${arn('bad-input')}', FunctionName='recorder', ScalingConfig={'MaximumConcurrency': 1001}`)).Code, 'InvalidParameterValueException');
  assert.equal((await error(`EventSourceArn='${arn('bad-input')}', FunctionName='recorder', FilterCriteria={'Filters': [{'Pattern': '{nope'}]}`)).Code, 'InvalidParameterValueException');
  const missing = await boto3(`
try:
    lam.get_event_source_mapping(UUID='00000000-0000-0000-0000-000000000000')
except botocore.exceptions.ClientError as e:
    print(json.dumps(e.response['Error']))`);
  assert.equal(missing.Code, 'ResourceNotFoundException');
  assert.deepEqual((await aws(['lambda', 'list-event-source-mappings', '--event-source-arn', arn('bad-input')])).EventSourceMappings, []);
});

test('partial batch failure: reported items come back and reach the dead-letter queue after maxReceiveCount', async () => {
  await createQueue('partial-dlq');
  await createQueue('partial', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('partial-dlq'), maxReceiveCount: 2 }) });
  await aws(['lambda', 'create-event-source-mapping', '--event-source-arn', arn('partial'), '--function-name', 'recorder', '--function-response-types', 'ReportBatchItemFailures', '--batch-size', '10']);
  await boto3(`sqs.send_message_batch(QueueUrl=url('partial'), Entries=[{'Id': 'a', 'MessageBody': 'ok'}, {'Id': 'b', 'MessageBody': json.dumps({'fail': True})}])\nprint('{}')`);
  const moved = await until('the failed message in the dead-letter queue', async () => ((await counts('partial-dlq')).visible === 1 ? true : undefined));
  assert.equal(moved, true);
  await drained('partial');
  const dead = await boto3(`print(json.dumps(sqs.receive_message(QueueUrl=url('partial-dlq'))['Messages'][0]['Body']))`);
  assert.equal(dead, '{"fail": true}');
  await readSeen();
  // 'ok' was handed over once (then deleted); the failed one twice (maxReceiveCount).
  assert.equal(recordsOf('partial').filter((r: any) => r.body === 'ok').length, 1);
  assert.equal(recordsOf('partial').filter((r: any) => r.body !== 'ok').length, 2);
});

test('a function error leaves the whole batch to the visibility timeout and the redrive policy', async () => {
  await createQueue('crashing-dlq');
  await createQueue('crashing', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('crashing-dlq'), maxReceiveCount: 2 }) });
  const m = await aws(['lambda', 'create-event-source-mapping', '--event-source-arn', arn('crashing'), '--function-name', 'recorder', '--batch-size', '1']);
  await boto3(`sqs.send_message(QueueUrl=url('crashing'), MessageBody=json.dumps({'crash': True}))\nprint('{}')`);
  await until('the crashing message in the dead-letter queue', async () => ((await counts('crashing-dlq')).visible === 1 ? true : undefined));
  assert.match((await mapping(m.UUID)).LastProcessingResult, /PROBLEM/);
});

test('disable and enable: Disabling → Disabled, then Enabling → Enabled, and messages wait meanwhile', async () => {
  await createQueue('toggled');
  const m = await aws(['lambda', 'create-event-source-mapping', '--event-source-arn', arn('toggled'), '--function-name', 'recorder', '--no-enabled']);
  assert.equal(m.State, 'Creating');
  await inState(m.UUID, 'Disabled');
  await boto3(`sqs.send_message(QueueUrl=url('toggled'), MessageBody='waited')\nprint('{}')`);
  // Disabled: the message is there for anyone to receive (nobody holds it).
  const peek = await boto3(`r = sqs.receive_message(QueueUrl=url('toggled'), WaitTimeSeconds=5, VisibilityTimeout=0)\nprint(json.dumps([x['Body'] for x in r.get('Messages', [])]))`);
  assert.deepEqual(peek, ['waited']);
  const enabling = await aws(['lambda', 'update-event-source-mapping', '--uuid', m.UUID, '--enabled']);
  assert.equal(enabling.State, 'Enabling');
  await inState(m.UUID, 'Enabled');
  assert.deepEqual(await seenBodies('toggled', 1), ['waited']);
  const disabling = await aws(['lambda', 'update-event-source-mapping', '--uuid', m.UUID, '--no-enabled']);
  assert.equal(disabling.State, 'Disabling');
  await inState(m.UUID, 'Disabled');
  const deleted = await aws(['lambda', 'delete-event-source-mapping', '--uuid', m.UUID]);
  assert.equal(deleted.State, 'Deleting');
});

test('filter criteria: messages that match no filter are deleted without invoking', async () => {
  await createQueue('filtered');
  await aws(['lambda', 'create-event-source-mapping', '--event-source-arn', arn('filtered'), '--function-name', 'recorder', '--batch-size', '1',
    '--filter-criteria', JSON.stringify({ Filters: [{ Pattern: JSON.stringify({ body: { kind: ['keep'], n: [{ numeric: ['>', 1] }] } }) }] })]);
  await boto3(`
for body in [{'kind': 'drop', 'n': 5}, {'kind': 'keep', 'n': 0}, 'not json', {'kind': 'keep', 'n': 2}]:
    sqs.send_message(QueueUrl=url('filtered'), MessageBody=json.dumps(body) if isinstance(body, dict) else body)
print('{}')`);
  await seenBodies('filtered', 1);
  await drained('filtered');
  await readSeen();
  assert.deepEqual(recordsOf('filtered').map((r: any) => JSON.parse(r.body)), [{ kind: 'keep', n: 2 }]);
});

test('a FIFO queue is consumed in order within each message group', async () => {
  await createQueue('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  await aws(['lambda', 'create-event-source-mapping', '--event-source-arn', arn('orders.fifo'), '--function-name', 'recorder', '--batch-size', '3']);
  await boto3(`
for i in range(12):
    sqs.send_message(QueueUrl=url('orders.fifo'), MessageBody=f'{"AB"[i % 2]}{i}', MessageGroupId="AB"[i % 2])
print('{}')`);
  const bodies = await seenBodies('orders.fifo', 12);
  assert.deepEqual(bodies.filter((b) => b.startsWith('A')), ['A0', 'A2', 'A4', 'A6', 'A8', 'A10']);
  assert.deepEqual(bodies.filter((b) => b.startsWith('B')), ['B1', 'B3', 'B5', 'B7', 'B9', 'B11']);
  const record = recordsOf('orders.fifo')[0];
  assert.match(record.attributes.SequenceNumber, /^\d{20}$/);
  assert.equal(typeof record.attributes.MessageGroupId, 'string');
  assert.equal(typeof record.attributes.MessageDeduplicationId, 'string');
});

test('queues as destinations: OnSuccess gets Lambda\'s record, DeadLetterConfig the event with its attributes', async () => {
  await createQueue('dest-ok');
  await createQueue('fn-dlq');
  await gustCli(['deploy', path.join(FIXTURES, 'node-error'), '--name', 'failing']);
  const refused = await boto3(`
try:
    lam.update_function_configuration(FunctionName='failing', DeadLetterConfig={'TargetArn': '${arn('no-such-queue')}'})
except botocore.exceptions.ClientError as e:
    print(json.dumps(e.response['Error']))`);
  assert.equal(refused.Code, 'InvalidParameterValueException');
  await boto3(`
lam.update_function_configuration(FunctionName='failing', DeadLetterConfig={'TargetArn': '${arn('fn-dlq')}'})
lam.put_function_event_invoke_config(FunctionName='failing', MaximumRetryAttempts=0)
lam.put_function_event_invoke_config(FunctionName='recorder', DestinationConfig={'OnSuccess': {'Destination': '${arn('dest-ok')}'}})
lam.invoke(FunctionName='failing', InvocationType='Event', Payload=b'{"order": 7}')
lam.invoke(FunctionName='recorder', InvocationType='Event', Payload=b'{"Records": []}')
print('{}')`);
  const receive = (queue: string) => until(`a message on ${queue}`, async () => {
    const r = await boto3(`r = sqs.receive_message(QueueUrl=url('${queue}'), MessageAttributeNames=['All'], WaitTimeSeconds=2)\nprint(json.dumps(r.get('Messages', [None])[0]))`);
    return r ?? undefined;
  });
  const success = JSON.parse((await receive('dest-ok')).Body);
  assert.equal(success.requestContext.condition, 'Success');
  assert.equal(success.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:recorder:$LATEST');
  assert.deepEqual(success.requestPayload, { Records: [] });
  assert.deepEqual(success.responsePayload, { batchItemFailures: [] });
  assert.equal(success.responseContext.statusCode, 200);
  const dead = await receive('fn-dlq');
  assert.deepEqual(JSON.parse(dead.Body), { order: 7 });
  assert.deepEqual(Object.keys(dead.MessageAttributes).sort(), ['ErrorCode', 'ErrorMessage', 'RequestID']);
  assert.match(dead.MessageAttributes.RequestID.StringValue, /^[0-9a-f-]{36}$/);
});

test('a mapping resumes after a restart and delivers the messages that waited', async () => {
  await createQueue('held');
  await aws(['lambda', 'create-event-source-mapping', '--event-source-arn', arn('held'), '--function-name', 'recorder']);
  // Reserved concurrency 0: the function cannot run, the messages stay on the queue (throttled, not failed).
  await aws(['lambda', 'put-function-concurrency', '--function-name', 'recorder', '--reserved-concurrent-executions', '0']);
  await boto3(`sqs.send_message_batch(QueueUrl=url('held'), Entries=[{'Id': str(i), 'MessageBody': f'held-{i}'} for i in range(3)])\nprint('{}')`);
  await gust.stop();
  gust = await startGust({ dataDir: gust.dataDir });
  const waiting = await counts('held'); // one read: a throttled poller moves messages between the two counts
  assert.equal(waiting.visible + waiting.inFlight, 3);
  await aws(['lambda', 'delete-function-concurrency', '--function-name', 'recorder']);
  const bodies = await seenBodies('held', 3);
  assert.deepEqual(bodies.sort(), ['held-0', 'held-1', 'held-2']);
  await drained('held');
});
