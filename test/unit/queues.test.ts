// The queue service on fake time over a real SqlQueueStore: visibility timeouts, delays,
// retention, long polls woken by a send or by a timeout's end, and shutdown ending long polls.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Queues } from '../../src/queues/queues.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { SqlQueueStore } from '../../src/storage/sql-queue-store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { tempDataDir } from '../helpers/gust-process.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));

async function setup() {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  const clock = new FakeClock(1_000_000);
  const queues = new Queues({ store: new SqlQueueStore(dbs.metadataSql), clock, home: { region: 'us-east-1', accountId: '000000000000', endpoint: () => 'http://127.0.0.1:9000' } });
  return { clock, queues };
}

/** Resolves once a receiver waits on the queue (its claim found nothing). */
async function waiting(queues: Queues, name: string) {
  while (queues.notifier.waiting(name) === 0) await new Promise((r) => setImmediate(r));
}

const bodies = (messages: { body: string }[]) => messages.map((m) => m.body);

test('a received message is invisible for its visibility timeout, then received again', async () => {
  const { clock, queues } = await setup();
  await queues.create('q', { VisibilityTimeout: '30' });
  await queues.send('q', [{ body: 'm' }]);
  const [first] = await queues.receive('q', { max: 1 });
  assert.equal(first.receiveCount, 1);
  assert.deepEqual(await queues.receive('q', { max: 1 }), []);
  clock.advance(29_999);
  assert.deepEqual(await queues.receive('q', { max: 1 }), []);
  clock.advance(1);
  const [again] = await queues.receive('q', { max: 1 });
  assert.deepEqual([again.body, again.receiveCount], ['m', 2]);
  await assert.rejects(queues.deleteMessage('q', first.receiptHandle), { name: 'ReceiptHandleIsInvalid' });
  await queues.deleteMessage('q', again.receiptHandle);
  await queues.deleteMessage('q', again.receiptHandle); // deleting twice is harmless, as on SQS
  clock.advance(60_000);
  assert.deepEqual(await queues.receive('q', { max: 1 }), []);
});

test('delayed messages wait; expired ones are dropped', async () => {
  const { clock, queues } = await setup();
  await queues.create('q', { DelaySeconds: '10', MessageRetentionPeriod: '60' });
  await queues.send('q', [{ body: 'queue delay' }, { body: 'no delay', delaySeconds: 0 }]);
  assert.deepEqual(bodies(await queues.receive('q', { max: 10, visibilityTimeout: 0 })), ['no delay']);
  clock.advance(10_000);
  assert.deepEqual(bodies(await queues.receive('q', { max: 10, visibilityTimeout: 0 })), ['no delay', 'queue delay'], 'in the order they became visible');
  clock.advance(51_000);
  assert.deepEqual(await queues.counts('q'), { visible: 0, inFlight: 0, delayed: 0 }, 'older than the retention period: not counted');
  await queues.send('q', [{ body: 'new', delaySeconds: 0 }]);
  clock.advance(1_000);
  assert.deepEqual(bodies(await queues.receive('q', { max: 10 })), ['new']);
});

test('a long poll is answered by a send, without time passing', async () => {
  const { queues } = await setup();
  await queues.create('q');
  const poll = queues.receive('q', { max: 1, waitSeconds: 20 });
  await waiting(queues, 'q');
  await queues.send('q', [{ body: 'wake' }]);
  assert.deepEqual(bodies(await poll), ['wake']);
});

test('a long poll ends empty at its wait, and wakes when an in-flight message becomes visible', async () => {
  const { clock, queues } = await setup();
  await queues.create('q', { VisibilityTimeout: '5' });
  const empty = queues.receive('q', { max: 1, waitSeconds: 20 });
  await waiting(queues, 'q');
  clock.advance(20_000);
  assert.deepEqual(await empty, []);
  await queues.send('q', [{ body: 'm' }]);
  await queues.receive('q', { max: 1 });
  const poll = queues.receive('q', { max: 1, waitSeconds: 20 });
  await waiting(queues, 'q');
  clock.advance(5_000);
  const [again] = await poll;
  assert.deepEqual([again.body, again.receiveCount], ['m', 2]);
});

test('closing the notifier (shutdown) ends long polls at once, empty', async () => {
  const { queues } = await setup();
  await queues.create('q');
  const poll = queues.receive('q', { max: 1, waitSeconds: 20 });
  await waiting(queues, 'q');
  queues.notifier.close();
  assert.deepEqual(await poll, []);
  assert.deepEqual(await queues.receive('q', { max: 1, waitSeconds: 20 }), [], 'a poll after close answers at once');
});

test('a receiver that went away claims nothing', async () => {
  const { queues } = await setup();
  await queues.create('q');
  const gone = new AbortController();
  const poll = queues.receive('q', { max: 1, waitSeconds: 20, signal: gone.signal });
  await waiting(queues, 'q');
  gone.abort();
  assert.deepEqual(await poll, []);
  await queues.send('q', [{ body: 'kept' }]);
  assert.deepEqual(bodies(await queues.receive('q', { max: 1 })), ['kept']);
});

test('FIFO deduplication lasts 5 minutes', async () => {
  const { clock, queues } = await setup();
  await queues.create('f.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const [a] = await queues.send('f.fifo', [{ body: 'x', groupId: 'g' }]);
  clock.advance(299_999);
  const [b] = await queues.send('f.fifo', [{ body: 'x', groupId: 'g' }]);
  assert.equal((b as { messageId: string }).messageId, (a as { messageId: string }).messageId);
  clock.advance(2);
  const [c] = await queues.send('f.fifo', [{ body: 'x', groupId: 'g' }]);
  assert.notEqual((c as { messageId: string }).messageId, (a as { messageId: string }).messageId);
  assert.equal(await queues.store.count('f.fifo'), 2);
});

test('a message the checks refuse is reported per entry and not stored; the rest of the batch is', async () => {
  const { queues } = await setup();
  await queues.create('q');
  const results = await queues.send('q', [
    { body: 'ok', messageAttributes: { b: { DataType: 'Binary', BinaryValue: 'AQI=' } } },
    { body: 'bad base64', messageAttributes: { b: { DataType: 'Binary', BinaryValue: 'abc' } } },
    { body: 'lone surrogate \uD800' },
    { body: 'x', messageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } } },
  ]);
  assert.deepEqual(results.map((r) => ('code' in r ? r.code : 'sent')), ['sent', 'InvalidParameterValue', 'InvalidMessageContents', 'InvalidParameterValue']);
  assert.deepEqual(bodies(await queues.receive('q', { max: 10 })), ['ok']);
});
