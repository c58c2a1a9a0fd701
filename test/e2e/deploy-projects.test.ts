// `gust deploy` on the examples, unchanged, against a real Gust: the serverless.yml cron seed, a
// SAM HTTP API and a TypeScript handler bundled by esbuild. Checked with curl, the aws CLI and
// the gust CLI: --dry-run changes nothing, a redeploy updates what changed, remove tears down.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';

const run = promisify(execFile);
const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
let gust: GustProcess;

before(async () => {
  gust = await startGust();
});
after(async () => gust.stop());

/** Runs `gust ARGS` in a directory; resolves with its output and exit code, never throws. */
async function gustIn(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, GUST_ENDPOINT: gust.url, GUST_DATA_DIR: gust.dataDir, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}
const ok = async (dir: string, args: string[], env?: NodeJS.ProcessEnv) => {
  const r = await gustIn(dir, args, env);
  assert.equal(r.code, 0, `gust ${args.join(' ')} failed: ${r.stderr}`);
  return r;
};
// --endpoint-url: aws CLI v1 ignores AWS_ENDPOINT_URL for SQS.
const aws = (...args: string[]) => run('aws', ['--endpoint-url', gust.url, ...args, '--output', 'json'], { env: gust.awsEnv() }).then((r) => JSON.parse(r.stdout || '{}'));
const functionNames = async () => JSON.parse((await ok(EXAMPLES, ['--json', 'ls'])).stdout).map((f: { FunctionName: string }) => f.FunctionName).sort();
/** An event source runs the function after it acknowledged the event: wait for the log line. */
async function waitForLog(dir: string, fn: string, pattern: RegExp): Promise<string> {
  let logs = '';
  for (let i = 0; i < 300 && !pattern.test(logs); i++) {
    logs = (await ok(dir, ['logs', fn, '--since', '10m'])).stdout;
    if (!pattern.test(logs)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(logs, pattern);
  return logs;
}
const get = (urlPath: string) => fetch(gust.url + urlPath).then(async (r) => ({ status: r.status, body: await r.text() }));

test('the serverless.yml seed: --dry-run changes nothing, deploy makes the function and its schedule, redeploy changes nothing, remove tears down', async () => {
  const dir = path.join(EXAMPLES, 'serverless-cron');
  const dry = await ok(dir, ['deploy', '--dry-run']);
  assert.match(dry.stdout, /create\s+function\s+cron-demo-dev-hello/);
  assert.match(dry.stdout, /create\s+schedule\s+cron-demo-dev-hello-schedule-1\s+cron\(0 2 \* \* \? \*\)/);
  assert.deepEqual(await functionNames(), []);

  const deployed = await ok(dir, ['deploy']);
  assert.equal(deployed.stderr, '', 'no warning for the seed');
  assert.match(deployed.stdout, /Deployed service cron-demo-dev/);
  const schedule = await aws('scheduler', 'get-schedule', '--name', 'cron-demo-dev-hello-schedule-1');
  assert.equal(schedule.ScheduleExpression, 'cron(0 2 * * ? *)');
  assert.equal(schedule.State, 'ENABLED');
  assert.match(schedule.Target.Arn, /:function:cron-demo-dev-hello$/);
  const config = await aws('lambda', 'get-function-configuration', '--function-name', 'cron-demo-dev-hello');
  assert.deepEqual([config.Handler, config.MemorySize, config.Timeout], ['handler.hello', 1024, 6]);
  const invoked = JSON.parse((await ok(dir, ['invoke', 'cron-demo-dev-hello', '{"from":"test"}', '--no-tail'])).stdout);
  assert.deepEqual(invoked.input, { from: 'test' });

  assert.match((await ok(dir, ['deploy'])).stdout, /nothing changed/);
  assert.match((await ok(dir, ['deploy', '--dry-run'])).stdout, /nothing to change/);

  await ok(dir, ['remove']);
  assert.deepEqual(await functionNames(), []);
  assert.deepEqual((await aws('scheduler', 'list-schedules')).Schedules, []);
});

test('a SAM HTTP API: parameters, globals and conditions applied, routes at payload 2.0 and 1.0, outputs resolved, redeploy updates, --delete removes', async () => {
  const dir = path.join(EXAMPLES, 'sam-http-api');
  const first = JSON.parse((await ok(dir, ['--json', 'deploy'])).stdout);
  assert.deepEqual(first.functions.sort(), ['HelloFunction', 'sam-http-api-items']);
  assert.equal(first.outputs.HelloApi, `${gust.url}/hello`);
  assert.equal(first.outputs.ItemsFunctionName, 'sam-http-api-items');
  assert.match(first.outputs.HelloFunctionArn, /^arn:aws:lambda:us-east-1:\d{12}:function:HelloFunction$/);

  const hello = await get('/hello');
  assert.equal(hello.status, 200);
  assert.deepEqual(JSON.parse(hello.body), { message: 'Hello from sam-http-api!', stage: 'dev', logLevel: 'debug', payload: '2.0' });
  assert.equal(JSON.parse((await get('/rest/hello')).body).payload, '1.0');
  assert.deepEqual(JSON.parse((await get('/items/42')).body), { id: '42' });

  const overrides = ['--parameter-overrides', 'Stage=prod Greeting=Howdy'];
  const dry = await ok(dir, ['deploy', '--dry-run', ...overrides]);
  assert.match(dry.stdout, /update\s+function\s+HelloFunction\s+configuration: Environment/);
  assert.equal(JSON.parse((await get('/hello')).body).stage, 'dev', 'the dry run changed nothing');
  await ok(dir, ['deploy', ...overrides]);
  assert.deepEqual(JSON.parse((await get('/hello')).body), { message: 'Howdy from sam-http-api!', stage: 'prod', logLevel: 'warn', payload: '2.0' });

  await ok(dir, ['deploy', '--delete', ...overrides]);
  assert.deepEqual(await functionNames(), []);
  assert.equal((await get('/hello')).status, 404);
  assert.match((await ok(dir, ['route', 'ls'])).stdout, /No routes yet/);
});

test('a SAM layer shared by a Node.js and a Python function: published once, used by both, republished only when it changed', async () => {
  const source = path.join(EXAMPLES, 'sam-shared-layer');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-sam-layer-'));
  fs.cpSync(source, dir, { recursive: true });
  const first = JSON.parse((await ok(dir, ['--json', 'deploy'])).stdout);
  assert.match(first.outputs.Layer, /^arn:aws:lambda:us-east-1:\d{12}:layer:shared-greeting:1$/);
  const invoke = async (fn: string) => JSON.parse((await ok(dir, ['invoke', fn, '{}', '--no-tail'])).stdout).message;
  assert.equal(await invoke('NodeFunction'), 'hello node, from the shared layer');
  assert.equal(await invoke('PythonFunction'), 'hello python, from the shared layer');
  const layers = await aws('lambda', 'get-function-configuration', '--function-name', 'PythonFunction');
  assert.deepEqual(layers.Layers.map((l: { Arn: string }) => l.Arn), [first.outputs.Layer]);

  assert.match((await ok(dir, ['deploy', '--dry-run'])).stdout, /nothing|no change/i, 'an unchanged layer is not republished');
  fs.writeFileSync(path.join(dir, 'layer/python/greeting.py'), 'def greet(who):\n    return f"hi {who}, from version 2"\n');
  await ok(dir, ['deploy']);
  assert.equal(await invoke('PythonFunction'), 'hi python, from version 2');
  const versions = await aws('lambda', 'list-layer-versions', '--layer-name', 'shared-greeting');
  assert.deepEqual(versions.LayerVersions.map((v: { Version: number }) => v.Version), [2, 1]);
  await ok(dir, ['deploy', '--delete']);
  assert.deepEqual(await functionNames(), []);
});

test('a TypeScript handler is bundled by esbuild with source maps on, served by route and function URL; a changed variable redeploys', async () => {
  const dir = path.join(EXAMPLES, 'serverless-typescript');
  const out = JSON.parse((await ok(dir, ['--json', 'deploy'])).stdout);
  assert.deepEqual(JSON.parse((await get('/greet/ann')).body), { message: 'Hello, ann!', stage: 'dev' });
  const url = out.functionUrls['ts-demo-dev-greet'];
  assert.ok((await fetch(url)).ok, 'the function URL answers');
  const config = await aws('lambda', 'get-function-configuration', '--function-name', 'ts-demo-dev-greet');
  assert.equal(config.Environment.Variables.NODE_OPTIONS, '--enable-source-maps');
  assert.equal(config.Environment.Variables.SERVICE, 'ts-demo');
  const tags = await aws('lambda', 'list-tags', '--resource', config.FunctionArn);
  assert.equal(tags.Tags['gust:project'], 'ts-demo-dev');

  await ok(dir, ['deploy'], { GREETING: 'Hi' });
  assert.deepEqual(JSON.parse((await get('/greet/bo')).body), { message: 'Hi, bo!', stage: 'dev' });
  await ok(dir, ['remove']);
  assert.deepEqual(await functionNames(), []);
  assert.equal((await fetch(url)).status, 404);
  assert.equal((await get('/greet/ann')).status, 404, 'the route went with the function');
});

test('unsupported keys are named in one warning; a function removed from the project is deleted with its route', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-project-'));
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.a = async () => ({ statusCode: 200, body: "a" }); exports.b = async () => ({ statusCode: 200, body: "b" });');
  const yml = (withB: boolean) =>
    `service: two\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  iam:\n    role: x\nfunctions:\n  a:\n    handler: index.a\n    events:\n      - httpApi: 'GET /a'\n      - sns: alerts\n` +
    (withB ? `  b:\n    handler: index.b\n    events:\n      - httpApi: 'GET /b'\n` : '');
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml(true));
  const first = await ok(dir, ['deploy']);
  const warnings = first.stderr.split('\n').filter((l) => l.includes('warning'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /provider\.iam.*functions\.a\.events\[1\]\.sns/);
  assert.equal((await get('/b')).body, 'b');

  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml(false));
  assert.match((await ok(dir, ['deploy', '--dry-run'])).stdout, /delete\s+route\s+GET \/b[\s\S]*delete\s+function\s+two-dev-b/);
  await ok(dir, ['deploy']);
  assert.deepEqual(await functionNames(), ['two-dev-a']);
  assert.equal((await get('/b')).status, 404);
  assert.equal((await get('/a')).body, 'a');
  await ok(dir, ['remove']);
  assert.deepEqual(await functionNames(), []);
});

