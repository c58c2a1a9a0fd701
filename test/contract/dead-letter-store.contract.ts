// What every DeadLetterStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEAD_LETTER_LIST_LIMIT, type DeadLetterStore } from '../../src/storage/dead-letter-store.js';

export function deadLetterStoreContract(backend: string, open: () => Promise<DeadLetterStore>) {
  const letter = (requestId: string, functionName = 'f') => ({
    functionName,
    qualifier: '$LATEST',
    requestId,
    condition: 'RetriesExhausted',
    record: { source: 'DeadLetterConfig', MessageAttributes: { RequestID: requestId } },
    payload: Buffer.from(`{"id":"${requestId}"}`),
  });

  test(`${backend} DeadLetterStore: add, get with its record and payload, delete`, async () => {
    const store = await open();
    await store.add(letter('r1'), 1234);
    const [listed] = await store.list();
    assert.deepEqual({ ...listed, id: undefined }, { ...letter('r1'), id: undefined, createdAt: 1234 });
    assert.deepEqual(await store.get(listed.id), listed);
    await store.delete(listed.id);
    assert.equal(await store.get(listed.id), undefined);
    assert.deepEqual(await store.list(), []);
  });

  test(`${backend} DeadLetterStore: listed oldest first, per function or all, at most the limit`, async () => {
    const store = await open();
    await store.add(letter('a', 'f'));
    await store.add(letter('b', 'g'));
    await store.add(letter('c', 'f'));
    assert.deepEqual((await store.list()).map((d) => d.requestId), ['a', 'b', 'c']);
    assert.deepEqual((await store.list('f')).map((d) => d.requestId), ['a', 'c']);
    assert.deepEqual(await store.list('nobody'), []);
    for (let i = 0; i < DEAD_LETTER_LIST_LIMIT; i++) await store.add(letter(`more-${i}`, 'g'));
    assert.equal((await store.list()).length, DEAD_LETTER_LIST_LIMIT);
  });
}
