import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFunctionName } from '../../src/control/function-names.js';

const home = { region: 'us-east-1', accountId: '000000000000' };

test('names, qualified names, partial and full ARNs', () => {
  assert.deepEqual(parseFunctionName('my-fn', home), { name: 'my-fn' });
  assert.deepEqual(parseFunctionName('my-fn:3', home), { name: 'my-fn', qualifier: '3' });
  assert.deepEqual(parseFunctionName('000000000000:function:my-fn', home), { name: 'my-fn' });
  assert.deepEqual(parseFunctionName('arn:aws:lambda:us-east-1:000000000000:function:my-fn:$LATEST', home), { name: 'my-fn', qualifier: '$LATEST' });
});

test('illegal names are a ValidationException', () => {
  for (const bad of ['', 'a'.repeat(65), 'has space', '../etc', '%2e%2e', 'ünï', 'a:b:c:d', 'x'.repeat(171)]) {
    assert.throws(() => parseFunctionName(bad, home), { code: 'ValidationException' }, bad);
  }
});

test('ARNs of another account or region are not found', () => {
  assert.throws(() => parseFunctionName('arn:aws:lambda:us-east-1:123456789012:function:f', home), { code: 'ResourceNotFoundException' });
  assert.throws(() => parseFunctionName('arn:aws:lambda:eu-west-1:000000000000:function:f', home), { code: 'ResourceNotFoundException' });
});
