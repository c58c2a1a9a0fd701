// Broker triggers against the machine's real brokers: Mosquitto (MQTT 5), NATS and JetStream,
// RabbitMQ and Redis streams. Each mapping is made with the aws CLI, messages are published with
// the broker's own client, and the recorder function's events are read back from the `seen`
// queue. A broker that is down skips its test with a message; a function key may not make mappings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect as natsConnect } from 'nats';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { RecordedQueue, until } from '../helpers/recorded-events.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const run = promisify(execFile);
const tag = `${process.pid}${Date.now().toString(36)}`;

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
const services = { mqtt: 1883, nats: 4222, rabbitmq: 5672, redis: 6379 };
const up: Record<string, boolean> = {};
for (const [name, port] of Object.entries(services)) {
  up[name] = await reachable(port);
  if (!up[name]) console.log(`# SKIP: ${name} on 127.0.0.1:${port} is unreachable; start it for its broker-trigger test`);
}
const skipUnless = (name: keyof typeof services) => (up[name] ? false : `${name} is unreachable`);

let gust: GustProcess;
let seen: RecordedQueue;
let failures: RecordedQueue;
const aws = async (args: string[]) => JSON.parse((await run('aws', ['--endpoint-url', gust.url, '--output', 'json', ...args], { env: gust.awsEnv() })).stdout || 'null');

const createMapping = (endpoints: Record<string, string[]>, args: string[]) =>
  aws(['lambda', 'create-event-source-mapping', '--function-name', 'recorder', '--self-managed-event-source', JSON.stringify({ Endpoints: endpoints }), ...args]);
const records = (source: string) => seen.items.flatMap((i) => i.event.Records ?? []).filter((r: any) => r.eventSource === source);

before(async () => {
  gust = await startGust();
  const sqs = RecordedQueue.client(gust);
  seen = await new RecordedQueue(sqs, 'seen').create();
  failures = await new RecordedQueue(sqs, 'broker-failures').create();
  await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: 'recorder', Runtime: 'python3.11', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/x', Timeout: 20, Code: { ZipFile: await fixtureZip('python-event-recorder') } }));
});
after(async () => gust?.stop());

