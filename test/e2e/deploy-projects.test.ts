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
const aws = (...args: string[]) => run('aws', [...args, '--output', 'json'], { env: gust.awsEnv() }).then((r) => JSON.parse(r.stdout));
const functionNames = async () => JSON.parse((await ok(EXAMPLES, ['--json', 'ls'])).stdout).map((f: { FunctionName: string }) => f.FunctionName).sort();
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
    `service: two\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  iam:\n    role: x\nfunctions:\n  a:\n    handler: index.a\n    events:\n      - httpApi: 'GET /a'\n      - sqs: arn:aws:sqs:us-east-1:000000000000:q\n` +
    (withB ? `  b:\n    handler: index.b\n    events:\n      - httpApi: 'GET /b'\n` : '');
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml(true));
  const first = await ok(dir, ['deploy']);
  const warnings = first.stderr.split('\n').filter((l) => l.includes('warning'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /provider\.iam.*functions\.a\.events\[1\]\.sqs \(queues not yet supported\)/);
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
  // The upload is acknowledged before the function runs (an async event): wait for its log line.
  let logs = '';
  for (let i = 0; i < 200 && !/uploaded photos cat\.jpg/.test(logs); i++) {
    logs = (await ok(dir, ['logs', 'thumbs-dev-t', '--since', '10m'])).stdout;
    if (!/uploaded photos cat\.jpg/.test(logs)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(logs, /uploaded photos cat\.jpg/);
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
