// The queue notifier's two doors: a send here wakes this node's long polls and is announced to
// the other nodes; an announcement from another node wakes this node's long polls only (were it
// announced again, two nodes would echo each other for ever).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueNotifier } from '../../src/queues/queue-notifier.js';
import { FakeClock } from '../helpers/fake-clock.js';

test('notify wakes the waiters and announces; wake (another node\'s news) only wakes', async () => {
  const clock = new FakeClock(0);
  const announced: string[] = [];
  const notifier = new QueueNotifier(clock, (queue) => announced.push(queue));
  const sentHere = notifier.wait('jobs', 20_000);
  notifier.notify('jobs');
  await sentHere;
  assert.deepEqual(announced, ['jobs']);
  const sentElsewhere = notifier.wait('jobs', 20_000);
  notifier.wake('jobs');
  await sentElsewhere;
  assert.deepEqual(announced, ['jobs'], 'not announced back');
  assert.equal(notifier.waiting('jobs'), 0);
  assert.equal(clock.pending().length, 0, 'both waits ended before their deadlines');
});
