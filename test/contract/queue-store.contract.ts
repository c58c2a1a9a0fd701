// What every QueueStore must do, whatever its backend: messages claimed by one receiver at a
// time and visible again when their timeout ends, receipts checked, FIFO groups in order,
// dedup ids within the window, retention, dead-lettering and moving messages back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClaimOptions, NewQueueMessage, QueueStore } from '../../src/storage/queue-store.js';

export function queueStoreContract(backend: string, open: () => Promise<QueueStore>) {
  let n = 0;
  const message = (body: string, at = 0, extra: Partial<NewQueueMessage> = {}): NewQueueMessage => ({ messageId: `m${++n}`, body, senderId: 'acct', sentAt: at, visibleAt: at, ...extra });
  const claim = (o: Partial<ClaimOptions> = {}): ClaimOptions => ({ max: 10, now: 0, visibleUntil: 30_000, fifo: false, expiredBefore: -1, newReceipt: () => `r${++n}`, ...o });
  const queue = async (store: QueueStore, name: string) => assert.ok(await store.createQueue({ name, attributes: {}, tags: {}, createdAt: 0, modifiedAt: 0 }));

  test(`${backend} QueueStore: queues are created once, listed by prefix in order, updated and deleted with their messages`, async () => {
    const store = await open();
    await queue(store, 'b_1');
    await queue(store, 'a');
    await queue(store, 'bx');
    assert.equal(await store.createQueue({ name: 'a', attributes: { X: '1' }, tags: {}, createdAt: 5, modifiedAt: 5 }), false);
    assert.deepEqual(await store.listQueues('', '', 10), ['a', 'b_1', 'bx']);
    assert.deepEqual(await store.listQueues('b_', '', 10), ['b_1'], '_ is not a wildcard');
    assert.deepEqual(await store.listQueues('', 'a', 1), ['b_1']);
    assert.ok(await store.updateQueue('a', { attributes: { VisibilityTimeout: '5' }, tags: { t: 'v' } }, 7));
    assert.deepEqual(await store.getQueue('a'), { name: 'a', attributes: { VisibilityTimeout: '5' }, tags: { t: 'v' }, createdAt: 0, modifiedAt: 7 });
    await store.send('a', [message('x')]);
    assert.ok(await store.deleteQueue('a'));
    assert.equal(await store.deleteQueue('a'), false);
    assert.equal(await store.count('a'), 0);
  });

  test(`${backend} QueueStore: a claimed message goes to one receiver, comes back after its timeout, and is deleted by its current receipt only`, async () => {
    const store = await open();
    await queue(store, 'q');
    await store.send('q', [message('one', 0, { messageAttributes: { a: { DataType: 'String', StringValue: 'v' } } }), message('two', 0), message('later', 0, { visibleAt: 5000 })]);
    assert.deepEqual(await store.counts('q', 0), { visible: 2, inFlight: 0, delayed: 1 });
    const first = await store.claim('q', claim({ max: 1 }));
    assert.deepEqual(first.received.map((m) => [m.body, m.receiveCount, m.messageAttributes]), [['one', 1, { a: { DataType: 'String', StringValue: 'v' } }]]);
    const second = await store.claim('q', claim());
    assert.deepEqual(second.received.map((m) => m.body), ['two'], 'the claimed one and the delayed one are not handed out');
    assert.equal(await store.nextVisibleAt('q', 0), 5000);
    assert.deepEqual(await store.counts('q', 0), { visible: 0, inFlight: 2, delayed: 1 });
    const again = await store.claim('q', claim({ now: 30_000, visibleUntil: 60_000 }));
    // A standard queue hands out in the order messages became visible: the delayed one first.
    assert.deepEqual(again.received.map((m) => [m.body, m.receiveCount, m.firstReceivedAt]), [['later', 1, 30_000], ['one', 2, 0], ['two', 2, 0]]);
    const one = first.received[0];
    assert.equal(await store.deleteMessage('q', one.seq, one.receipt!), 'stale', 'the first receipt is no longer the current one');
    assert.equal(await store.deleteMessage('q', one.seq, again.received[1].receipt!), 'ok');
    assert.equal(await store.deleteMessage('q', one.seq, again.received[1].receipt!), 'gone');
    const two = again.received[2];
    assert.equal(await store.changeVisibility('q', two.seq, two.receipt!, 30_000, 30_000), 'ok');
    assert.equal(await store.changeVisibility('q', two.seq, two.receipt!, 40_000, 30_000), 'not-in-flight');
    assert.deepEqual((await store.claim('q', claim({ now: 30_000, visibleUntil: 60_000 }))).received.map((m) => m.body), ['two']);
    assert.equal(await store.purge('q'), 2, 'two and later are left');
  });

  test(`${backend} QueueStore: FIFO hands out a group in order, and not while one of its messages is in flight`, async () => {
    const store = await open();
    await queue(store, 'f.fifo');
    await store.send('f.fifo', [message('a1', 0, { groupId: 'a' }), message('a2', 0, { groupId: 'a' }), message('b1', 0, { groupId: 'b' })]);
    const first = await store.claim('f.fifo', claim({ fifo: true, max: 1 }));
    assert.deepEqual(first.received.map((m) => m.body), ['a1']);
    assert.deepEqual((await store.claim('f.fifo', claim({ fifo: true }))).received.map((m) => m.body), ['b1'], 'group a waits for a1');
    assert.equal(await store.deleteMessage('f.fifo', first.received[0].seq, first.received[0].receipt!), 'ok');
    assert.deepEqual((await store.claim('f.fifo', claim({ fifo: true }))).received.map((m) => m.body), ['a2']);
  });

  test(`${backend} QueueStore: a deduplication id seen within the window keeps the first message`, async () => {
    const store = await open();
    await queue(store, 'd.fifo');
    const [sent] = await store.send('d.fifo', [message('x', 1000, { groupId: 'g', dedupId: 'k' })], 0);
    const [dup] = await store.send('d.fifo', [message('x again', 2000, { groupId: 'g', dedupId: 'k' })], 1000);
    assert.deepEqual(dup, { ...sent, duplicate: true });
    assert.equal(await store.count('d.fifo'), 1);
    const [late] = await store.send('d.fifo', [message('x later', 9000, { groupId: 'g', dedupId: 'k' })], 1001);
    assert.equal(late.duplicate, false, 'outside the window it is a new message');
    assert.equal(await store.count('d.fifo'), 2);
  });

  test(`${backend} QueueStore: expired messages are dropped, over-received ones go to the dead-letter queue and can be moved back`, async () => {
    const store = await open();
    await queue(store, 'src');
    await queue(store, 'dlq');
    await store.send('src', [message('old', 0), message('poison', 100)]);
    const deadLetter = { queue: 'dlq', maxReceiveCount: 1 };
    const got = await store.claim('src', claim({ now: 100, visibleUntil: 200, expiredBefore: 50, deadLetter }));
    assert.deepEqual(got.received.map((m) => m.body), ['poison'], 'the expired one is gone');
    const moved = await store.claim('src', claim({ now: 200, visibleUntil: 300, expiredBefore: 50, deadLetter }));
    assert.deepEqual([moved.received.length, moved.movedToDeadLetter], [0, 1]);
    assert.deepEqual([await store.count('src'), await store.count('dlq')], [0, 1]);
    assert.equal(await store.moveMessages('dlq', 'src', 10, 300), 1);
    const back = await store.claim('src', claim({ now: 300 }));
    assert.deepEqual(back.received.map((m) => [m.body, m.receiveCount]), [['poison', 1]]);
    await store.putMoveTask('h', 'dlq', { Status: 'COMPLETED' }, 300);
    assert.deepEqual(await store.listMoveTasks('dlq'), [{ handle: 'h', task: { Status: 'COMPLETED' } }]);
  });

  test(`${backend} QueueStore: with a visibility timeout of 0, one claim still hands each message out once`, async () => {
    const store = await open();
    await queue(store, 'z');
    await store.send('z', [message('a'), message('b')]);
    assert.deepEqual((await store.claim('z', claim({ visibleUntil: 0 }))).received.map((m) => m.body), ['a', 'b']);
    assert.deepEqual((await store.claim('z', claim({ visibleUntil: 0 }))).received.map((m) => m.receiveCount), [2, 2]);
  });

  test(`${backend} QueueStore: concurrent claims never hand one message to two receivers`, async () => {
    const store = await open();
    await queue(store, 'c');
    await store.send('c', Array.from({ length: 30 }, (_, i) => message(`m${i}`)));
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claim('c', claim({ max: 5 }))));
    const bodies = claims.flatMap((c) => c.received.map((m) => m.body));
    assert.equal(bodies.length, 30);
    assert.equal(new Set(bodies).size, 30);
  });
}
