// SigV4: the verifier accepts AWS's published test vectors and what the AWS SDK for JavaScript and
// botocore sign; signRequest agrees with the SDK signer; every tampering maps to AWS's error code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { precheckRequest, signRequest, verifyRequest, SIGNATURE_MISMATCH_MESSAGE, type SigningSecret, type VerifyInput, type VerifyResult } from '../../src/api/sigv4.js';

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const codeOf = (r: VerifyResult) => (r.ok ? 'ok' : r.code);
const messageOf = (r: VerifyResult) => (r.ok ? '' : r.message);
const lookup = (keys: Record<string, string | SigningSecret>) => (id: string) => {
  const k = keys[id];
  return typeof k === 'string' ? { secret: k } : k;
};

/** Verifies a request given as a full URL or a request target, the way the HTTP server sees it. */
function verify(method: string, url: string, headers: Record<string, string | string[]>, body: string, keys: Record<string, string | SigningSecret>, now: number | Date, extra: Partial<VerifyInput> = {}) {
  const u = url.startsWith('/') ? undefined : new URL(url);
  const target = u ? url.slice(u.origin.length) : url;
  const lower = Object.fromEntries(Object.entries({ ...(u && { host: u.host }), ...headers }).map(([k, v]) => [k.toLowerCase(), v]));
  return verifyRequest({ method, path: target, headers: lower, bodySha256Hex: sha(body), lookupSecret: lookup(keys), now, ...extra });
}

// ---- AWS's published vectors ------------------------------------------------------------------

