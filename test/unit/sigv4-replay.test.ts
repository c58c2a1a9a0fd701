// A replayed signature is verified once and then remembered (api/sigv4-replay-cache.ts): what it
// must never do is let a remembered head through with another body, a revoked key, or past the
// 15-minute window. Fake time (node:test's Date mock), no server.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { sigV4Authenticator } from '../../src/api/authenticator.js';
import { signRequest } from '../../src/api/sigv4.js';
import type { AccessKey } from '../../src/storage/access-key-store.js';

const T = Date.UTC(2026, 11, 2, 12, 0, 0);
const KEY: AccessKey = { accessKeyId: 'AKIDREPLAYTEST', secretAccessKey: 'replay-secret', scope: 'admin', createdAt: 0 };
const PATH = '/2015-03-31/functions/f/invocations';

/** What node:http would hand the authenticator for this signed request. */
function signedRequest(body: string): IncomingMessage {
  const base = { host: '127.0.0.1:9000', 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' };
  const signed = signRequest({ method: 'POST', url: `http://127.0.0.1:9000${PATH}`, headers: base, body, accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  const headers = { ...base, ...signed };
  return { method: 'POST', url: PATH, headers, rawHeaders: Object.entries(headers).flat() } as unknown as IncomingMessage;
}

function setup() {
  const keys = new Map([[KEY.accessKeyId, KEY]]);
  const auth = sigV4Authenticator((id) => keys.get(id), 'us-east-1');
  const check = (req: IncomingMessage, body: string) => {
    auth.precheck(req, ['lambda']);
    return auth.verify(req, Buffer.from(body), ['lambda']);
  };
  return { keys, check };
}

const refusedWith = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

test('a signature replayed with its own body passes every time', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: T + 1000 });
  const { check } = setup();
  const req = signedRequest('{"n":1}');
  for (let i = 0; i < 3; i++) assert.equal(check(req, '{"n":1}'), 'admin');
});

test('a remembered head with another body is refused', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: T + 1000 });
  const { check } = setup();
  const req = signedRequest('{"n":1}');
  check(req, '{"n":1}');
  assert.throws(() => check(req, '{"n":2}'), refusedWith('InvalidSignatureException'));
  assert.equal(check(req, '{"n":1}'), 'admin', 'the right body still passes');
});

test('a remembered head is refused once its key is revoked', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: T + 1000 });
  const { keys, check } = setup();
  const req = signedRequest('{}');
  check(req, '{}');
  keys.delete(KEY.accessKeyId);
  assert.throws(() => check(req, '{}'), refusedWith('UnrecognizedClientException'));
});

test('a remembered head is refused once its key has another secret', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: T + 1000 });
  const { keys, check } = setup();
  const req = signedRequest('{}');
  check(req, '{}');
  keys.set(KEY.accessKeyId, { ...KEY, secretAccessKey: 'rotated' });
  assert.throws(() => check(req, '{}'), refusedWith('InvalidSignatureException'));
});

test('a remembered head is refused 15 minutes after it was signed', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: T + 1000 });
  const { check } = setup();
  const req = signedRequest('{}');
  check(req, '{}');
  t.mock.timers.tick(15 * 60_000);
  assert.throws(() => check(req, '{}'), refusedWith('InvalidSignatureException'));
});