test('an s3 event: the deploy makes the bucket and its notification, an upload that matches runs the function, remove takes the notification away', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-project-'));
  fs.writeFileSync(path.join(dir, 'index.js'), "exports.handler = async (e) => { for (const r of e.Records) console.log('uploaded', r.s3.bucket.name, r.s3.object.key); };");
  fs.writeFileSync(path.join(dir, 'serverless.yml'), `service: thumbs\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  t:\n    handler: index.handler\n    events:\n      - s3:\n          bucket: photos\n          event: s3:ObjectCreated:*\n          rules:\n            - suffix: .jpg\n`);
  const dry = await ok(dir, ['deploy', '--dry-run']);
  assert.match(dry.stdout, /ensure\s+bucket\s+photos/);
  assert.match(dry.stdout, /ensure\s+notification\s+photos\s+s3:ObjectCreated:\* \*\.jpg → thumbs-dev-t/);
  await ok(dir, ['deploy']);
  const config = await aws('s3api', 'get-bucket-notification-configuration', '--bucket', 'photos');
  assert.match(config.LambdaFunctionConfigurations[0].LambdaFunctionArn, /:function:thumbs-dev-t$/);

  fs.writeFileSync(path.join(dir, 'note.txt'), 'not a photo');
  fs.writeFileSync(path.join(dir, 'cat.jpg'), 'a photo');
  await run('aws', ['s3', 'cp', path.join(dir, 'note.txt'), 's3://photos/note.txt'], { env: gust.awsEnv() });
  await run('aws', ['s3', 'cp', path.join(dir, 'cat.jpg'), 's3://photos/cat.jpg'], { env: gust.awsEnv() });
  const logs = await waitForLog(dir, 'thumbs-dev-t', /uploaded photos cat\.jpg/);
  assert.doesNotMatch(logs, /note\.txt/, 'the suffix rule keeps other uploads out');

  await ok(dir, ['remove']);
  assert.deepEqual(await functionNames(), []);
  const after = await aws('s3api', 'get-bucket-notification-configuration', '--bucket', 'photos').catch(() => ({}));
  assert.equal((after.LambdaFunctionConfigurations ?? []).length, 0, 'the notification went with the function');
});