test('RabbitMQ: Amazon MQ event shape, ack after success, a failing batch goes to OnFailure after its retries', { skip: skipUnless('rabbitmq') }, async () => {
  const queue = `gust-test-${tag}`;
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  await ch.assertQueue(queue, { durable: false, autoDelete: false });
  try {
    const created = await createMapping({ RABBITMQ_URLS: ['amqp://guest:guest@127.0.0.1:5672'] }, ['--queues', queue, '--batch-size', '5', '--maximum-batching-window-in-seconds', '1', '--maximum-retry-attempts', '1', '--destination-config', JSON.stringify({ OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:broker-failures' } })]);
    assert.equal(created.SelfManagedEventSource.Endpoints.RABBITMQ_URLS[0], 'amqp://guest:****@127.0.0.1:5672', 'the password is not shown back');
    assert.deepEqual(created.Queues, [queue]);
    await until('consumer', async () => ((await ch.checkQueue(queue)).consumerCount > 0 ? true : undefined));
    for (const body of ['one', 'two', 'three']) ch.sendToQueue(queue, Buffer.from(body), { contentType: 'text/plain', messageId: body, headers: { k: 'v' } });
    const events = await seen.waitFor('3 RabbitMQ messages', () => {
      const got = seen.items.filter((i) => i.event.eventSource === 'aws:rmq');
      return got.flatMap((e) => e.event.rmqMessagesByQueue[`${queue}::/`]).length >= 3 ? got : undefined;
    });
    const messages = events.flatMap((e) => e.event.rmqMessagesByQueue[`${queue}::/`]);
    assert.deepEqual(messages.map((m: any) => Buffer.from(m.data, 'base64').toString()), ['one', 'two', 'three']);
    assert.equal(messages[0].basicProperties.contentType, 'text/plain');
    assert.equal(messages[0].basicProperties.messageId, 'one');
    assert.deepEqual(messages[0].basicProperties.headers, { k: 'v' });
    assert.equal(messages[0].basicProperties.bodySize, 3);
    assert.equal(messages[0].redelivered, false);
    await until('acknowledged', async () => ((await ch.checkQueue(queue)).messageCount === 0 ? true : undefined));
    ch.sendToQueue(queue, Buffer.from('FAIL'));
    const [failure] = await failures.waitFor('a failure record', (items) => (items.length > 0 ? items : undefined));
    assert.equal(failure.requestContext.approximateInvokeCount, 2, 'one try and one retry');
    assert.equal(Buffer.from(failure.payload.rmqMessagesByQueue[`${queue}::/`][0].data, 'base64').toString(), 'FAIL');
    await aws(['lambda', 'delete-event-source-mapping', '--uuid', created.UUID]);
  } finally {
    await ch.deleteQueue(queue).catch(() => {});
    await conn.close();
  }
});

test('Redis stream: consumer group, entries in order, acknowledged after success', { skip: skipUnless('redis') }, async () => {
  const stream = `gust-test-${tag}`;
  const redis = new Redis('redis://127.0.0.1:6379');
  try {
    await redis.xadd(stream, '*', 'n', '0'); // before the mapping: TRIM_HORIZON delivers it
    const created = await createMapping({ REDIS_URLS: ['redis://127.0.0.1:6379'] }, ['--topics', stream, '--starting-position', 'TRIM_HORIZON', '--batch-size', '10']);
    for (let n = 1; n <= 4; n++) await redis.xadd(stream, '*', 'n', String(n));
    const got = await seen.waitFor('5 stream entries', () => (records('gust:redis').length >= 5 ? records('gust:redis') : undefined));
    assert.deepEqual(got.map((r: any) => r.fields.n), ['0', '1', '2', '3', '4']);
    const group = `gust-${created.UUID}`;
    await until('all acknowledged', async () => {
      const pending = (await redis.xpending(stream, group)) as [number, ...unknown[]];
      return pending[0] === 0 ? true : undefined;
    });
    await aws(['lambda', 'delete-event-source-mapping', '--uuid', created.UUID]);
  } finally {
    await redis.del(stream);
    redis.disconnect();
  }
});

test('MQTT 5 on Mosquitto: a shared subscription hands the payload JSON to the function, as an IoT rule does', { skip: skipUnless('mqtt') }, async () => {
  const topic = `gust/test/${tag}`;
  const created = await createMapping({ MQTT_BROKER_URLS: ['mqtt://127.0.0.1:1883'] }, ['--topics', `${topic}/+`]);
  assert.equal(created.BatchSize, 1);
  const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5 });
  try {
    // The subscription is in place once a published message arrives: publish until one does.
    await seen.waitFor('a reading', async () => {
      await client.publishAsync(`${topic}/t1`, JSON.stringify({ device: 't1', celsius: 21.5 }), { qos: 1 });
      return seen.items.find((i) => i.event.device === 't1');
    });
    const reading = seen.items.find((i) => i.event.device === 't1');
    assert.deepEqual(reading.event, { device: 't1', celsius: 21.5 });
  } finally {
    await client.endAsync();
  }
  await aws(['lambda', 'delete-event-source-mapping', '--uuid', created.UUID]);
});

test('NATS: a queue-group subscription and a durable JetStream consumer deliver in order', { skip: skipUnless('nats') }, async () => {
  const subject = `gust.test.${tag}`;
  const stream = `GUST_TEST_${tag}`.toUpperCase();
  const nc = await natsConnect({ servers: 'nats://127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${subject}.js.>`] });
  try {
    const core = await createMapping({ NATS_SERVERS: ['nats://127.0.0.1:4222'] }, ['--topics', `${subject}.core`, '--batch-size', '10']);
    const js = await createMapping({ NATS_JETSTREAM_SERVERS: ['nats://127.0.0.1:4222'] }, ['--topics', stream, '--starting-position', 'TRIM_HORIZON', '--batch-size', '10']);
    const jsc = nc.jetstream();
    for (let n = 1; n <= 3; n++) await jsc.publish(`${subject}.js.order`, new TextEncoder().encode(`m${n}`));
    const jsRecords = await seen.waitFor('3 JetStream messages', () => (records('gust:jetstream').length >= 3 ? records('gust:jetstream') : undefined));
    assert.deepEqual(jsRecords.map((r: any) => Buffer.from(r.data, 'base64').toString()), ['m1', 'm2', 'm3']);
    assert.deepEqual(jsRecords.map((r: any) => r.sequence), [1, 2, 3]);
    await until('JetStream acknowledged', async () => ((await jsm.consumers.info(stream, `gust-${js.UUID}`)).num_ack_pending === 0 ? true : undefined));
    // Core NATS keeps nothing for a subscriber that is not there yet: publish until one arrives.
    await seen.waitFor('a core NATS message', async () => {
      nc.publish(`${subject}.core`, new TextEncoder().encode('hello'));
      await nc.flush();
      return records('gust:nats').length > 0 ? true : undefined;
    });
    assert.equal(Buffer.from(records('gust:nats')[0].data, 'base64').toString(), 'hello');
    await aws(['lambda', 'delete-event-source-mapping', '--uuid', core.UUID]);
    await aws(['lambda', 'delete-event-source-mapping', '--uuid', js.UUID]);
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
});

test('bad input is refused with a clear error, and a function key may not create a mapping', async () => {
  await assert.rejects(createMapping({ MQTT_BROKER_URLS: ['http://example.com'] }, ['--topics', 'x']), /takes mqtt: or mqtts: URLs/);
  await assert.rejects(createMapping({ SMTP_SERVERS: ['smtp://x'] }, ['--topics', 'x']), /Endpoints must have exactly one of/);
  await assert.rejects(createMapping({ POSTGRESQL_URLS: ['postgres://127.0.0.1/test'] }, ['--topics', 'x; DROP TABLE y', '--starting-position', 'LATEST']), /Topics must name one table/);
  await assert.rejects(createMapping({ REDIS_URLS: ['redis://127.0.0.1'] }, ['--topics', 's']), /StartingPosition is required/);
  // A function's own credentials (what its sandbox holds) are refused: a function cannot aim Gust at a host.
  const sandboxKey = await functionKey();
  const lambda = new LambdaClient({ endpoint: gust.url, region: 'us-east-1', credentials: sandboxKey, maxAttempts: 1 });
  await assert.rejects(
    lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'recorder', SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['x'] } }, Topics: ['t'] })),
    (err: any) => err.name === 'AccessDeniedException',
  );
});

/** The credentials Gust gives a function's sandbox, handed out by a function that returns them (what hostile code can always do). */
async function functionKey(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'insider', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-own-credentials') } }));
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'insider' }));
  const key = decode(out.Payload);
  return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(key.sessionToken ? { sessionToken: key.sessionToken } : {}) };
}
