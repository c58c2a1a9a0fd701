// The pollers of one event-source mapping on fake time over a real queue store: they scale up
// while batches come back full (to the mapping's limit), down to one waiting long poll when the
// queue is empty, and a throttled batch goes back on the queue rather than failing.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GustError } from '../../src/errors.js';
import { Queues } from '../../src/queues/queues.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import type { EventSourceMappingRecord } from '../../src/storage/event-source-mapping-store.js';
import { SqlQueueStore } from '../../src/storage/sql-queue-store.js';
import { MappingPoller, type InvokeOutcome } from '../../src/triggers/queue/mapping-poller.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { tempDataDir } from '../helpers/gust-process.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));

async function setup(invoke: (payload: Buffer) => Promise<InvokeOutcome>, limit: number, batchSize = 5) {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  const clock = new FakeClock(1_000_000);
  const queues = new Queues({ store: new SqlQueueStore(dbs.metadataSql), clock, home: { region: 'us-east-1', accountId: '000000000000', endpoint: () => 'http://127.0.0.1:9000' } });
  await queues.create('q');
  const mapping: EventSourceMappingRecord = {
    uuid: 'u', functionName: 'f', eventSourceArn: queues.arnOf('q'), batchSize, maximumBatchingWindowInSeconds: 0, enabled: true,
    state: 'Enabled', stateTransitionReason: 'USER_INITIATED', lastModified: 0, lastProcessingResult: 'No records processed', functionResponseTypes: [],
  };
  const results: string[] = [];
  const poller = new MappingPoller(mapping, { queues, clock, region: 'us-east-1', invoke: (_f, _q, p) => invoke(p), limit: () => limit, recordResult: (_u, r) => results.push(r), log: () => {} });
  return { clock, queues, poller, results };
}

async function eventually(what: string, check: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 100_000; i++) {
    if (await check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

const send = (queues: Queues, n: number) => queues.send('q', Array.from({ length: n }, (_, i) => ({ body: `m${i}` })));

test('pollers are added while batches come back full, up to the limit, and leave when the queue is empty', async () => {
  const held: (() => void)[] = [];
  let handled = 0;
  const { clock, queues, poller } = await setup((p) => new Promise((resolve) => held.push(() => {
    handled += JSON.parse(p.toString()).Records.length;
    resolve({ payload: Buffer.from('null') });
  })), 4);
  await send(queues, 200);
  poller.start();
  await eventually('one poller holding a batch', () => held.length === 1);
  assert.equal(poller.pollers, 1);
  // Invocations finish as they come while time passes: a full batch adds a poller at most once a
  // second, up to the limit of 4, until all 200 messages are handled.
  await eventually('all handled', async () => {
    held.splice(0).forEach((release) => release());
    clock.advance(500);
    const c = await queues.counts('q');
    return handled === 200 && c.visible === 0 && c.inFlight === 0;
  });
  assert.equal(poller.peak, 4);
  // Idle: the long polls end empty after 20 s and the pollers leave, down to one waiting.
  await eventually('polls waiting', () => queues.notifier.waiting('q') === poller.pollers);
  clock.advance(20_000);
  await eventually('one poller left', async () => {
    clock.advance(20_000);
    return poller.pollers === 1;
  });
  // The one left still serves a new message at once.
  await send(queues, 1);
  await eventually('the new message handed over', () => held.length === 1);
  held.splice(0).forEach((release) => release());
  await eventually('stopped', async () => {
    await poller.stop();
    return poller.pollers === 0;
  });
});

test('batches that are not full add no poller', async () => {
  // (Sends land while a poll is between its look and its wait: the notifier's generation must wake it.)
  const { queues, poller } = await setup(async () => ({ payload: Buffer.from('{}') }), 10);
  poller.start();
  for (let i = 0; i < 5; i++) {
    await send(queues, 2);
    await eventually('handled', async () => {
      const c = await queues.counts('q');
      return c.visible + c.inFlight === 0;
    });
  }
  assert.equal(poller.peak, 1);
  await poller.stop();
});

test('a throttled batch goes back on the queue, not to the function error path', async () => {
  let throttle = true;
  let calls = 0;
  const { clock, queues, poller, results } = await setup(async () => {
    calls++;
    if (throttle) throw new GustError('TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    return { payload: Buffer.from('{}') };
  }, 10);
  await send(queues, 3);
  poller.start();
  await eventually('throttled once', () => calls === 1);
  // Back on the queue within a second (not the 30 s visibility timeout), no problem reported.
  await eventually('visible in a second', async () => {
    const c = await queues.counts('q');
    return c.inFlight === 3;
  });
  throttle = false;
  clock.advance(1000);
  await eventually('delivered once the function can run', async () => {
    clock.advance(1000);
    const c = await queues.counts('q');
    return c.visible === 0 && c.inFlight === 0;
  });
  assert.deepEqual(results, ['OK']);
  await poller.stop();
});