test('SAM AutoPublishAlias with a Canary preference: the new version gets its 10 % through the alias weight', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-project-'));
  fs.writeFileSync(path.join(dir, 'app.py'), 'import os\ndef handler(event, context):\n    return os.environ["COLOR"]\n');
  fs.writeFileSync(
    path.join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Parameters:
  Color: { Type: String, Default: blue }
Resources:
  Paint:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
      Environment:
        Variables:
          COLOR: !Ref Color
`,
  );
  await ok(dir, ['deploy', '--stack-name', 'paint']);
  let alias = await aws('lambda', 'get-alias', '--function-name', 'Paint', '--name', 'live');
  assert.equal(alias.FunctionVersion, '1');
  assert.equal(alias.RoutingConfig?.AdditionalVersionWeights?.['2'], undefined);

  const second = await ok(dir, ['deploy', '--stack-name', 'paint', '--parameter-overrides', 'Color=green']);
  assert.match(second.stderr, /note: DeploymentPreference Canary\/Linear/);
  alias = await aws('lambda', 'get-alias', '--function-name', 'Paint', '--name', 'live');
  assert.equal(alias.FunctionVersion, '1');
  assert.deepEqual(alias.RoutingConfig.AdditionalVersionWeights, { '2': 0.1 });
  const v2 = JSON.parse((await ok(dir, ['invoke', 'Paint', '{}', '--qualifier', '2', '--no-tail'])).stdout);
  assert.equal(v2, 'green');
  await ok(dir, ['remove', '--stack-name', 'paint']);
  assert.deepEqual(await functionNames(), []);
});

test('a SAM queue worker: queues with a redrive policy made, the SQS event mapped, a job flows from the HTTP API through the queue, a failing one lands in the dead-letter queue; remove deletes them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-project-'));
  fs.cpSync(path.join(EXAMPLES, 'sam-queue-worker'), dir, { recursive: true });
  const stack = path.basename(dir);
  const dry = await ok(dir, ['deploy', '--dry-run']);
  assert.match(dry.stdout, new RegExp(`ensure\\s+queue\\s+${stack}-JobsDeadLetterQueue[\\s\\S]*ensure\\s+queue\\s+${stack}-JobsQueue\\s+VisibilityTimeout=2`), 'the dead-letter queue is made first');
  assert.match(dry.stdout, new RegExp(`create\\s+mapping\\s+${stack}-JobsQueue → WorkerFunction\\s+batch 5`));

  const deployed = JSON.parse((await ok(dir, ['--json', 'deploy'])).stdout);
  assert.equal(deployed.outputs.JobsApi, `${gust.url}/jobs`);
  const queueUrl = deployed.outputs.JobsQueueUrl;
  assert.match(queueUrl, new RegExp(`/\\d{12}/${stack}-JobsQueue$`));
  const attributes = (await aws('sqs', 'get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', 'All')).Attributes;
  assert.equal(attributes.VisibilityTimeout, '2');
  assert.deepEqual(JSON.parse(attributes.RedrivePolicy).maxReceiveCount, 2);
  const [mapping] = (await aws('lambda', 'list-event-source-mappings', '--function-name', 'WorkerFunction')).EventSourceMappings;
  assert.deepEqual([mapping.BatchSize, mapping.FunctionResponseTypes, mapping.EventSourceArn.split(':').pop()], [5, ['ReportBatchItemFailures'], `${stack}-JobsQueue`]);
  const submitEnv = (await aws('lambda', 'get-function-configuration', '--function-name', 'SubmitFunction')).Environment.Variables;
  assert.equal(submitEnv.QUEUE_URL, queueUrl, '!Ref of a queue is its URL');

  const submitted = await fetch(`${gust.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'j1', task: 'resize' }) });
  assert.equal(submitted.status, 202, await submitted.clone().text());
  assert.deepEqual(await submitted.json(), { queued: 'j1' });
  await waitForLog(dir, 'WorkerFunction', /job j1 done: resize/);

  await aws('sqs', 'send-message', '--queue-url', queueUrl, '--message-body', JSON.stringify({ id: 'j2', task: 'fail' }));
  let dead: { Body: string }[] = [];
  for (let i = 0; i < 10 && dead.length === 0; i++) {
    dead = (await aws('sqs', 'receive-message', '--queue-url', deployed.outputs.DeadLetterQueueUrl, '--wait-time-seconds', '5')).Messages ?? [];
  }
  assert.deepEqual(dead.map((m) => JSON.parse(m.Body).id), ['j2'], 'tried twice, then moved to the dead-letter queue');

  assert.match((await ok(dir, ['deploy'])).stdout, /nothing changed/);
  fs.writeFileSync(path.join(dir, 'template.yaml'), fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8').replace('BatchSize: 5', 'BatchSize: 3'));
  assert.match((await ok(dir, ['deploy', '--dry-run'])).stdout, /update\s+mapping\s+\S+JobsQueue → WorkerFunction\s+batch 3/);
  await ok(dir, ['deploy']);
  assert.equal((await aws('lambda', 'get-event-source-mapping', '--uuid', mapping.UUID)).BatchSize, 3, 'updated in place');

  await ok(dir, ['remove']);
  assert.deepEqual(await functionNames(), []);
  assert.deepEqual((await aws('lambda', 'list-event-source-mappings')).EventSourceMappings, []);
  const left = (await aws('sqs', 'list-queues')).QueueUrls ?? [];
  assert.deepEqual(left.filter((u: string) => u.includes(stack)), [], 'the project’s queues went with it');
});

