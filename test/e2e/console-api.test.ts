// The console's server side: /console served without a signature, with a strict CSP, and not
// shadowed by a function route on the same path; the signed /gust/console/ data routes (health
// series, daily usage, invocation history with payload and response) read what invocations left.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

async function signed(method: string, path: string, body = '') {
  const url = gust.url + path;
  const own: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  const headers = { ...own, ...signRequest({ method, url, headers: own, body, ...gust.credentials, region: gust.region, service: 'lambda' }) };
  return fetch(url, { method, headers, body: body || undefined });
}

before(async () => {
  gust = await startGust({ args: ['--history-max-kb', '1'] });
  lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'echo', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-logs') } }));
});
after(async () => gust.stop());

test('/console is served unsigned with a strict CSP, and a route on /console cannot shadow it', async () => {
  const add = await signed('POST', '/gust/routes', JSON.stringify({ method: 'GET', path: '/console', function: 'echo' }));
  assert.equal(add.status, 201);
  const page = await fetch(`${gust.url}/console`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const html = await page.text();
  assert.match(html, /<div id="app">/);
  const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1];
  const js = await fetch(gust.url + script);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  // Nothing outside the bundle, however the path is spelt.
  for (const p of ['/console/../metadata.db', '/console/%2e%2e/credentials', '/console/nope.js']) {
    const res = await fetch(gust.url + p);
    assert.notEqual(res.status, 200, p);
  }
  assert.equal((await fetch(`${gust.url}/console/assets/x.js`, { method: 'POST' })).status >= 400, true);
});

test('the data routes need a signature', async () => {
  for (const p of ['/gust/console/series', '/gust/console/daily-usage', '/gust/console/history?function=echo']) {
    const res = await fetch(gust.url + p);
    assert.equal(res.status, 403, p);
  }
});

test('series, daily usage and history reflect invocations; payloads are cut to the cap', async () => {
  const big = JSON.stringify({ tag: 'x'.repeat(2000) });
  await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"tag":"first","lines":1}') }));
  const second = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(big) }));
  assert.equal(second.StatusCode, 200);

  const series = await (await signed('GET', '/gust/console/series?minutes=5')).json();
  assert.equal(series.minutes, 5);
  const echo = series.functions.find((f: { functionName: string }) => f.functionName === 'echo');
  assert.equal(echo.invocations.reduce((a: number, b: number) => a + b, 0), 2);
  assert.equal(echo.invocations.length, 5);
  assert.ok(echo.concurrency.some((c: number) => c >= 1));
  assert.ok(echo.p99.some((v: number | null) => v !== null));

  const usage = await (await signed('GET', '/gust/console/daily-usage?days=2')).json();
  assert.equal(usage.rows.length, 1);
  assert.equal(usage.rows[0].functionName, 'echo');
  assert.equal(usage.rows[0].requests, 2);
  assert.match(usage.rows[0].date, /^\d{4}-\d{2}-\d{2}$/);

  const history = await (await signed('GET', '/gust/console/history?function=echo')).json();
  assert.equal(history.enabled, true);
  assert.equal(history.invocations.length, 2);
  const [newest, oldest] = history.invocations;
  assert.equal(oldest.payload, '{"tag":"first","lines":1}');
  assert.equal(oldest.payloadTruncated, false);
  assert.equal(oldest.response, '"logged"');
  assert.equal(oldest.source, 'api');
  assert.equal(oldest.cold, true);
  assert.equal(typeof oldest.durationMs, 'number');
  assert.equal(newest.payloadTruncated, true);
  assert.equal(newest.payload.length, 1024);

  const one = await (await signed('GET', `/gust/console/history/${oldest.requestId}`)).json();
  assert.equal(one.requestId, oldest.requestId);
  assert.equal((await signed('GET', '/gust/console/history/nope')).status, 404);
});

test('bad parameters are refused with a clear error', async () => {
  for (const p of ['/gust/console/series?minutes=0', '/gust/console/series?minutes=abc', '/gust/console/daily-usage?days=9999', '/gust/console/history']) {
    const res = await signed('GET', p);
    assert.equal(res.status, 400, p);
    const body = await res.json();
    assert.match(body.message ?? body.Message, /must be|required/);
  }
});
