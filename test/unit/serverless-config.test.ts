// serverless.yml into the project model: variables (self, env, opt, sls, file, fallbacks,
// nesting), Framework names and defaults, events, package patterns, and the one list of keys
// Gust does not support.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readServerlessConfig } from '../../src/cli/deploy/serverless-config.js';
import { includedBy } from '../../src/cli/deploy/package.js';

function project(yaml: string, files: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-sls-'));
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yaml);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { dir, file: path.join(dir, 'serverless.yml') };
}

test('the seed example: one function named service-stage-function with a cron schedule, Framework defaults', () => {
  const { file } = project('service: app\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  hello:\n    handler: handler.hello\n    events:\n      - schedule: cron(0 2 * * ? *)\n');
  const p = readServerlessConfig(file);
  assert.equal(p.id, 'app-dev');
  const [fn] = p.functions;
  assert.equal(fn.name, 'app-dev-hello');
  assert.equal(fn.memorySize, 1024);
  assert.equal(fn.timeout, 6);
  assert.equal(fn.tags['gust:project'], 'app-dev');
  assert.deepEqual(fn.schedules, [{ name: 'app-dev-hello-schedule-1', expression: 'cron(0 2 * * ? *)', input: undefined, enabled: true, timezone: undefined }]);
  assert.deepEqual(p.unsupported, []);
});

test('variables: self, env with default, opt and sls stage, file(), nested and typed', () => {
  const { file } = project(
    `service: \${self:custom.name}
custom:
  name: vars
  memory:
    prod: 512
    dev: 256
provider:
  name: aws
  runtime: nodejs20.x
  stage: \${opt:stage, 'dev'}
  memorySize: \${self:custom.memory.\${sls:stage}}
  environment:
    FROM_ENV: \${env:GUST_TEST_VAR, 'fallback'}
    PRESENT: \${env:GUST_TEST_SET}
    STAGE: \${sls:stage}
    FROM_FILE: \${file(./config.yml):greeting}
    MIXED: pre-\${self:service}-\${opt:stage, 'x'}
functions:
  a:
    handler: a.handler
`,
    { 'config.yml': 'greeting: hi there\n' },
  );
  const p = readServerlessConfig(file, { stage: 'prod', env: { GUST_TEST_SET: 'yes' } });
  const [fn] = p.functions;
  assert.equal(p.id, 'vars-prod');
  assert.equal(fn.name, 'vars-prod-a');
  assert.equal(fn.memorySize, 512);
  assert.deepEqual(fn.environment, { FROM_ENV: 'fallback', PRESENT: 'yes', STAGE: 'prod', FROM_FILE: 'hi there', MIXED: 'pre-vars-prod' });
  assert.equal(readServerlessConfig(file, { env: { GUST_TEST_SET: 'y' } }).functions[0].memorySize, 256);
});

test('a variable without a value or fallback is refused by name', () => {
  const { file } = project('service: s\nprovider:\n  environment:\n    X: ${env:GUST_SURELY_UNSET}\nfunctions:\n  a:\n    handler: a.h\n');
  assert.throws(() => readServerlessConfig(file, { env: {} }), /\$\{env:GUST_SURELY_UNSET\} has no value/);
});

