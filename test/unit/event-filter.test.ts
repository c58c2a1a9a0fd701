// Lambda's event filtering patterns, as the queue poller applies them to SQS records: each
// operator, `$or`, nesting into a JSON body, and the patterns refused at mapping time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesAny, parseFilterCriteria } from '../../src/triggers/queue/event-filter.js';

const filter = (...patterns: object[]) => parseFilterCriteria({ Filters: patterns.map((p) => ({ Pattern: JSON.stringify(p) })) });
const record = (body: unknown, extra: object = {}) => ({ body, messageAttributes: {}, attributes: { ApproximateReceiveCount: '1' }, ...extra });

test('equality, lists of alternatives and nesting into a JSON body', () => {
  const f = filter({ body: { kind: ['order', 'refund'], meta: { region: ['eu'] } } });
  assert.equal(matchesAny(f, record({ kind: 'order', meta: { region: 'eu' } })), true);
  assert.equal(matchesAny(f, record({ kind: 'refund', meta: { region: 'eu' } })), true);
  assert.equal(matchesAny(f, record({ kind: 'order', meta: { region: 'us' } })), false);
  assert.equal(matchesAny(f, record({ kind: 'other' })), false);
  assert.equal(matchesAny(f, record('plain text')), false);
});

test('a field holding an array matches when any element does', () => {
  assert.equal(matchesAny(filter({ body: { tags: ['b'] } }), record({ tags: ['a', 'b'] })), true);
  assert.equal(matchesAny(filter({ body: { tags: ['c'] } }), record({ tags: ['a', 'b'] })), false);
});

test('prefix, suffix, equals-ignore-case, wildcard', () => {
  assert.equal(matchesAny(filter({ body: { id: [{ prefix: 'ord-' }] } }), record({ id: 'ord-1' })), true);
  assert.equal(matchesAny(filter({ body: { id: [{ prefix: 'ord-' }] } }), record({ id: 'ref-1' })), false);
  assert.equal(matchesAny(filter({ body: { f: [{ suffix: '.png' }] } }), record({ f: 'a.png' })), true);
  assert.equal(matchesAny(filter({ body: { f: [{ suffix: '.png' }] } }), record({ f: 'a.jpg' })), false);
  assert.equal(matchesAny(filter({ body: { s: [{ 'equals-ignore-case': 'OK' }] } }), record({ s: 'ok' })), true);
  assert.equal(matchesAny(filter({ body: { s: [{ wildcard: 'a*c' }] } }), record({ s: 'abbc' })), true);
  assert.equal(matchesAny(filter({ body: { s: [{ wildcard: 'a*c' }] } }), record({ s: 'abbd' })), false);
});

test('anything-but: a value, a list, a prefix', () => {
  assert.equal(matchesAny(filter({ body: { s: [{ 'anything-but': 'x' }] } }), record({ s: 'y' })), true);
  assert.equal(matchesAny(filter({ body: { s: [{ 'anything-but': 'x' }] } }), record({ s: 'x' })), false);
  assert.equal(matchesAny(filter({ body: { s: [{ 'anything-but': ['x', 'y'] }] } }), record({ s: 'y' })), false);
  assert.equal(matchesAny(filter({ body: { s: [{ 'anything-but': { prefix: 'tmp' } }] } }), record({ s: 'tmp1' })), false);
  assert.equal(matchesAny(filter({ body: { s: [{ 'anything-but': { prefix: 'tmp' } }] } }), record({ s: 'keep' })), true);
});

test('numeric ranges and exists', () => {
  const f = filter({ body: { n: [{ numeric: ['>', 0, '<=', 5] }] } });
  assert.equal(matchesAny(f, record({ n: 5 })), true);
  assert.equal(matchesAny(f, record({ n: 0 })), false);
  assert.equal(matchesAny(f, record({ n: '3' })), false);
  assert.equal(matchesAny(filter({ body: { n: [{ exists: true }] } }), record({ n: 1 })), true);
  assert.equal(matchesAny(filter({ body: { n: [{ exists: true }] } }), record({})), false);
  assert.equal(matchesAny(filter({ body: { n: [{ exists: false }] } }), record({})), true);
  assert.equal(matchesAny(filter({ body: { n: [{ exists: false }] } }), record({ n: 1 })), false);
});

test('$or, several filters (any one passes), a plain body and message attributes', () => {
  const or = filter({ body: { $or: [{ a: [1] }, { b: [2] }] } });
  assert.equal(matchesAny(or, record({ b: 2 })), true);
  assert.equal(matchesAny(or, record({ c: 3 })), false);
  const two = filter({ body: { a: [1] } }, { body: { a: [2] } });
  assert.equal(matchesAny(two, record({ a: 2 })), true);
  assert.equal(matchesAny(filter({ body: [{ prefix: 'hello' }] }), record('hello world')), true);
  const attr = filter({ messageAttributes: { kind: { stringValue: ['urgent'] } } });
  assert.equal(matchesAny(attr, record('x', { messageAttributes: { kind: { stringValue: 'urgent', dataType: 'String' } } })), true);
  assert.equal(matchesAny([], record('anything')), true);
});

test('bad patterns are refused when the mapping is made', () => {
  const refuses = (criteria: unknown) => assert.throws(() => parseFilterCriteria(criteria), (e: Error & { code?: string }) => e.code === 'InvalidParameterValueException');
  refuses({ Filters: [{ Pattern: '{not json' }] });
  refuses({ Filters: [{ Pattern: '[1]' }] });
  refuses({ Filters: [{ Pattern: '{"body":{"a":[]}}' }] });
  refuses({ Filters: [{ Pattern: '{"body":{"a":[{"bogus":1}]}}' }] });
  refuses({ Filters: [{ Pattern: '{"body":{"a":[{"numeric":["~",1]}]}}' }] });
  refuses({ Filters: [{ Pattern: '{"body":{"a":[{"exists":"yes"}]}}' }] });
  refuses({ Filters: 'x' });
  refuses({ Filters: Array.from({ length: 6 }, () => ({ Pattern: '{}' })) });
});
