import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

test('defaults work with nothing set', () => {
  const c = loadConfig({}, {});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 9000);
  assert.equal(c.keepAliveSeconds, 600);
  assert.equal(c.concurrencyLimit, 1000);
  assert.ok(Object.isFrozen(c));
});

test('flags win over the environment', () => {
  const c = loadConfig({ port: '0' }, { GUST_PORT: '1234', GUST_KEEP_ALIVE: '5' });
  assert.equal(c.port, 0);
  assert.equal(c.keepAliveSeconds, 5);
});

test('every problem is reported at once', () => {
  try {
    loadConfig({ port: 'abc' }, { GUST_CONCURRENCY_LIMIT: '0', GUST_MEMORY_ENFORCEMENT: 'maybe' });
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3);
  }
});

test('authentication is on unless explicitly turned off', () => {
  assert.equal(loadConfig({}, {}).auth, true);
  assert.equal(loadConfig({ auth: false }, {}).auth, false);
  assert.equal(loadConfig({}, { GUST_AUTH: 'off' }).auth, false);
  assert.throws(() => loadConfig({}, { GUST_AUTH: 'maybe' }), ConfigError);
});

test('log groups are capped at 100 MB unless configured; 0 turns the cap off', () => {
  assert.equal(loadConfig({}, {}).logGroupMaxMb, 100);
  assert.equal(loadConfig({ logGroupMaxMb: '5' }, {}).logGroupMaxMb, 5);
  assert.equal(loadConfig({}, { GUST_LOG_GROUP_MAX_MB: '0' }).logGroupMaxMb, 0);
  assert.throws(() => loadConfig({}, { GUST_LOG_GROUP_MAX_MB: '-1' }), ConfigError);
  assert.throws(() => loadConfig({}, { GUST_LOG_GROUP_MAX_MB: 'lots' }), ConfigError);
});