test('events: httpApi strings and objects, http (REST, payload 1.0), schedule objects, s3, sqs; unknown events listed', () => {
  const { file } = project(`service: ev
provider:
  name: aws
functions:
  api:
    handler: h.api
    name: custom-name
    url: true
    reservedConcurrency: 3
    events:
      - httpApi: 'GET /users/{id}'
      - httpApi:
          method: post
          path: /users
      - httpApi: '*'
      - http:
          path: legacy/{proxy+}
          method: any
      - schedule:
          rate: rate(5 minutes)
          enabled: false
          input:
            key: value
      - s3:
          bucket: uploads
          event: s3:ObjectCreated:Put
          rules:
            - prefix: in/
            - suffix: .jpg
          existing: true
      - sqs: arn:aws:sqs:us-east-1:000000000000:q
      - sqs:
          arn: arn:aws:sqs:us-east-1:000000000000:r
          batchSize: 20
          maximumBatchingWindow: 5
          enabled: false
          functionResponseType: ReportBatchItemFailures
          filterPatterns:
            - body: { kind: [job] }
          maximumConcurrency: 4
      - sns: topic
`);
  const p = readServerlessConfig(file);
  const [fn] = p.functions;
  assert.equal(fn.name, 'custom-name');
  assert.deepEqual(fn.url, { authType: 'NONE', cors: undefined });
  assert.equal(fn.reservedConcurrency, 3);
  assert.deepEqual(fn.routes, [
    { method: 'GET', path: '/users/{id}', payloadFormat: '2.0' },
    { method: 'POST', path: '/users', payloadFormat: '2.0' },
    { method: 'ANY', path: '$default', payloadFormat: '2.0' },
    { method: 'ANY', path: '/legacy/{proxy+}', payloadFormat: '1.0' },
  ]);
  assert.deepEqual(fn.schedules, [{ name: 'custom-name-schedule-1', expression: 'rate(5 minutes)', input: '{"key":"value"}', enabled: false, timezone: undefined }]);
  assert.deepEqual(fn.s3, [{ bucket: 'uploads', events: ['s3:ObjectCreated:Put'], prefix: 'in/', suffix: '.jpg', existing: true }]);
  assert.deepEqual(fn.sqs, [
    { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', batchSize: undefined, maximumBatchingWindow: undefined, enabled: true, functionResponseTypes: [], filterPatterns: [], maximumConcurrency: undefined },
    { queueArn: 'arn:aws:sqs:us-east-1:000000000000:r', batchSize: 20, maximumBatchingWindow: 5, enabled: false, functionResponseTypes: ['ReportBatchItemFailures'], filterPatterns: ['{"body":{"kind":["job"]}}'], maximumConcurrency: 4 },
  ]);
  assert.deepEqual(p.unsupported, ['functions.api.events[8].sns']);
});

test('an sqs event that names no queue ARN is refused with what it got', () => {
  const { file } = project(`service: bad\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - sqs: my-queue\n`);
  assert.throws(() => readServerlessConfig(file), /serverless\.yml: functions\.f\.events\[0\]\.sqs\.arn must be an SQS queue ARN .*got "my-queue"/);
});

test('unsupported keys are all listed, none silently dropped; S3 buckets come from resources', () => {
  const { file } = project(`service: u
provider:
  name: aws
  iam:
    role: x
  tracing: true
plugins:
  - serverless-esbuild
  - serverless-domain-manager
functions:
  a:
    handler: a.h
    vpc: {}
    events:
      - websocket: $connect
resources:
  Resources:
    Photos:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: my-photos
    Table:
      Type: AWS::DynamoDB::Table
`);
  const p = readServerlessConfig(file);
  assert.deepEqual(p.buckets, ['my-photos']);
  assert.deepEqual(p.unsupported.sort(), ['functions.a.events[0].websocket', 'functions.a.vpc', 'plugins.serverless-domain-manager', 'provider.iam', 'provider.tracing', 'resources.Resources.Table (AWS::DynamoDB::Table)']);
});

test('a TypeScript handler is bundled; a JavaScript one is zipped as it is', () => {
  const { file, dir } = project('service: t\nprovider:\n  name: aws\nfunctions:\n  ts:\n    handler: src/handler.greet\n  js:\n    handler: index.handler\n', { 'src/handler.ts': 'export const greet = 1;', 'index.js': '' });
  const [ts, js] = readServerlessConfig(file).functions;
  assert.deepEqual(ts.bundle, { entry: path.join(dir, 'src/handler.ts'), exportName: 'greet', format: 'cjs', outputModule: 'src/handler' });
  assert.equal(js.bundle, undefined);
});

test('package patterns: later patterns win, ! excludes, defaults keep .git and serverless.yml out, node_modules in', () => {
  const patterns = ['!test/**', '!*.md', 'README.md'];
  assert.equal(includedBy(patterns, 'handler.js'), true);
  assert.equal(includedBy(patterns, 'node_modules/lib/index.js'), true);
  assert.equal(includedBy(patterns, 'test/a.test.js'), false);
  assert.equal(includedBy(patterns, 'NOTES.md'), false);
  assert.equal(includedBy(patterns, 'README.md'), true);
  assert.equal(includedBy(patterns, '.git/config'), false);
  assert.equal(includedBy(patterns, 'serverless.yml'), false);
  assert.equal(includedBy(['!node_modules/**', 'node_modules/keep/**'], 'node_modules/keep/a.js'), true);
  assert.equal(includedBy(['!src/**/*.{ts,map}'], 'src/deep/x.ts'), false);
  assert.equal(includedBy(['!src/**/*.{ts,map}'], 'src/deep/x.js'), true);
});