// The SigV4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html, as kept in
// smithy-typescript's suite.fixture.ts and aws-c-auth): service "service", so paths are normalized and
// encoded twice. [name, method, request target, extra headers, SignedHeaders, Signature, body]
const SUITE_KEY = { AKIDEXAMPLE: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_NOW = Date.parse('2015-08-30T12:36:00Z');
const TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
const VANILLA = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const POST_VANILLA = '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b';
const SH = 'host;x-amz-date';
const nonUnreserved = `${encodeURIComponent('@#$%^')}=&${encodeURIComponent('+')}=${encodeURIComponent('/,?><`";:\\|][{}')}`;
const suite: [string, string, string, Record<string, string | string[]>, string, string, string?][] = [
  ['get-vanilla', 'GET', '/', {}, SH, VANILLA],
  ['get-header-key-duplicate', 'GET', '/', { 'my-header1': ['value2', 'value2', 'value1'] }, 'host;my-header1;x-amz-date', 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea'],
  ['get-header-value-multiline', 'GET', '/', { 'my-header1': 'value1,value2,value3' }, 'host;my-header1;x-amz-date', 'ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790'],
  ['get-header-value-order', 'GET', '/', { 'my-header1': ['value4', 'value1', 'value3', 'value2'] }, 'host;my-header1;x-amz-date', '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01'],
  ['get-header-value-trim', 'GET', '/', { 'my-header1': ' value1', 'my-header2': ' "a   b   c" ' }, 'host;my-header1;my-header2;x-amz-date', 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736'],
  ['get-unreserved', 'GET', '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', {}, SH, '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f'],
  ['get-utf8', 'GET', '/ሴ', {}, SH, '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85'],
  ['get-vanilla-empty-query-key', 'GET', '/?Param1=value1', {}, SH, 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb'],
  ['get-vanilla-query-order-key-case', 'GET', '/?Param2=value2&Param1=value1', {}, SH, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
  ['get-vanilla-query-unreserved', 'GET', '/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', {}, SH, '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197'],
  ['get-vanilla-utf8-query', 'GET', '/?ሴ=bar', {}, SH, '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04'],
  ['get-vanilla-utf8-query, percent-encoded on the wire', 'GET', '/?%E1%88%B4=bar', {}, SH, '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04'],
  ['post-vanilla', 'POST', '/', {}, SH, POST_VANILLA],
  ['post-header-key-sort', 'POST', '/', { 'my-header1': 'value1' }, 'host;my-header1;x-amz-date', 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c'],
  ['post-header-value-case', 'POST', '/', { 'my-header1': 'VALUE1' }, 'host;my-header1;x-amz-date', 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d'],
  ['post-sts-header-after', 'POST', '/', { 'x-amz-security-token': TOKEN }, SH, POST_VANILLA],
  ['post-sts-header-before', 'POST', '/', { 'x-amz-security-token': TOKEN }, 'host;x-amz-date;x-amz-security-token', '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead'],
  ['post-vanilla-empty-query-value', 'POST', '/?Param1=value1', {}, SH, '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11'],
  ['post-vanilla-query-nonunreserved', 'POST', `/?${nonUnreserved}`, {}, SH, '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e'],
  ['post-vanilla-query-space', 'POST', '/?p', {}, SH, 'e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b'],
  ['post-x-www-form-urlencoded', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'content-type;host;x-amz-date', 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a', 'Param1=value1'],
  ['post-x-www-form-urlencoded-parameters', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' }, 'content-type;host;x-amz-date', '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe', 'Param1=value1'],
  ['normalize-path/get-relative', 'GET', '/example/..', {}, SH, VANILLA],
  ['normalize-path/get-relative-relative', 'GET', '/example1/example2/../..', {}, SH, VANILLA],
  ['normalize-path/get-slash', 'GET', '//', {}, SH, VANILLA],
  ['normalize-path/get-slash-dot-slash', 'GET', '/./', {}, SH, VANILLA],
  ['normalize-path/get-slash-pointless-dot', 'GET', '/./example', {}, SH, 'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5'],
  ['normalize-path/get-slashes', 'GET', '//example//', {}, SH, '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84'],
  ['normalize-path/get-space', 'GET', '/example space/', {}, SH, '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741'],
];

test('the AWS SigV4 test suite verifies, and one changed hex digit does not', () => {
  for (const [name, method, target, extra, signedHeaders, sig, body = ''] of suite) {
    const headers = { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', ...extra };
    const auth = (s: string) => `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${s}`;
    const good = verify(method, target, { ...headers, authorization: auth(sig) }, body, SUITE_KEY, SUITE_NOW);
    assert.deepEqual(good, { ok: true, accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'service', payloadSigned: true }, name);
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    assert.equal(codeOf(verify(method, target, { ...headers, authorization: auth(flipped) }, body, SUITE_KEY, SUITE_NOW)), 'InvalidSignatureException', name);
  }
});

test('a session token must match when the key has one', () => {
  const headers = {
    host: 'example.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    'x-amz-security-token': TOKEN,
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  };
  const withToken = (sessionToken: string) => ({ AKIDEXAMPLE: { secret: SUITE_KEY.AKIDEXAMPLE, sessionToken } });
  assert.equal(codeOf(verify('POST', '/', headers, '', withToken(TOKEN), SUITE_NOW)), 'ok');
  assert.equal(codeOf(verify('POST', '/', headers, '', withToken('another'), SUITE_NOW)), 'UnrecognizedClientException');
});

// Amazon S3 API Reference, "Signature Calculations for the Authorization Header" and "Authenticating
// Requests: Using Query Parameters": S3 signs the path exactly as sent, with x-amz-content-sha256.
const S3_KEY = { AKIAIOSFODNN7EXAMPLE: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const S3_NOW = Date.parse('2013-05-24T00:00:00Z');
const EMPTY = sha('');
const s3auth = (signedHeaders: string, sig: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${sig}`;
const s3: [string, string, Record<string, string>, string?][] = [
  ['GET', '/test.txt', { range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, authorization: s3auth('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41') }],
  [
    'PUT',
    '/test%24file.text',
    {
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': sha('Welcome to Amazon S3.'),
      authorization: s3auth('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class', '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'),
    },
    'Welcome to Amazon S3.',
  ],
  ['GET', '/?lifecycle', { 'x-amz-content-sha256': EMPTY, authorization: s3auth('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543') }],
  ['GET', '/?max-keys=2&prefix=J', { 'x-amz-content-sha256': EMPTY, authorization: s3auth('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7') }],
];

test('the S3 documentation examples verify, header and presigned forms', () => {
  for (const [method, target, headers, body = ''] of s3) {
    const all = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z', ...headers };
    assert.equal(codeOf(verify(method, target, all, body, S3_KEY, S3_NOW)), 'ok', `${method} ${target}`);
  }
  const presigned =
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const host = { host: 'examplebucket.s3.amazonaws.com' };
  assert.deepEqual(verify('GET', presigned, host, '', S3_KEY, S3_NOW + 3_600_000), { ok: true, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', region: 'us-east-1', service: 's3', payloadSigned: false });
  const late = verify('GET', presigned, host, '', S3_KEY, S3_NOW + 86_401_000);
  assert.equal(codeOf(late), 'InvalidSignatureException');
  assert.equal(messageOf(late), 'Signature expired: 20130524T000000Z is now earlier than 20130524T000001Z (20130525T000001Z - 86400 sec.)');
  assert.equal(codeOf(verify('GET', presigned.replace('test.txt', 'other.txt'), host, '', S3_KEY, S3_NOW)), 'InvalidSignatureException');
});

// ---- Our signer, round trips and tampering -----------------------------------------------------

const KEY = { accessKeyId: 'GKIATESTTESTTESTTEST', secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=' };
const KEYS: Record<string, string> = { [KEY.accessKeyId]: KEY.secretAccessKey };
const T = Date.parse('2026-03-01T10:00:00Z');
const FN_URL = 'http://127.0.0.1:9000/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations?Qualifier=%24LATEST';

test('signRequest → verifyRequest round trips, for Lambda paths, S3 paths and session tokens', () => {
  const body = '{"a":1}';
  const h = signRequest({ method: 'POST', url: FN_URL, headers: { 'Content-Type': 'application/json', 'User-Agent': 'gust' }, body, ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  assert.deepEqual(Object.keys(h).sort(), ['authorization', 'x-amz-content-sha256', 'x-amz-date']);
  assert.match(h.authorization, /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,/);
  const headers = { 'content-type': 'application/json', 'user-agent': 'rewritten by a proxy', ...h };
  assert.deepEqual(verify('POST', FN_URL, headers, body, KEYS, T + 60_000), { ok: true, accessKeyId: KEY.accessKeyId, region: 'us-east-1', service: 'lambda', payloadSigned: true });
  assert.equal(codeOf(verify('POST', FN_URL, headers, body, KEYS, T, { body: Buffer.from(body), bodySha256Hex: undefined })), 'ok', 'the body itself may be passed instead of its hash');

  const s3url = new URL('http://127.0.0.1:9000/bucket/dir//a%20b/%C3%BC%24.txt?prefix=a%20b&list-type=2');
  const s3h = signRequest({ method: 'GET', url: s3url, body: '', ...KEY, region: 'us-east-1', service: 's3', now: new Date(T) });
  assert.equal(codeOf(verify('GET', s3url.href, s3h, '', KEYS, T)), 'ok');

  const tokenH = signRequest({ method: 'GET', url: FN_URL, ...KEY, sessionToken: 'tok', region: 'eu-west-1', service: 'lambda', now: new Date(T) });
  assert.equal(tokenH['x-amz-security-token'], 'tok');
  const withToken = { [KEY.accessKeyId]: { secret: KEY.secretAccessKey, sessionToken: 'tok' } };
  assert.equal(codeOf(verify('GET', FN_URL, tokenH, '', withToken, T)), 'ok');
  const { 'x-amz-security-token': _, ...withoutToken } = tokenH;
  assert.equal(codeOf(verify('GET', FN_URL, withoutToken, '', withToken, T)), 'UnrecognizedClientException');
});

test('tampering, staleness and unknown keys map to AWS error codes and messages', () => {
  const body = '{"a":1}';
  const h = signRequest({ method: 'POST', url: FN_URL, headers: { 'x-amz-invocation-type': 'Event' }, body, ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  const headers: Record<string, string> = { 'x-amz-invocation-type': 'Event', ...h };
  const check = (r: VerifyResult, code: string, message?: string | RegExp) => {
    assert.equal(codeOf(r), code, messageOf(r));
    if (!r.ok) assert.equal(r.status, 403);
    if (typeof message === 'string') assert.equal(messageOf(r), message);
    else if (message) assert.match(messageOf(r), message);
  };
  check(verify('POST', FN_URL, headers, body, KEYS, T), 'ok');
  check(verify('PUT', FN_URL, headers, body, KEYS, T), 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  check(verify('POST', FN_URL.replace('function%3Af', 'function%3Ag'), headers, body, KEYS, T), 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  check(verify('POST', FN_URL + '&extra=1', headers, body, KEYS, T), 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  check(verify('POST', FN_URL, { ...headers, 'x-amz-invocation-type': 'RequestResponse' }, body, KEYS, T), 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  check(verify('POST', FN_URL, { ...headers, 'x-amz-log-type': 'Tail' }, body, KEYS, T), 'ok'); // an unsigned extra header is ignored
  check(verify('POST', FN_URL, headers, '{"a":2}', KEYS, T), 'InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  const { 'x-amz-content-sha256': _, ...noHashHeader } = headers;
  check(verify('POST', FN_URL, noHashHeader, body, KEYS, T), 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  check(verify('POST', FN_URL, { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body, KEYS, T), 'InvalidSignatureException', /only S3 accepts unsigned payloads/);
  check(verify('POST', FN_URL, headers, body, { [KEY.accessKeyId]: 'not-the-secret' }, T), 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
  check(verify('POST', FN_URL, headers, body, {}, T), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  check(verify('POST', FN_URL, headers, body, KEYS, T + 15 * 60_000), 'ok'); // exactly 15 minutes late still passes
  check(verify('POST', FN_URL, headers, body, KEYS, T + 16 * 60_000), 'InvalidSignatureException', 'Signature expired: 20260301T100000Z is now earlier than 20260301T100100Z (20260301T101600Z - 15 min.)');
  check(verify('POST', FN_URL, headers, body, KEYS, T - 16 * 60_000), 'InvalidSignatureException', 'Signature not yet current: 20260301T100000Z is still later than 20260301T095900Z (20260301T094400Z + 15 min.)');
  check(verify('POST', FN_URL, { host: '127.0.0.1:9000' }, body, KEYS, T), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('malformed Authorization headers and query strings are IncompleteSignature, with what is missing', () => {
  const h = signRequest({ method: 'GET', url: FN_URL, ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  const run = (headers: Record<string, string>, url = FN_URL) => verify('GET', url, headers, '', KEYS, T);
  const incomplete = (r: VerifyResult, message: string | RegExp) => {
    assert.equal(codeOf(r), 'IncompleteSignature', messageOf(r));
    if (typeof message === 'string') assert.equal(messageOf(r), message);
    else assert.match(messageOf(r), message);
  };
  incomplete(run({ authorization: 'AWS4-HMAC-SHA256 Credential=abc' }), "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=abc");
  incomplete(run({ authorization: 'eyJhbGciOi.eyJzdWIi.sig' }), "'eyJhbGciOi.eyJzdWIi.sig' not a valid key=value pair (missing equal-sign) in Authorization header: 'eyJhbGciOi.eyJzdWIi.sig'.");
  incomplete(run({ authorization: `${h.authorization}, junk` }), /^'junk' not a valid key=value pair \(missing equal-sign\)/);
  incomplete(run({ ...h, authorization: h.authorization.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256') }), /Unsupported authorization type 'AWS4-ECDSA-P256-SHA256'/);
  incomplete(run({ ...h, authorization: h.authorization.replace('/aws4_request', '') }), /^Credential should be scoped as /);
  incomplete(run({ ...h, authorization: h.authorization.replace('aws4_request', 'aws5_request') }), "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
  incomplete(run({ ...h, 'x-amz-date': '2026-03-01T10:00:00Z' }), "Date must be in ISO-8601 'basic format'. Got '2026-03-01T10:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601");
  incomplete(run({ ...h, authorization: h.authorization.replace('SignedHeaders=host;', 'SignedHeaders=') }), "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const wrongDay = run({ ...h, 'x-amz-date': '20260302T100000Z' });
  assert.equal(codeOf(wrongDay), 'InvalidSignatureException');
  assert.equal(messageOf(wrongDay), "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260301' != '20260302', from '20260302T100000Z'.");

  const presign = `${FN_URL}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x`;
  incomplete(run({}, presign), /^Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters\.$/);
  incomplete(run(h, `${FN_URL}&X-Amz-Signature=abc`), /^Only one auth mechanism allowed/);
  const full = (expires: string) =>
    `${FN_URL}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${KEY.accessKeyId}%2F20260301%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20260301T100000Z&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=00`;
  incomplete(run({}, full('soon')), 'X-Amz-Expires should be a number');
  incomplete(run({}, full('604801')), 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
  assert.equal(codeOf(run({}, full('60'))), 'InvalidSignatureException');
});

test('derived signing keys are cached without mixing keys up', () => {
  for (let i = 0; i < 300; i++) {
    const key = { accessKeyId: `GKIA${i}`, secretAccessKey: `secret-${i}` };
    const h = signRequest({ method: 'GET', url: FN_URL, ...key, region: 'us-east-1', service: 'lambda', now: new Date(T) });
    assert.equal(codeOf(verify('GET', FN_URL, h, '', { [key.accessKeyId]: key.secretAccessKey }, T)), 'ok');
    assert.equal(codeOf(verify('GET', FN_URL, h, '', { [key.accessKeyId]: `secret-${i + 1}` }, T)), 'InvalidSignatureException');
  }
});

test('the first field names (rawUrl, bodySha256, secretOf) are still accepted', () => {
  const h = signRequest({ method: 'GET', url: FN_URL, ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  const target = FN_URL.slice('http://127.0.0.1:9000'.length);
  const r = verifyRequest({ method: 'GET', rawUrl: target, headers: { host: '127.0.0.1:9000', ...h }, bodySha256: sha(''), secretOf: (id) => KEYS[id], now: T });
  assert.equal(codeOf(r), 'ok');
});

test('the expected service and region: a signature for another service (S3 with UNSIGNED-PAYLOAD) or region is refused', () => {
  const lambda = { region: 'us-east-1', services: ['lambda'] };
  const body = '{"a":1}';
  const sign = (service: string, region = 'us-east-1') => signRequest({ method: 'POST', url: FN_URL, body, ...KEY, region, service, now: new Date(T) });
  assert.equal(codeOf(verify('POST', FN_URL, sign('lambda'), body, KEYS, T, { expect: lambda })), 'ok');
  // Signed for s3 with an unsigned payload: the signature would not cover the body.
  const s3 = { ...sign('s3'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const forS3 = verify('POST', FN_URL, s3, 'another body', KEYS, T, { expect: lambda });
  assert.equal(codeOf(forS3), 'InvalidSignatureException');
  assert.equal(messageOf(forS3), "Credential should be scoped to correct service: 'lambda'.");
  const forLogs = verify('POST', FN_URL, sign('lambda'), body, KEYS, T, { expect: { region: 'us-east-1', services: ['logs'] } });
  assert.equal(messageOf(forLogs), "Credential should be scoped to correct service: 'logs'.");
  const elsewhere = verify('POST', FN_URL, sign('lambda', 'eu-west-1'), body, KEYS, T, { expect: lambda });
  assert.equal(codeOf(elsewhere), 'InvalidSignatureException');
  assert.equal(messageOf(elsewhere), "Credential should be scoped to a valid region, not 'eu-west-1'.");
  // Signed for lambda but declaring UNSIGNED-PAYLOAD: Lambda always hashes the payload.
  const unsigned = verify('POST', FN_URL, { ...sign('lambda'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body, KEYS, T, { expect: lambda });
  assert.match(messageOf(unsigned), /only S3 accepts unsigned payloads/);
  // S3 itself still takes UNSIGNED-PAYLOAD when S3 is what the server expects.
  const s3url = 'http://127.0.0.1:9000/bucket/key';
  const smithyLike = signRequest({ method: 'GET', url: s3url, ...KEY, region: 'us-east-1', service: 's3', now: new Date(T) });
  assert.equal(codeOf(verify('GET', s3url, smithyLike, '', KEYS, T, { expect: { region: 'us-east-1', services: ['s3'] } })), 'ok');
});

test('precheckRequest refuses from the headers alone, and checks the signature when the payload hash is declared', () => {
  const body = '{"a":1}';
  const h = signRequest({ method: 'POST', url: FN_URL, body, ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  const headers = { host: '127.0.0.1:9000', ...h };
  const target = FN_URL.slice('http://127.0.0.1:9000'.length);
  const pre = (hs: Record<string, string>, keys: Record<string, string> = KEYS, now = T, expect = { region: 'us-east-1', services: ['lambda'] }) =>
    precheckRequest({ method: 'POST', path: target, headers: hs, lookupSecret: lookup(keys), now, expect });
  assert.deepEqual(pre(headers), { ok: true, accessKeyId: KEY.accessKeyId, signatureChecked: true });
  const { 'x-amz-content-sha256': _, ...undeclared } = headers;
  assert.deepEqual(pre(undeclared), { ok: true, accessKeyId: KEY.accessKeyId, signatureChecked: false }, 'without the hash only the body can settle the signature');
  const codes = (r: ReturnType<typeof pre>) => (r.ok ? 'ok' : r.code);
  assert.equal(codes(pre({ host: '127.0.0.1:9000' })), 'MissingAuthenticationTokenException');
  assert.equal(codes(pre(headers, {})), 'UnrecognizedClientException');
  assert.equal(codes(pre(headers, KEYS, T + 16 * 60_000)), 'InvalidSignatureException');
  assert.equal(codes(pre(headers, KEYS, T, { region: 'eu-west-1', services: ['lambda'] })), 'InvalidSignatureException');
  assert.equal(codes(pre(headers, KEYS, T, { region: 'us-east-1', services: ['scheduler'] })), 'InvalidSignatureException');
  assert.equal(codes(pre({ ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' })), 'IncompleteSignature');
  assert.equal(codes(pre(headers, { [KEY.accessKeyId]: 'not-the-secret' })), 'InvalidSignatureException', 'a declared hash lets the signature be checked before the body');
});

// ---- The real signers: the AWS SDK for JavaScript and botocore -------------------------------


const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

test('@smithy/signature-v4 signs what we verify (header and presigned), and signs exactly as signRequest does', async () => {
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'lambda', sha256: Sha256 });
  const body = '{"FunctionName":"x"}';
  const request = {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9000,
    path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Amy-fn/invocations',
    query: { Qualifier: '$LATEST' },
    headers: { host: '127.0.0.1:9000', 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
    body,
  };
  const url = `http://127.0.0.1:9000${request.path}?Qualifier=${rfc3986('$LATEST')}`;
  const signed = await signer.sign(request, { signingDate: new Date(T) });
  assert.equal(codeOf(verify('POST', url, signed.headers as Record<string, string>, body, KEYS, T)), 'ok');

  const ours = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' }, body, ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(T) });
  assert.equal(ours.authorization, signed.headers.authorization);

  const presigned = await signer.presign({ ...request, method: 'GET', body: undefined, headers: { host: '127.0.0.1:9000' } }, { signingDate: new Date(T), expiresIn: 300 });
  const query = Object.entries(presigned.query ?? {}).map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`).join('&');
  assert.equal(codeOf(verify('GET', `${request.path}?${query}`, { host: '127.0.0.1:9000' }, '', KEYS, T + 299_000)), 'ok');
  assert.equal(codeOf(verify('GET', `${request.path}?${query}`, { host: '127.0.0.1:9000' }, '', KEYS, T + 301_000)), 'InvalidSignatureException');
});

test('@aws-sdk/client-lambda requests verify (function ARNs in the path, query strings)', async () => {
  const captured: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string>; body?: unknown }[] = [];
  const client = new LambdaClient({
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    credentials: KEY,
    maxAttempts: 1,
    requestHandler: {
      async handle(req: (typeof captured)[number]) {
        captured.push(req);
        throw new Error('captured');
      },
    },
  });
  await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:my-fn', Qualifier: '$LATEST', Payload: Buffer.from('{"a":"b c"}') })), /captured/);
  await assert.rejects(client.send(new ListFunctionsCommand({ MaxItems: 5, Marker: 'a b+c/d' })), /captured/);
  assert.equal(captured.length, 2);
  for (const req of captured) {
    const query = Object.entries(req.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => (x === null ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(x)}`))).join('&');
    const body = req.body === undefined ? '' : Buffer.from(req.body as Uint8Array | string).toString('latin1');
    const r = verify(req.method, req.path + (query ? `?${query}` : ''), req.headers, body, KEYS, Date.now());
    assert.equal(codeOf(r), 'ok', `${req.method} ${req.path}: ${messageOf(r)}`);
  }
  assert.match(captured[0].path, /arn%3Aaws%3Alambda/);
});

const BOTO = `
import json, sys
import boto3
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

akid, secret, endpoint = sys.argv[1:4]

def dump(r):
    body = r.body or b""
    if hasattr(body, "read"): body = body.read()
    if isinstance(body, str): body = body.encode()
    headers = {k: (v.decode("latin1") if isinstance(v, bytes) else v) for k, v in r.headers.items()}
    return {"method": r.method, "url": r.url, "headers": headers, "body": body.decode("latin1")}

class Captured(Exception): pass
def capture(client, calls):
    seen = []
    def grab(request, **kwargs):
        seen.append(dump(request))
        raise Captured()
    client.meta.events.register("before-send", grab)
    for call in calls:
        try: call()
        except Captured: pass
    return seen

creds = Credentials(akid, secret)
plain = AWSRequest(method="POST", url=endpoint + "/2015-03-31/functions/f/invocations", data=b'{"k":"v"}', headers={"Content-Type": "application/json"})
SigV4Auth(creds, "lambda", "us-east-1").add_auth(plain)
query = AWSRequest(method="GET", url=endpoint + "/2015-03-31/functions/f?Qualifier=%24LATEST")
SigV4QueryAuth(creds, "lambda", "us-east-1", expires=300).add_auth(query)
requests = [dump(plain), dump(query)]

session = boto3.session.Session(aws_access_key_id=akid, aws_secret_access_key=secret, region_name="us-east-1")
lam = session.client("lambda", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
requests += capture(lam, [
    lambda: lam.invoke(FunctionName="arn:aws:lambda:us-east-1:000000000000:function:my-fn", Qualifier="$LATEST", Payload=b'{"a": "b c"}'),
    lambda: lam.list_functions(MaxItems=5, Marker="a b+c/d"),
])
s3 = session.client("s3", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}, signature_version="s3v4", s3={"addressing_style": "path"}))
requests += capture(s3, [
    lambda: s3.put_object(Bucket="bucket", Key="dir//a b/../\\u00fc$!+.txt", Body=b"hello"),
    lambda: s3.list_objects_v2(Bucket="bucket", Prefix="a b/", MaxKeys=2),
])
presigned = s3.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "dir/a b/\\u00fc$!+.txt"}, ExpiresIn=300)
requests.append({"method": "GET", "url": presigned, "headers": {}, "body": ""})
print(json.dumps(requests))
`;
import { Sha256 } from '../helpers/node-sha256.js';

test('botocore and boto3 requests verify: SigV4Auth, SigV4QueryAuth, real Lambda and S3 clients, S3 presigned URLs', () => {
  const out = execFileSync('python3', ['-c', BOTO, KEY.accessKeyId, KEY.secretAccessKey, 'http://127.0.0.1:9000'], { encoding: 'utf8' });
  const requests: { method: string; url: string; headers: Record<string, string>; body: string }[] = JSON.parse(out);
  assert.equal(requests.length, 7);
  assert.ok(requests.some((r) => r.url.includes('/bucket/dir//a%20b/../')), 'S3 keys keep // and .. as they are');
  for (const r of requests) {
    const result = verify(r.method, r.url, r.headers, r.body, KEYS, Date.now());
    assert.equal(codeOf(result), 'ok', `${r.method} ${r.url}: ${messageOf(result)}`);
    const tampered = verify(r.method, r.url.replace(/(bucket|functions)/, '$1x'), r.headers, r.body, KEYS, Date.now());
    assert.equal(codeOf(tampered), 'InvalidSignatureException', `${r.method} ${r.url}`);
  }
});
