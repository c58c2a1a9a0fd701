// Log retention and the per-function size cap on a real Gust: retention policies over the
// CloudWatch Logs API (SDK), a function flooding its logs across invocations keeps only its
// newest events within the cap (storedBytes telling the truth), and `gust logs` strips terminal
// escape sequences from what a function printed unless --raw.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutRetentionPolicyCommand,
  type CloudWatchLogsClient,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';
import { signRequest } from '../../src/api/sigv4.js';

const CAP_MB = 1;
let gust: GustProcess;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;

before(async () => {
  gust = await startGust({ args: ['--log-group-max-mb', String(CAP_MB)] });
  lambda = lambdaClient(gust);
  logs = logsClient(gust);
  const zip = await fixtureZip('node-logs');
  for (const name of ['policy', 'flood', 'escapes']) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: zip } }));
  }
  await lambda.send(new InvokeCommand({ FunctionName: 'policy', Payload: Buffer.from('{"lines":1}') }));
});
after(async () => gust.stop());

const describeGroup = async (name: string) => (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups!.find((g) => g.logGroupName === name);

async function allEvents(group: string): Promise<FilteredLogEvent[]> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken }));
    events.push(...page.events!);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

test('PutRetentionPolicy / DeleteRetentionPolicy, shown by DescribeLogGroups, with the errors AWS gives', async () => {
  const group = '/aws/lambda/policy';
  assert.equal((await describeGroup(group))!.retentionInDays, undefined, 'no policy: events never expire');
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 14 }));
  assert.equal((await describeGroup(group))!.retentionInDays, 14);
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 3653 }));
  assert.equal((await describeGroup(group))!.retentionInDays, 3653);

  await assert.rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 2 })), {
    name: 'InvalidParameterException',
    message:
      "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
  });
  await assert.rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: undefined })), {
    name: 'InvalidParameterException',
    message: /Value null at 'retentionInDays'/,
  });
  await assert.rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/lambda/nobody', retentionInDays: 7 })), {
    name: 'ResourceNotFoundException',
    message: 'The specified log group does not exist.',
  });
  assert.equal((await describeGroup(group))!.retentionInDays, 3653, 'a refused call changes nothing');

  await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: group }));
  assert.equal((await describeGroup(group))!.retentionInDays, undefined);
  await assert.rejects(logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/aws/lambda/nobody' })), { name: 'ResourceNotFoundException' });
});

test('malformed retention requests get InvalidParameterException in the JSON 1.1 shape and change nothing', async () => {
  const call = async (operation: string, params: unknown) => {
    const body = JSON.stringify(params);
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}` };
    const signed = signRequest({ method: 'POST', url: gust.url + '/', headers, body, ...gust.credentials, region: gust.region, service: 'logs' });
    const res = await fetch(gust.url + '/', { method: 'POST', headers: { ...headers, ...signed }, body });
    return { status: res.status, body: (await res.json()) as { __type?: string; message?: string } };
  };
  const group = '/aws/lambda/policy';
  for (const retentionInDays of ['7', 7.5, -1, 0, 4000, null, { days: 7 }, [7], true]) {
    const res = await call('PutRetentionPolicy', { logGroupName: group, retentionInDays });
    assert.equal(res.status, 400, JSON.stringify(retentionInDays));
    assert.equal(res.body.__type, 'InvalidParameterException');
    assert.match(res.body.message!, /at 'retentionInDays' failed to satisfy constraint/);
  }
  for (const logGroupName of [undefined, 42, ['x']]) {
    for (const operation of ['PutRetentionPolicy', 'DeleteRetentionPolicy']) {
      const res = await call(operation, { logGroupName, retentionInDays: 7 });
      assert.equal(res.status, 400);
      assert.equal(res.body.__type, 'InvalidParameterException');
    }
  }
  assert.equal((await describeGroup(group))!.retentionInDays, undefined);
});

test('a function flooding its logs keeps its newest events, within the cap, and storedBytes is what is stored', async () => {
  const cap = CAP_MB * 1024 * 1024;
  const filler = 'x'.repeat(2000);
  // Five calls of 150 lines of ~2 KB: about 1.5 MB in all, half again the cap.
  for (let i = 0; i < 5; i++) {
    const res = await lambda.send(new InvokeCommand({ FunctionName: 'flood', Payload: Buffer.from(JSON.stringify({ lines: 150, tag: `call-${i} ${filler}` })) }));
    assert.equal(res.FunctionError, undefined);
  }
  const group = await describeGroup('/aws/lambda/flood');
  const events = await allEvents('/aws/lambda/flood');
  const stored = events.reduce((n, e) => n + Buffer.byteLength(e.message!), 0);
  assert.equal(group!.storedBytes, stored, 'storedBytes counts the bytes still stored');
  assert.ok(stored <= cap, `${stored} bytes stored, cap ${cap}`);
  assert.ok(stored > cap - 10_000, `the cap is used, not emptied (${stored} bytes)`);
  const lines = (tag: string) => events.filter((e) => e.message!.includes(` ${tag} `)).length;
  assert.equal(lines('call-0'), 0, 'the oldest call is gone');
  assert.equal(lines('call-4'), 150, 'the newest call is whole');
  assert.equal(lines('call-3'), 150);
  assert.ok(/^END RequestId/.test(events.at(-2)!.message!) && /^REPORT RequestId/.test(events.at(-1)!.message!));
});

async function gustLogs(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0);
  return stdout;
}

test('gust logs removes the escape sequences a function printed, unless --raw', async () => {
  const hostile = '\x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m \x9b1;1H\x1b]52;c;cm0gLXJmIH4=\x07tail';
  await lambda.send(new InvokeCommand({ FunctionName: 'escapes', Payload: Buffer.from(JSON.stringify({ lines: 1, tag: hostile })) }));

  const text = await gustLogs(['logs', 'escapes']);
  assert.match(text, /INFO\tline 0 red tail\n/, 'the text between the sequences survives');
  assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, 'no control character reaches the terminal');

  const raw = await gustLogs(['logs', 'escapes', '--raw']);
  assert.ok(raw.includes(`line 0 ${hostile}`), '--raw prints the message as written');

  const json = await gustLogs(['--json', 'logs', 'escapes']);
  assert.doesNotMatch(json, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  const messages = json.split(/\n(?=\{)/).map((doc) => JSON.parse(doc).message as string);
  assert.ok(messages.some((m) => m.includes(`line 0 ${hostile}`)), '--json keeps the message, escaped');
});
