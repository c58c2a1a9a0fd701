// What every ObjectStore must do, whatever its backend: buckets, objects in UTF-8 byte order,
// multipart uploads, and the outbox (events committed with the change, or not at all).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectRecord } from '../../src/storage/object-records.js';
import type { ObjectStore } from '../../src/storage/object-store.js';

const obj = (key: string, blobs = [{ id: `b-${key}`, size: 3 }]): ObjectRecord => ({
  bucket: 'bkt', key, size: 3, etag: '"e"', lastModified: 1, headers: { 'Content-Type': 'text/plain' }, metadata: { a: '1' }, checksums: {}, tags: [], blobs,
});

export function objectStoreContract(backend: string, open: () => Promise<{ store: ObjectStore; queued: () => Promise<number> }>) {
  const none = () => [];

  test(`${backend} ObjectStore: buckets are created once, listed and deleted only when empty`, async () => {
    const { store } = await open();
    assert.equal(await store.createBucket({ name: 'bkt', region: 'us-east-1', createdAt: 5 }), true);
    assert.equal(await store.createBucket({ name: 'bkt', region: 'us-east-1', createdAt: 6 }), false);
    assert.deepEqual(await store.buckets(), [{ name: 'bkt', region: 'us-east-1', createdAt: 5 }]);
    await store.putObject(obj('k'), none);
    assert.equal(await store.deleteBucket('bkt'), 'not-empty');
    await store.deleteObjects('bkt', ['k'], () => none);
    assert.equal(await store.deleteBucket('bkt'), 'deleted');
    assert.equal(await store.deleteBucket('bkt'), 'missing');
  });

  test(`${backend} ObjectStore: an overwrite frees the old blobs; listing is in UTF-8 byte order within the prefix`, async () => {
    const { store } = await open();
    await store.createBucket({ name: 'bkt', region: 'r', createdAt: 1 });
    assert.equal(await store.putObject({ ...obj('x'), bucket: 'nope' }, none), undefined);
    assert.deepEqual(await store.putObject(obj('a/1'), none), { freed: [] });
    assert.deepEqual(await store.putObject(obj('a/1', [{ id: 'new', size: 3 }]), none), { freed: ['b-a/1'] });
    for (const k of ['a/\u00e9', 'a/\uffff', 'a/Z', 'b']) await store.putObject(obj(k), none);
    assert.deepEqual((await store.listObjects('bkt', { prefix: 'a/', after: '', limit: 100 })).map((o) => o.key), ['a/1', 'a/Z', 'a/\u00e9', 'a/\uffff']);
    assert.deepEqual((await store.listObjects('bkt', { prefix: '', after: 'a/Z', limit: 2 })).map((o) => o.key), ['a/\u00e9', 'a/\uffff']);
    assert.deepEqual(await store.object('bkt', 'a/1'), obj('a/1', [{ id: 'new', size: 3 }]));
    assert.deepEqual([...(await store.blobIds())].sort(), ['b-a/Z', 'b-a/\u00e9', 'b-a/\uffff', 'b-b', 'new']);
  });

  test(`${backend} ObjectStore: the outbox commits events with the change, and a failing outbox changes nothing`, async () => {
    const { store, queued } = await open();
    await store.createBucket({ name: 'bkt', region: 'r', createdAt: 1 });
    const seen: string[] = [];
    const event = (seq: string) => {
      seen.push(seq);
      return [{ requestId: seq, functionName: 'f', qualifier: '$LATEST', payload: Buffer.from('{}') }];
    };
    await store.putObject(obj('k'), event);
    await store.deleteObjects('bkt', ['k', 'absent'], () => event);
    assert.equal(await queued(), 2);
    assert.ok(seen[1] > seen[0], 'sequencers grow');
    await assert.rejects(store.putObject(obj('k2'), () => { throw new Error('boom'); }));
    assert.equal(await store.object('bkt', 'k2'), undefined);
    assert.equal(await queued(), 2);
  });

  test(`${backend} ObjectStore: multipart parts are replaced, completed into one object, or aborted`, async () => {
    const { store } = await open();
    await store.createBucket({ name: 'bkt', region: 'r', createdAt: 1 });
    const settings = { headers: {}, metadata: {}, tags: [] };
    assert.equal(await store.createUpload({ uploadId: 'u1', bucket: 'bkt', key: 'big', initiated: 1, settings }), true);
    const part = (n: number, blobId: string) => ({ uploadId: 'u1', partNumber: n, blobId, size: 3, etag: '"p"', checksums: {}, lastModified: 1 });
    assert.deepEqual(await store.putPart(part(1, 'p1')), { freed: [] });
    assert.deepEqual(await store.putPart(part(1, 'p1b')), { freed: ['p1'] });
    await store.putPart(part(2, 'p2'));
    await store.putPart(part(3, 'p3'));
    assert.deepEqual((await store.parts('u1', 1)).map((p) => p.partNumber), [2, 3]);
    assert.equal((await store.uploads('bkt', { prefix: '', afterKey: '', afterUploadId: '', limit: 10 })).length, 1);
    assert.equal(await store.deleteBucket('bkt'), 'not-empty');
    const done = await store.completeUpload('u1', obj('big', [{ id: 'p1b', size: 3 }, { id: 'p3', size: 3 }]), [1, 3], none);
    assert.deepEqual(done, { freed: ['p2'] });
    assert.equal(await store.upload('u1'), undefined);
    assert.equal(await store.putPart(part(4, 'p4')), undefined, 'the upload is gone');
    await store.createUpload({ uploadId: 'u2', bucket: 'bkt', key: 'x', initiated: 1, settings });
    await store.putPart({ ...part(1, 'q1'), uploadId: 'u2' });
    assert.deepEqual(await store.abortUpload('u2'), { freed: ['q1'] });
    assert.equal(await store.abortUpload('u2'), undefined);
  });
}
