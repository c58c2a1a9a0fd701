// Group commit: writes added in one turn share one commit, each caller hears only after its own
// commit, a failed commit fails just the callers in it, and the next group forms during a write.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from '../../src/storage/group-commit.js';

/** A writer whose commits finish only when the test says so. */
function controlledWriter() {
  const commits: { items: number[]; finish: (err?: Error) => void }[] = [];
  let arrived: () => void = () => {};
  const writer = new GroupCommit<number>(
    (items) =>
      new Promise<void>((resolve, reject) => {
        commits.push({ items, finish: (err) => (err ? reject(err) : resolve()) });
        arrived();
      }),
  );
  const nextCommit = () => new Promise<void>((r) => (arrived = r));
  return { writer, commits, nextCommit };
}

test('writes added in the same turn share one commit, and each settles only after it', async () => {
  const { writer, commits, nextCommit } = controlledWriter();
  const settled: number[] = [];
  const committing = nextCommit();
  const adds = [1, 2, 3].map((n) => writer.add(n).then(() => settled.push(n)));
  await committing;
  assert.deepEqual(commits.map((c) => c.items), [[1, 2, 3]]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(settled, [], 'nobody hears before the commit is done');
  commits[0].finish();
  await Promise.all(adds);
  assert.deepEqual(settled, [1, 2, 3]);
});

test('the next group forms while a commit is in flight; a failed commit fails only its own callers', async () => {
  const { writer, commits, nextCommit } = controlledWriter();
  let committing = nextCommit();
  const first = writer.add(1);
  await committing;
  committing = nextCommit();
  const later = [writer.add(2), writer.add(3)];
  await new Promise((r) => setImmediate(r));
  assert.equal(commits.length, 1, 'no second commit while the first is in flight');
  commits[0].finish(new Error('disk full'));
  await assert.rejects(first, /disk full/);
  await committing;
  assert.deepEqual(commits[1].items, [2, 3]);
  commits[1].finish();
  await Promise.all(later);
});
