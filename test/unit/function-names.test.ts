import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFunctionName, parseNewFunctionName } from '../../src/control/function-names.js';

const home = { region: 'us-east-1', accountId: '000000000000' };

test('names, qualified names, partial and full ARNs', () => {
  assert.deepEqual(parseFunctionName('my-fn', home), { name: 'my-fn' });
  assert.deepEqual(parseFunctionName('my-fn:3', home), { name: 'my-fn', qualifier: '3' });
  assert.deepEqual(parseFunctionName('000000000000:function:my-fn', home), { name: 'my-fn' });
  assert.deepEqual(parseFunctionName('arn:aws:lambda:us-east-1:000000000000:function:my-fn:$LATEST', home), { name: 'my-fn', qualifier: '$LATEST' });
});

test('illegal names are a ValidationException', () => {
  for (const bad of ['', 'has space', '../etc', '%2e%2e', 'ünï', 'a:b:c:d']) {
    assert.throws(() => parseFunctionName(bad, home), { code: 'ValidationException' }, bad);
  }
});

test('a lookup accepts what Lambda looks up (and then does not find); a new name is held to 64 characters', () => {
  assert.deepEqual(parseFunctionName('a'.repeat(65), home), { name: 'a'.repeat(65) });
  assert.throws(() => parseNewFunctionName('a'.repeat(65), home), { code: 'InvalidParameterValueException', message: /Member must have length less than or equal to 64/ });
  assert.throws(() => parseNewFunctionName('my.fn', home), { code: 'ValidationException' });
  assert.throws(() => parseFunctionName('f', home, 'a'.repeat(129)), { code: 'ValidationException', message: /at 'qualifier'.*less than or equal to 128/ });
});

test('ARNs of another region are not reachable, of another account denied', () => {
  assert.throws(() => parseFunctionName('arn:aws:lambda:us-east-1:123456789012:function:f', home), { code: 'AccessDeniedException' });
  assert.throws(() => parseFunctionName('arn:aws:lambda:eu-west-1:000000000000:function:f', home), {
    code: 'ResourceNotFoundException',
    message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
  });
});