test('a serverless sqs event on a queue under resources (Fn::GetAtt and !GetAtt forms, Ref in the environment); dropping the event deletes its mapping, an existing queue is left alone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-project-'));
  fs.writeFileSync(path.join(dir, 'index.js'), "exports.handler = async (e) => { for (const r of e.Records) console.log('got', r.body, process.env.JOBS_URL.split('/').pop()); };");
  await aws('sqs', 'create-queue', '--queue-name', 'made-by-hand');
  const yml = (withEvents: boolean) => `service: jobs
provider:
  name: aws
  runtime: nodejs20.x
functions:
  work:
    handler: index.handler
    environment:
      JOBS_URL: { Ref: Jobs }
${withEvents ? `    events:
      - sqs:
          arn: { 'Fn::GetAtt': [Jobs, Arn] }
          batchSize: 2
      - sqs: arn:aws:sqs:us-east-1:\${aws:accountId}:made-by-hand
      - sqs:
          arn: !GetAtt Other.Arn
          enabled: false
` : ''}resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: jobs-\${sls:stage}
    Other:
      Type: AWS::SQS::Queue
`;
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml(true));
  const first = await ok(dir, ['deploy']);
  assert.equal(first.stderr, '', 'nothing unsupported');
  const mappings = (await aws('lambda', 'list-event-source-mappings', '--function-name', 'jobs-dev-work')).EventSourceMappings;
  assert.deepEqual(mappings.map((m: { EventSourceArn: string; BatchSize: number; State: string }) => [m.EventSourceArn.split(':').pop(), m.BatchSize, m.State]).sort(), [
    ['jobs-dev', 2, 'Enabled'],
    ['jobs-dev-Other', 10, 'Disabled'],
    ['made-by-hand', 10, 'Enabled'],
  ]);
  const jobsUrl = (await aws('sqs', 'get-queue-url', '--queue-name', 'jobs-dev')).QueueUrl;
  await aws('sqs', 'send-message', '--queue-url', jobsUrl, '--message-body', 'hello');
  await waitForLog(dir, 'jobs-dev-work', /got hello jobs-dev/);

  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml(false));
  assert.match((await ok(dir, ['deploy', '--dry-run'])).stdout, /delete\s+mapping\s+jobs-dev → jobs-dev-work/);
  await ok(dir, ['deploy']);
  assert.deepEqual((await aws('lambda', 'list-event-source-mappings', '--function-name', 'jobs-dev-work')).EventSourceMappings, []);
  await ok(dir, ['remove']);
  const left = ((await aws('sqs', 'list-queues')).QueueUrls ?? []).map((u: string) => u.split('/').pop());
  assert.ok(left.includes('made-by-hand') && !left.includes('jobs-dev') && !left.includes('jobs-dev-Other'), `left: ${left}`);
});
