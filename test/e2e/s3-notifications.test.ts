// Uploads that fire functions, end to end with the aws CLI and boto3: the seed's copy handler
// configured with `gust notify add`, a recorder configured with boto3's
// put_bucket_notification_configuration (refused until S3 may invoke it), prefix and suffix
// filters, removal events, the exact event record, and an acknowledged upload's event surviving
// kill -9 (the object and its event are committed together).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEED_EXAMPLE = path.join(ROOT, 'examples/s3-copy-python');
const RECORDER = path.join(ROOT, 'test/fixtures/functions/python-s3-recorder');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-s3-notify-'));
let gust: GustProcess;

async function gustCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

async function ok(args: string[]): Promise<string> {
  const r = await gustCli(args);
  assert.equal(r.code, 0, `gust ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const aws = (args: string[]) => run('aws', ['--endpoint-url', gust.url, ...args], { env: gust.awsEnv() });

/** Runs a boto3 script; it prints one JSON document. */
async function boto3(script: string): Promise<any> {
  const { stdout } = await run('python3', ['-c', `import boto3, json, botocore.exceptions\ns3 = boto3.client('s3')\n${script}`], { env: gust.awsEnv() });
  return JSON.parse(stdout);
}

/** Keys of a bucket, through the aws CLI. */
async function keys(bucket: string): Promise<string[]> {
  const { stdout } = await aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--output', 'json']);
  return stdout.trim() === '' ? [] : (JSON.parse(stdout).Contents ?? []).map((c: { Key: string }) => c.Key);
}

/** The events the recorder has written so far, oldest first. */
async function recorded(): Promise<any[]> {
  const out = await boto3(`
items = []
for o in s3.list_objects_v2(Bucket='recorded').get('Contents', []):
    items.append(json.loads(s3.get_object(Bucket='recorded', Key=o['Key'])['Body'].read()))
print(json.dumps(items))`);
  return out.sort((a: any, b: any) => a.started - b.started);
}

const file = (name: string, text: string) => {
  const p = path.join(work, name);
  fs.writeFileSync(p, text);
  return p;
};

before(async () => {
  gust = await startGust();
  for (const b of ['uploads', 'processed-bucket', 'watched', 'recorded']) await ok(['bucket', 'create', b]);
  await ok(['deploy', SEED_EXAMPLE, '--name', 's3-copy']);
  await ok(['deploy', RECORDER, '--name', 'recorder']);
});
after(async () => gust?.stop());

describe('the seed example, configured with gust notify add', () => {
  test('an upload under the prefix is copied to processed-bucket; others are not', async () => {
    const added = await ok(['notify', 'add', 'uploads', 's3-copy', '--events', 's3:ObjectCreated:*', '--prefix', 'incoming/']);
    assert.match(added, /Notifying s3-copy of s3:ObjectCreated:\* in uploads for keys starting incoming\//);
    // Adding it again changes nothing (the permission and the configuration are already there).
    assert.match(await ok(['notify', 'add', 'uploads', 's3-copy', '--events', 's3:ObjectCreated:*', '--prefix', 'incoming/']), /Already notifying/);
    const listed = JSON.parse(await ok(['--json', 'notify', 'ls', 'uploads']));
    assert.equal(listed.LambdaFunctionConfigurations.length, 1);
    const policy = JSON.parse((await aws(['lambda', 'get-policy', '--function-name', 's3-copy'])).stdout);
    const statement = JSON.parse(policy.Policy).Statement[0];
    assert.deepEqual(statement.Principal, { Service: 's3.amazonaws.com' });
    assert.equal(statement.Condition.ArnLike['AWS:SourceArn'], 'arn:aws:s3:::uploads');

    await aws(['s3', 'cp', file('skip.txt', 'not under the prefix'), 's3://uploads/elsewhere/skip.txt']);
    // A key with spaces and parentheses arrives URL-encoded ('+' for a space); the handler decodes it.
    await aws(['s3', 'cp', file('report.txt', 'quarterly numbers'), 's3://uploads/incoming/my report (1).txt']);
    await until('the copy', async () => ((await keys('processed-bucket')).includes('incoming/my report (1).txt') ? true : undefined));
    const { stdout } = await aws(['s3', 'cp', 's3://processed-bucket/incoming/my report (1).txt', '-']);
    assert.equal(stdout, 'quarterly numbers');
    // The filtered-out upload queued no event at all (it was decided when its PUT committed).
    assert.deepEqual(await keys('processed-bucket'), ['incoming/my report (1).txt']);
    // Telemetry is written in batches: wait for the line rather than expecting it at once.
    const logs = await until('the log line', async () => {
      const out = await ok(['logs', 's3-copy']);
      return /copied s3:/.test(out) ? out : undefined;
    });
    assert.match(logs, /copied s3:\/\/uploads\/incoming\/my report \(1\)\.txt to s3:\/\/processed-bucket\/incoming\/my report \(1\)\.txt/);
  });

  test('notify add explains what to do for a missing bucket or function; notify rm removes by id', async () => {
    const noBucket = await gustCli(['notify', 'add', 'no-such-bucket', 's3-copy']);
    assert.equal(noBucket.code, 1);
    assert.match(noBucket.stderr, /NoSuchBucket[\s\S]*gust bucket create no-such-bucket/);
    const noFunction = await gustCli(['notify', 'add', 'uploads', 'no-such-function']);
    assert.equal(noFunction.code, 1);
    assert.match(noFunction.stderr, /ResourceNotFoundException[\s\S]*gust deploy/);
    const overlapping = await gustCli(['notify', 'add', 'uploads', 'recorder', '--prefix', 'incoming/deep/']);
    assert.equal(overlapping.code, 1);
    assert.match(overlapping.stderr, /InvalidArgument: Configuration is ambiguously defined[\s\S]*gust notify ls uploads/);
    const [config] = JSON.parse(await ok(['--json', 'notify', 'ls', 'uploads'])).LambdaFunctionConfigurations;
    assert.match(await ok(['notify', 'rm', 'uploads', config.Id]), new RegExp(`Removed notification ${config.Id}`));
    assert.match(await ok(['notify', 'ls', 'uploads']), /No notifications on uploads/);
    assert.equal((await gustCli(['notify', 'rm', 'uploads', config.Id])).code, 1);
  });
});

describe('the recorder, configured with boto3', () => {
  const configure = `
try:
    s3.put_bucket_notification_configuration(Bucket='watched', NotificationConfiguration={'LambdaFunctionConfigurations': [
        {'Id': 'csv-created', 'LambdaFunctionArn': ARN, 'Events': ['s3:ObjectCreated:*'],
         'Filter': {'Key': {'FilterRules': [{'Name': 'suffix', 'Value': '.csv'}]}}},
        {'Id': 'removed', 'LambdaFunctionArn': ARN, 'Events': ['s3:ObjectRemoved:*']}]})
    print(json.dumps({'ok': True}))
except botocore.exceptions.ClientError as err:
    print(json.dumps({'status': err.response['ResponseMetadata']['HTTPStatusCode'], 'error': err.response['Error']}))`;

  test('refused until the function lets S3 invoke it; then created, removed and filtered events arrive as S3 writes them', async () => {
    const arn = JSON.parse((await aws(['lambda', 'get-function-configuration', '--function-name', 'recorder'])).stdout).FunctionArn;
    const script = `ARN = ${JSON.stringify(arn)}\n${configure}`;
    const refused = await boto3(script);
    assert.equal(refused.status, 400);
    assert.equal(refused.error.Code, 'InvalidArgument');
    assert.equal(refused.error.Message, 'Unable to validate the following destination configurations');
    assert.deepEqual(await boto3(`print(json.dumps(s3.get_bucket_notification_configuration(Bucket='watched').get('LambdaFunctionConfigurations', [])))`), []);

    await aws(['lambda', 'add-permission', '--function-name', 'recorder', '--statement-id', 's3-watched', '--action', 'lambda:InvokeFunction',
      '--principal', 's3.amazonaws.com', '--source-arn', 'arn:aws:s3:::watched']);
    assert.deepEqual(await boto3(script), { ok: true });
    const read = await boto3(`print(json.dumps(s3.get_bucket_notification_configuration(Bucket='watched')['LambdaFunctionConfigurations']))`);
    assert.deepEqual(read.map((c: any) => [c.Id, c.LambdaFunctionArn, c.Events]), [['csv-created', arn, ['s3:ObjectCreated:*']], ['removed', arn, ['s3:ObjectRemoved:*']]]);
    assert.deepEqual(read[0].Filter, { Key: { FilterRules: [{ Name: 'Suffix', Value: '.csv' }] } });

    await aws(['s3', 'cp', file('notes.txt', 'no event for me'), 's3://watched/notes.txt']);
    await aws(['s3', 'cp', file('data.csv', 'a,b\n1,2\n'), 's3://watched/in/data 1.csv']);
    const [created] = await until('the created event', async () => {
      const all = await recorded();
      return all.length >= 1 ? all : undefined;
    });
    await aws(['s3', 'rm', 's3://watched/in/data 1.csv']);
    const events = await until('the removed event', async () => {
      const all = await recorded();
      return all.length >= 2 ? all : undefined;
    });
    assert.equal(events.length, 2, 'notes.txt fired nothing');

    const put = created.event.Records[0];
    assert.equal(created.event.Records.length, 1);
    assert.equal(put.eventVersion, '2.1');
    assert.equal(put.eventSource, 'aws:s3');
    assert.equal(put.awsRegion, gust.region);
    assert.match(put.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(put.eventName, 'ObjectCreated:Put');
    assert.equal(put.s3.s3SchemaVersion, '1.0');
    assert.equal(put.s3.configurationId, 'csv-created');
    assert.deepEqual([put.s3.bucket.name, put.s3.bucket.arn], ['watched', 'arn:aws:s3:::watched']);
    assert.equal(put.s3.object.key, 'in/data+1.csv');
    assert.equal(put.s3.object.size, 8);
    assert.match(put.s3.object.eTag, /^[0-9a-f]{32}$/);
    assert.match(put.s3.object.sequencer, /^[0-9A-Fa-f]+$/);
    assert.match(put.responseElements['x-amz-request-id'], /\S/);
    assert.ok(put.userIdentity.principalId);
    assert.ok(put.requestParameters.sourceIPAddress);

    const removed = events[1].event.Records[0];
    assert.equal(removed.eventName, 'ObjectRemoved:Delete');
    assert.equal(removed.s3.configurationId, 'removed');
    assert.equal(removed.s3.object.key, 'in/data+1.csv');
    assert.equal(removed.s3.object.size, undefined);
    assert.equal(removed.s3.object.eTag, undefined);
    assert.ok(BigInt(`0x${removed.s3.object.sequencer}`) > BigInt(`0x${put.s3.object.sequencer}`), 'the sequencer grows for one key');
  });

  test('an acknowledged upload fires its event after kill -9 and a restart', { timeout: 180_000 }, async () => {
    // With reserved concurrency 0 the event waits in the durable queue: it cannot have run before the kill.
    await aws(['lambda', 'put-function-concurrency', '--function-name', 'recorder', '--reserved-concurrent-executions', '0']);
    const seen = (await recorded()).length;
    await aws(['s3', 'cp', file('crash.csv', 'x\n'), 's3://watched/crash.csv']);
    await gust.kill9();
    gust = await startGust({ dataDir: gust.dataDir });
    assert.deepEqual(await keys('watched'), ['notes.txt', 'crash.csv'].sort(), 'the acknowledged object survived');
    await aws(['lambda', 'delete-function-concurrency', '--function-name', 'recorder']);
    const events = await until('the event queued before the crash', async () => {
      const all = await recorded();
      return all.length > seen ? all : undefined;
    });
    const last = events[events.length - 1].event.Records[0];
    assert.equal(last.eventName, 'ObjectCreated:Put');
    assert.equal(last.s3.object.key, 'crash.csv');
  });
});
