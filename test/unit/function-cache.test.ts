import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryFunctionCache } from '../../src/storage/function-cache.js';
import { functionRecord } from '../contract/function-records.js';

test('a record read before a write to its function is not cached after the write', () => {
  const cache = new InMemoryFunctionCache();
  const mark = cache.mark(); // a reader starts reading the database…
  cache.invalidate('f'); // …a writer changes f meanwhile…
  cache.set('f', '$LATEST', functionRecord('f'), mark); // …and the reader's (old) record arrives
  assert.equal(cache.get('f', '$LATEST'), undefined);
  cache.set('f', '$LATEST', functionRecord('f'), cache.mark());
  assert.equal(cache.get('f', '$LATEST')?.name, 'f');
});

test('invalidating a function forgets all its versions and no other function', () => {
  const cache = new InMemoryFunctionCache();
  for (const [name, version] of [['f', '$LATEST'], ['f', '1'], ['g', '1']]) cache.set(name, version, functionRecord(name, version), cache.mark());
  cache.invalidate('f');
  assert.equal(cache.get('f', '$LATEST'), undefined);
  assert.equal(cache.get('f', '1'), undefined);
  assert.equal(cache.get('g', '1')?.name, 'g');
});
