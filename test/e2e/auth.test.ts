// Every AWS-compatible API verifies SigV4: unsigned, wrongly signed and stale requests get AWS's
// error shapes with 403; the printed credentials work; --no-auth is explicit and loud.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { AddPermissionCommand, CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { signRequest } from '../../src/api/sigv4.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';

const run = promisify(execFile);
let gust: GustProcess;

before(async () => {
  gust = await startGust();
});
after(async () => gust.stop());

async function call(headers: Record<string, string>, path = '/2015-03-31/functions') {
  const res = await fetch(gust.url + path, { headers });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: await res.json() };
}

const signed = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ method: 'GET', url: `${gust.url}/2015-03-31/functions`, headers: {}, body: '', ...gust.credentials, region: 'us-east-1', service: 'lambda', ...overrides });

test('the SDKs work with the printed credentials and fail cleanly without them', async () => {
  assert.ok((await lambdaClient(gust).send(new ListFunctionsCommand({}))).Functions);
  assert.ok((await logsClient(gust).send(new DescribeLogGroupsCommand({}))).logGroups);
  const wrong = new LambdaClient({ endpoint: gust.url, region: 'us-east-1', credentials: { accessKeyId: 'GKIAWRONGWRONGWRONG0', secretAccessKey: 'x' }, maxAttempts: 1 });
  await assert.rejects(wrong.send(new ListFunctionsCommand({})), { name: 'UnrecognizedClientException' });
  const badSecret = new LambdaClient({ endpoint: gust.url, region: 'us-east-1', credentials: { ...gust.credentials, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
  await assert.rejects(badSecret.send(new ListFunctionsCommand({})), { name: 'InvalidSignatureException' });
});

test('unsigned, malformed, stale and tampered requests get 403 with AWS error types', async () => {
  const unsigned = await call({});
  assert.equal(unsigned.status, 403);
  assert.equal(unsigned.type, 'MissingAuthenticationTokenException');
  const incomplete = await call({ authorization: 'AWS4-HMAC-SHA256 Credential=abc' });
  assert.equal(incomplete.type, 'IncompleteSignature');
  const stale = await call(signed({ now: new Date(Date.now() - 20 * 60_000) }));
  assert.equal(stale.type, 'InvalidSignatureException');
  assert.match(stale.body.Message, /Signature expired/);
  const tampered = await call(signed(), '/2015-03-31/functions?MaxItems=1');
  assert.equal(tampered.type, 'InvalidSignatureException');
  const logs = await fetch(gust.url + '/', { method: 'POST', headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
  assert.equal(logs.status, 400);
  assert.equal((await logs.json()).__type, 'MissingAuthenticationTokenException');
});

test('the aws CLI with the profile works, and fails without credentials', async () => {
  const ok = await run('aws', ['--endpoint-url', gust.url, 'lambda', 'list-functions'], { env: gust.awsEnv() });
  assert.ok(JSON.parse(ok.stdout).Functions);
  const env = { ...gust.awsEnv(), AWS_ACCESS_KEY_ID: 'GKIANOPENOPENOPENOPE', AWS_SECRET_ACCESS_KEY: 'nope' };
  await assert.rejects(run('aws', ['--endpoint-url', gust.url, 'lambda', 'list-functions'], { env }), /UnrecognizedClientException/);
});

test('gust keys create, list and revoke', async () => {
  const cli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, '--json', 'keys', ...args]);
  const created = JSON.parse((await cli('create')).stdout);
  assert.match(created.accessKeyId, /^GKIA/);
  const withNewKey = new LambdaClient({ endpoint: gust.url, region: 'us-east-1', credentials: { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey }, maxAttempts: 1 });
  assert.ok((await withNewKey.send(new ListFunctionsCommand({}))).Functions);
  const listed = JSON.parse((await cli('list')).stdout);
  assert.ok(listed.some((k: { accessKeyId: string; secretAccessKey?: string }) => k.accessKeyId === created.accessKeyId && k.secretAccessKey === undefined));
  await cli('revoke', created.accessKeyId);
  await assert.rejects(withNewKey.send(new ListFunctionsCommand({})), { name: 'UnrecognizedClientException' });
  await assert.rejects(cli('revoke', gust.credentials.accessKeyId), /last active admin key/);
});

test('functions get their own credentials, which may invoke what they are granted and nothing else', async () => {
  const lambda = lambdaClient(gust);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'target', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('node-hello') } }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'caller', Runtime: 'python3.11', Handler: 'app.handler', Role: role, Timeout: 20, Code: { ZipFile: await fixtureZip('python-boto3') } }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'caller', Action: 'lambda:InvokeFunction', Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:function:caller' }));
  const invoked = decode((await lambda.send(new InvokeCommand({ FunctionName: 'caller', Payload: Buffer.from('{"target":"target"}') }))).Payload);
  assert.equal(invoked.inner.hello, 'from-python');
  const listed = decode((await lambda.send(new InvokeCommand({ FunctionName: 'caller', Payload: Buffer.from('{"action":"list"}') }))).Payload);
  assert.deepEqual(listed, { error: 'AccessDeniedException' });
});

test('--no-auth accepts unsigned requests and says so loudly', async () => {
  const open = await startGust({ args: ['--no-auth'] });
  try {
    assert.match(open.output(), /WARNING: authentication is OFF/);
    assert.equal((await fetch(`${open.url}/2015-03-31/functions`)).status, 200);
  } finally {
    await open.stop();
  }
});
