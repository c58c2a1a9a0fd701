// What every BlobStore must do: a written blob reads back whole or in ranges across blobs; a
// failed write leaves nothing; the sweep removes what no record keeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { text } from 'node:stream/consumers';
import type { BlobStore } from '../../src/storage/blob-store.js';

async function* chunks(...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
}

export function blobStoreContract(backend: string, open: () => Promise<{ store: BlobStore; files: () => string[] }>) {
  test(`${backend} BlobStore: write, read ranges across blobs, delete`, async () => {
    const { store } = await open();
    const a = await store.write(chunks('hello ', 'wor'));
    const b = await store.write(chunks('ld!'));
    assert.equal(a.size, 9);
    assert.equal(await text(await store.read([a, b], 0, 12)), 'hello world!');
    assert.equal(await text(await store.read([a, b], 7, 11)), 'orld');
    assert.equal(await text(await store.read([a, b], 12, 12)), '');
    const open1 = await store.read([a], 0, 9);
    await store.delete([a.id]);
    assert.equal(await text(open1), 'hello wor', 'a blob opened before its delete still reads');
    await assert.rejects(store.read([a], 0, 9));
  });

  test(`${backend} BlobStore: a failed write leaves nothing behind; the sweep keeps only what is kept`, async () => {
    const { store, files } = await open();
    const before = files().length;
    async function* broken() {
      yield Buffer.from('part');
      throw new Error('client gone');
    }
    await assert.rejects(store.write(broken()), /client gone/);
    await assert.rejects(store.write(chunks('abc'), { beforeCommit: () => { throw new Error('bad digest'); } }), /bad digest/);
    assert.equal(files().length, before);
    const keep = await store.write(chunks('k'));
    const drop = await store.write(chunks('d'));
    assert.equal(await store.sweep((id) => id === keep.id), 1);
    assert.equal(await text(await store.read([keep], 0, 1)), 'k');
    await assert.rejects(store.read([drop], 0, 1));
  });
}
