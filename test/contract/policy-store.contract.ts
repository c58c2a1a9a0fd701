// What every PolicyStore must do, whatever its backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyStatement, PolicyStore } from '../../src/storage/policy-store.js';

export function policyStoreContract(backend: string, open: () => Promise<PolicyStore>) {
  const statement = (Sid: string): PolicyStatement => ({
    Sid,
    Effect: 'Allow',
    Principal: { Service: 's3.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: 'arn:aws:lambda:r:1:function:f',
    Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' } },
  });

  test(`${backend} PolicyStore: put, get with its statements and revision, replace`, async () => {
    const store = await open();
    assert.equal(await store.get('f', '$LATEST'), undefined);
    await store.put('f', '$LATEST', { revisionId: 'r1', statements: [statement('a')] });
    assert.deepEqual(await store.get('f', '$LATEST'), { revisionId: 'r1', statements: [statement('a')] });
    await store.put('f', '$LATEST', { revisionId: 'r2', statements: [statement('a'), statement('b')] });
    assert.deepEqual(await store.get('f', '$LATEST'), { revisionId: 'r2', statements: [statement('a'), statement('b')] });
    assert.equal(await store.get('f', 'live'), undefined, 'each qualifier has its own policy');
  });

  test(`${backend} PolicyStore: a policy with no statements left is gone`, async () => {
    const store = await open();
    await store.put('f', '1', { revisionId: 'r1', statements: [statement('a')] });
    await store.put('f', '1', { revisionId: 'r2', statements: [] });
    assert.equal(await store.get('f', '1'), undefined);
  });

  test(`${backend} PolicyStore: delete one qualifier's, deleteFunction every one of a function`, async () => {
    const store = await open();
    for (const q of ['$LATEST', '1', 'live']) await store.put('f', q, { revisionId: q, statements: [statement(q.replace('$', ''))] });
    await store.put('g', '$LATEST', { revisionId: 'g', statements: [statement('g')] });
    await store.delete('f', 'live');
    assert.equal(await store.get('f', 'live'), undefined);
    assert.equal((await store.get('f', '1'))?.revisionId, '1');
    await store.deleteFunction('f');
    assert.equal(await store.get('f', '$LATEST'), undefined);
    assert.equal(await store.get('f', '1'), undefined);
    assert.equal((await store.get('g', '$LATEST'))?.revisionId, 'g');
  });
}
