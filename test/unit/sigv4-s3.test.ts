// SigV4 for S3 from the headers alone (verifyHeaders, Authenticator.verifyHead): AWS's S3 examples
// and presigned URLs from @smithy/signature-v4 verify; every refusal becomes S3's own error code,
// message and extra elements (s3AuthError), rendered as S3's XML; the other services are unchanged.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { noAuth, sigV4Authenticator } from '../../src/api/authenticator.js';
import { renderError } from '../../src/api/protocols/error-renderers.js';
import { AuthFailure, s3AuthError } from '../../src/api/s3/s3-auth-errors.js';
import { precheckRequest, verifyHeaders, type PrecheckInput } from '../../src/api/sigv4.js';
import { GustError } from '../../src/errors.js';
import { Sha256 } from '../helpers/node-sha256.js';

const sha = (data: string) => createHash('sha256').update(data).digest('hex');
const KEY = { accessKeyId: 'GKIATESTTESTTESTTEST', secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=' };
const T = Date.parse('2026-03-01T10:00:00Z');
const S3 = { region: 'us-east-1', services: ['s3'] };
const lookupSecret = (id: string) => (id === KEY.accessKeyId ? { secret: KEY.secretAccessKey } : undefined);

/** verifyHeaders for a full URL, then S3's form of any refusal, as the S3 service answers it. */
function s3Verify(method: string, url: string, headers: Record<string, string>, now = T, extra: Partial<PrecheckInput> = {}) {
  const u = new URL(url);
  const result = verifyHeaders({ method, path: url.slice(u.origin.length), headers: { host: u.host, ...headers }, lookupSecret, now, expect: S3, ...extra });
  if (result.ok) return result;
  const { reason, presigned, details } = result as { reason?: never; presigned?: boolean; details?: Record<string, string> };
  return s3AuthError(new AuthFailure(result.code, result.message, { reason, presigned, details }));
}
const codeOf = (r: ReturnType<typeof s3Verify>) => (r instanceof GustError ? r.code : 'ok');

const URL_ = 'http://127.0.0.1:9000/bucket/dir/a%20b.txt?x-id=PutObject';

const signerFor = (service = 's3', region = 'us-east-1') => new SignatureV4({ credentials: KEY, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false });

/** Headers for a PUT to URL_ signed by @smithy/signature-v4, with x-amz-content-sha256 as given. */
async function sign(headers: Record<string, string>, service = 's3', region = 'us-east-1'): Promise<Record<string, string>> {
  const url = new URL(URL_);
  const request = { method: 'PUT', protocol: 'http:', hostname: url.hostname, port: +url.port, path: url.pathname, query: { 'x-id': 'PutObject' }, headers: { host: url.host, ...headers }, body: 'data' };
  const { host: _, ...signed } = (await signerFor(service, region).sign(request, { signingDate: new Date(T) })).headers;
  return signed;
}

test("S3 examples: the published GET verifies from its head; the payload mode is the declared hash", () => {
  const headers = {
    host: 'examplebucket.s3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    range: 'bytes=0-9',
    'x-amz-content-sha256': sha(''),
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  };
  const r = verifyHeaders({ method: 'GET', path: '/test.txt', headers, lookupSecret: () => ({ secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }), now: Date.parse('2013-05-24T00:00:00Z') });
  assert.deepEqual(r, { ok: true, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', payload: { kind: 'sha256', hex: sha('') } });
});

test('payload modes: hex, UNSIGNED-PAYLOAD and the STREAMING-* literals for S3; never for other services', async () => {
  const modeOf = async (declared: string) => {
    const r = s3Verify('PUT', URL_, await sign({ 'x-amz-content-sha256': declared }));
    return r instanceof GustError ? r.code : r.payload;
  };
  assert.deepEqual(await modeOf('UNSIGNED-PAYLOAD'), { kind: 'unsigned' });
  assert.deepEqual(await modeOf('STREAMING-UNSIGNED-PAYLOAD-TRAILER'), { kind: 'chunked', signed: false, trailer: true });
  const signed = await modeOf('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
  assert.ok(typeof signed === 'object' && signed.kind === 'chunked' && signed.signed && signed.trailer && signed.seed);
  const h = await sign({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' });
  assert.equal(signed.seed.amzDate, '20260301T100000Z');
  assert.equal(signed.seed.scope, '20260301/us-east-1/s3/aws4_request');
  const expectedKey = ['20260301', 'us-east-1', 's3', 'aws4_request'].reduce<Buffer | string>((k, part) => createHmac('sha256', k).update(part).digest(), `AWS4${KEY.secretAccessKey}`);
  assert.deepEqual(signed.seed.signingKey, expectedKey);
  assert.equal((s3Verify('PUT', URL_, h) as { payload: { seed: { signature: string } } }).payload.seed.signature, /Signature=(\w+)/.exec(h.authorization)![1]);
  assert.equal(await modeOf('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD'), 'InvalidRequest');
  // The other services keep refusing anything but the payload's own hash.
  const lambda = await sign({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }, 'lambda');
  const pre = precheckRequest({ method: 'PUT', path: '/bucket/dir/a%20b.txt?x-id=PutObject', headers: { host: '127.0.0.1:9000', ...lambda }, lookupSecret, now: T });
  assert.ok(!pre.ok && pre.code === 'InvalidSignatureException');
  const s3Pre = precheckRequest({ method: 'PUT', path: '/bucket/dir/a%20b.txt?x-id=PutObject', headers: { host: '127.0.0.1:9000', ...h }, lookupSecret, now: T });
  assert.ok(!s3Pre.ok, 'precheckRequest (the other services) still refuses signed streaming payloads');
});

test("refusals in S3's terms: codes, statuses, messages and extra elements", async () => {
  const good = await sign({ 'x-amz-content-sha256': sha('data') });
  const check = (r: ReturnType<typeof s3Verify>, code: string, status: number, message?: string | RegExp, extra?: string[]) => {
    assert.ok(r instanceof GustError, `expected ${code}`);
    assert.equal(r.code, code);
    assert.equal(r.status, status);
    if (typeof message === 'string') assert.equal(r.message, message);
    else if (message) assert.match(r.message, message);
    if (extra) assert.deepEqual(Object.keys(r.extra).sort(), [...extra].sort());
    return r;
  };
  assert.equal(codeOf(s3Verify('PUT', URL_, good)), 'ok');
  const mismatch = check(s3Verify('PUT', URL_.replace('a%20b', 'a%20c'), good), 'SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', ['AWSAccessKeyId', 'CanonicalRequest', 'SignatureProvided', 'StringToSign']);
  assert.match(String(mismatch.extra.CanonicalRequest), /^PUT\n\/bucket\/dir\/a%20c\.txt\nx-id=PutObject\n/);
  assert.match(String(mismatch.extra.StringToSign), /^AWS4-HMAC-SHA256\n20260301T100000Z\n20260301\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
  const { 'x-amz-content-sha256': _, ...undeclared } = good;
  check(s3Verify('PUT', URL_, undeclared), 'InvalidRequest', 400, 'Missing required header for this request: x-amz-content-sha256');
  check(s3Verify('PUT', URL_, { 'x-amz-date': '20260301T100000Z' }), 'AccessDenied', 403, 'Access Denied');
  check(s3Verify('PUT', URL_, good, T, { lookupSecret: () => undefined }), 'InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', ['AWSAccessKeyId']);
  check(s3Verify('PUT', URL_, good, T + 16 * 60_000), 'RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.', ['MaxAllowedSkewMilliseconds', 'RequestTime', 'ServerTime']);
  check(s3Verify('PUT', URL_, good, T - 16 * 60_000), 'RequestTimeTooSkewed', 403);
  check(s3Verify('PUT', URL_, await sign({ 'x-amz-content-sha256': sha('data') }, 's3', 'eu-west-1')), 'AuthorizationHeaderMalformed', 400, /^The authorization header is malformed; .*'eu-west-1'/, ['Region']);
  check(s3Verify('PUT', URL_, { ...good, authorization: 'AWS4-HMAC-SHA256 Credential=x' }), 'AuthorizationHeaderMalformed', 400);
  check(s3Verify('PUT', URL_, { ...good, authorization: 'AWS GKIATEST:c2lnbmF0dXJl' }), 'InvalidRequest', 400, 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  check(s3Verify('PUT', URL_, { ...good, 'x-amz-content-sha256': 'NOT-A-HASH' }), 'InvalidRequest', 400, /^x-amz-content-sha256 must be/);
  // Not an authentication error: returned as it is.
  const other = new GustError('BadDigest', 'x');
  assert.equal(s3AuthError(other), other);
});

test('presigned URLs from @smithy/signature-v4: UNSIGNED-PAYLOAD, X-Amz-Expires honoured, malformed ones are AuthorizationQueryParametersError', async () => {
  // As @aws-sdk/s3-request-presigner does: the payload is declared unsigned, and the header hoisted into the query.
  const headers = { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const presigned = await signerFor().presign({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/bucket/up%20load.bin', query: {}, headers }, { signingDate: new Date(T), expiresIn: 300 });
  assert.equal(presigned.query?.['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  const q = Object.entries(presigned.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  const url = `http://127.0.0.1:9000/bucket/up%20load.bin?${q}`;
  const ok = s3Verify('PUT', url, {}, T + 299_000);
  assert.ok(!(ok instanceof GustError) && ok.ok);
  assert.deepEqual(ok.payload, { kind: 'unsigned' });
  const late = s3Verify('PUT', url, {}, T + 301_000) as GustError;
  assert.equal(late.code, 'AccessDenied');
  assert.equal(late.message, 'Request has expired');
  assert.deepEqual(late.extra, { 'X-Amz-Expires': '300', Expires: '2026-03-01T10:05:00Z', ServerTime: '2026-03-01T10:05:01Z' });
  const early = s3Verify('PUT', url, {}, T - 20 * 60_000) as GustError;
  assert.equal(early.message, 'Request is not valid yet');
  assert.equal(codeOf(s3Verify('PUT', url.replace('up%20load', 'other'), {}, T)), 'SignatureDoesNotMatch');
  assert.equal(codeOf(s3Verify('PUT', url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=soon'), {}, T)), 'AuthorizationQueryParametersError');
  assert.equal(codeOf(s3Verify('PUT', url.replace(/X-Amz-Signature=\w+/, ''), {}, T)), 'AuthorizationQueryParametersError');
  assert.equal(codeOf(s3Verify('PUT', url, { authorization: 'AWS4-HMAC-SHA256 Credential=x' }, T)), 'AuthorizationQueryParametersError');
});

test('Authenticator.verifyHead: the caller and the payload mode; noAuth declares the mode from the headers', async () => {
  const auth = sigV4Authenticator((id) => (id === KEY.accessKeyId ? { ...KEY, scope: 'function:f', createdAt: 0 } : undefined), 'us-east-1');
  const h = await sign({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
  const req = (headers: Record<string, string>) => ({ method: 'PUT', url: '/bucket/dir/a%20b.txt?x-id=PutObject', headers: { host: '127.0.0.1:9000', ...headers } }) as unknown as IncomingMessage;
  const realNow = Date.now;
  Date.now = () => T;
  try {
    assert.deepEqual(auth.verifyHead(req(h), ['s3']), { caller: 'function:f', payload: { kind: 'unsigned' } });
    assert.throws(() => auth.verifyHead(req({ ...h, 'x-amz-date': '20260301T100001Z' }), ['s3']), (err: unknown) => err instanceof AuthFailure && err.code === 'InvalidSignatureException' && s3AuthError(err).code === 'SignatureDoesNotMatch');
    assert.throws(() => auth.verifyHead(req(h), ['lambda']), (err: unknown) => err instanceof GustError && s3AuthError(err).code === 'AuthorizationHeaderMalformed');
  } finally {
    Date.now = realNow;
  }
  assert.deepEqual(noAuth.verifyHead(req({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }), ['s3']), { caller: 'admin', payload: { kind: 'chunked', signed: false, trailer: true } });
});

test("S3's XML error carries the extra elements, escaped, between Message and RequestId", () => {
  let status = 0;
  let body = '';
  const res = { writeHead: (s: number) => ((status = s), res), end: (b: string) => (body = b) } as unknown as ServerResponse;
  const err = new GustError('SignatureDoesNotMatch', 'Sig <mismatch>', { AWSAccessKeyId: 'GK', CanonicalRequest: 'PUT\n/a&b\n<x>', 'not a name': 'dropped', Nothing: undefined });
  renderError('rest-xml', res, err, 'req-1');
  assert.equal(status, 403);
  assert.equal(body, '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>Sig &lt;mismatch&gt;</Message><AWSAccessKeyId>GK</AWSAccessKeyId><CanonicalRequest>PUT\n/a&amp;b\n&lt;x&gt;</CanonicalRequest><RequestId>req-1</RequestId></Error>');
});
