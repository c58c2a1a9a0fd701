// SigV4: our signer and verifier agree with each other, with the AWS SDK's signer and with
// botocore's, and every tampering maps to the error code AWS clients expect.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest, verifyRequest, type VerifyInput } from '../../src/api/sigv4.js';

const KEY = { accessKeyId: 'GKIATESTTESTTESTTEST', secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=' };
const secretOf = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);
/** The SDK signer's hash interface, over node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

function verifySigned(method: string, url: string, body: string, headers: Record<string, string>, extra: Partial<VerifyInput> = {}) {
  const u = new URL(url);
  const lower = Object.fromEntries(Object.entries({ host: u.host, ...headers }).map(([k, v]) => [k.toLowerCase(), v]));
  return verifyRequest({ method, rawUrl: u.pathname + u.search, headers: lower, bodySha256: sha(body), secretOf, ...extra });
}

test('sign → verify round trip, with a path holding an ARN and a query string', () => {
  const url = 'http://127.0.0.1:9000/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations?Qualifier=%24LATEST';
  const body = '{"a":1}';
  const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, ...KEY, region: 'us-east-1', service: 'lambda' });
  assert.deepEqual(verifySigned('POST', url, body, { 'content-type': 'application/json', ...headers }), { ok: true, accessKeyId: KEY.accessKeyId, region: 'us-east-1', service: 'lambda' });
});

test('tampering and malformed headers map to AWS error codes', () => {
  const url = 'http://127.0.0.1:9000/2015-03-31/functions';
  const h = signRequest({ method: 'GET', url, headers: {}, body: '', ...KEY, region: 'us-east-1', service: 'lambda' });
  const code = (r: ReturnType<typeof verifyRequest>) => (r.ok ? 'ok' : r.code);
  assert.equal(code(verifySigned('POST', url, '', h)), 'InvalidSignatureException', 'method changed');
  assert.equal(code(verifySigned('GET', url + '?x=1', '', h)), 'InvalidSignatureException', 'query changed');
  assert.equal(code(verifySigned('GET', url, 'body', h)), 'InvalidSignatureException', 'body changed');
  assert.equal(code(verifySigned('GET', url, '', {})), 'MissingAuthenticationTokenException');
  assert.equal(code(verifySigned('GET', url, '', { ...h, authorization: 'AWS4-HMAC-SHA256 Signature=abc' })), 'IncompleteSignature');
  assert.equal(code(verifySigned('GET', url, '', { ...h, authorization: h.authorization.replace(KEY.accessKeyId, 'GKIAUNKNOWNUNKNOWN00') })), 'UnrecognizedClientException');
  const old = signRequest({ method: 'GET', url, headers: {}, body: '', ...KEY, region: 'us-east-1', service: 'lambda', now: new Date(Date.now() - 16 * 60_000) });
  const expired = verifySigned('GET', url, '', old);
  assert.equal(code(expired), 'InvalidSignatureException');
  assert.match((expired as { message: string }).message, /Signature expired/);
});

test('requests signed by the AWS SDK signer verify', async () => {
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'lambda', sha256: Sha256 });
  const body = '{"FunctionName":"x"}';
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9000,
    path: '/2015-03-31/functions/my%3Afn/invocations',
    query: { Qualifier: '1' },
    headers: { host: '127.0.0.1:9000', 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
    body,
  });
  const result = verifySigned('POST', 'http://127.0.0.1:9000/2015-03-31/functions/my%3Afn/invocations?Qualifier=1', body, signed.headers as Record<string, string>);
  assert.ok(result.ok, JSON.stringify(result));
});

test('requests signed by botocore verify, in header and query-string (presigned) form', () => {
  const script = `
import json, sys
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
c = Credentials(sys.argv[1], sys.argv[2])
r = AWSRequest(method="POST", url="http://127.0.0.1:9000/2015-03-31/functions/f/invocations", data=b'{"k":"v"}', headers={"Content-Type": "application/json"})
SigV4Auth(c, "lambda", "us-east-1").add_auth(r)
q = AWSRequest(method="GET", url="http://127.0.0.1:9000/2015-03-31/functions/f?Qualifier=%24LATEST")
SigV4QueryAuth(c, "lambda", "us-east-1", expires=300).add_auth(q)
print(json.dumps({"headers": dict(r.headers.items()), "presigned": q.url}))
`;
  const out = JSON.parse(execFileSync('python3', ['-c', script, KEY.accessKeyId, KEY.secretAccessKey], { encoding: 'utf8' }));
  const headerForm = verifySigned('POST', 'http://127.0.0.1:9000/2015-03-31/functions/f/invocations', '{"k":"v"}', out.headers);
  assert.ok(headerForm.ok, JSON.stringify(headerForm));
  const presigned = verifySigned('GET', out.presigned, '', {});
  assert.ok(presigned.ok, JSON.stringify(presigned));
});
