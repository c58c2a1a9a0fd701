// SQS durability: messages acknowledged by SendMessage survive kill -9, and a message received
// but not deleted before the crash is handed out again once its visibility timeout ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startGust, type GustProcess } from '../helpers/gust-process.js';

const client = (gust: GustProcess) => new SQSClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });

test('acknowledged messages survive kill -9; a received, undeleted one reappears after its visibility timeout', async () => {
  const first = await startGust();
  let sqs = client(first);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'durable', Attributes: { VisibilityTimeout: '1' } }));
  const sent = new Set<string>();
  for (let i = 0; i < 20; i++) {
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
    sent.add(`m${i}`);
  }
  await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `b${i}`, MessageBody: `b${i}` })) }));
  for (let i = 0; i < 10; i++) sent.add(`b${i}`);
  // One message is in flight (received, not deleted) when the server dies.
  const inFlight = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 2 }))).Messages![0];
  await first.kill9();
  sqs.destroy();

  const second = await startGust({ dataDir: first.dataDir });
  try {
    sqs = client(second);
    const url = QueueUrl!.replace(first.url, second.url);
    const seen = new Map<string, number>();
    // Long polls until every message came back, the in-flight one once its timeout ended.
    while (seen.size < sent.size) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 5, VisibilityTimeout: 600, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      for (const m of Messages) seen.set(m.Body!, Number(m.Attributes!.ApproximateReceiveCount));
    }
    assert.deepEqual([...seen.keys()].sort(), [...sent].sort());
    assert.equal(seen.get(inFlight.Body!), 2, 'the message in flight at the crash came back, received a second time');
  } finally {
    sqs.destroy();
    await second.stop();
  }
});
