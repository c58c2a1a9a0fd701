// SAM template.yaml into the project model: Parameters and overrides, Conditions, Globals, the
// intrinsics in their short and long forms, events, AutoPublishAlias with a deployment
// preference, Outputs, and unsupported keys listed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseParameterOverrides, readSamTemplate } from '../../src/cli/deploy/sam-template.js';

function template(yaml: string, dirName = 'stack') {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gust-sam-')), dirName);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'template.yaml'), yaml);
  return path.join(dir, 'template.yaml');
}

const BASE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Names:
    Type: CommaDelimitedList
    Default: a,b,c
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
    Environment:
      Variables:
        STAGE: !Ref Stage
Resources:
  Photos:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '\${AWS::StackName}-photos-\${Stage}'
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      MemorySize: !If [IsProd, 1024, 128]
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
      FunctionUrlConfig:
        AuthType: NONE
      Environment:
        Variables:
          REGION_AND_ACCOUNT: !Sub '\${AWS::Region}:\${AWS::AccountId}'
          SECOND: !Select [1, !Ref Names]
          JOINED: !Join [':', [x, !Ref Stage]]
          LONG_SUB: !Sub ['\${Photos}/\${Key}', { Key: k }]
          ESCAPED: !Sub '\${!NotAVariable}'
          BUCKET_ARN: !GetAtt Photos.Arn
          DEBUG: !If [NotProd, 'yes', !Ref AWS::NoValue]
          LONG_FORM:
            Fn::Sub: 'long-\${Stage}'
      Events:
        Http:
          Type: HttpApi
          Properties:
            Path: /items/{id}
            Method: GET
        Rest:
          Type: Api
          Properties:
            Path: /rest
            Method: post
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 * * ? *)
            Input: '{"job":"nightly"}'
        Every:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 hour)
            State: DISABLED
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Photos
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - Name: prefix
                    Value: uploads/
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 50
            MaximumBatchingWindowInSeconds: 2
            FilterCriteria:
              Filters:
                - Pattern: '{"body":{"kind":["job"]}}'
            ScalingConfig:
              MaximumConcurrency: 5
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Dead.Arn
        maxReceiveCount: 3
      SqsManagedSseEnabled: true
      DelaySecondz: 1
  Dead:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${AWS::StackName}-dead'
  Worker:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      Handler: w.handler
  Table:
    Type: AWS::DynamoDB::Table
Outputs:
  Url:
    Value: !Sub 'https://\${ServerlessHttpApi}.execute-api.\${AWS::Region}.amazonaws.com/items'
  FnArn:
    Value: !GetAtt Api.Arn
  FnUrl:
    Value: !GetAtt ApiUrl.FunctionUrl
`;

test('parameters, conditions, globals and intrinsics resolve; SQS events and queues read; unknown resources and properties are listed', () => {
  const file = template(BASE);
  const p = readSamTemplate(file, { region: 'eu-west-1', accountId: '123456789012' });
  assert.equal(p.id, 'stack');
  assert.deepEqual(p.buckets, ['stack-photos-dev']);
  assert.equal(p.functions.length, 1, 'Worker has a false Condition');
  const [fn] = p.functions;
  assert.equal(fn.name, 'Api');
  assert.equal(fn.runtime, 'python3.11');
  assert.equal(fn.timeout, 10);
  assert.equal(fn.memorySize, 128);
  assert.equal(fn.codeDir, path.join(path.dirname(file), 'src'));
  assert.deepEqual(fn.environment, {
    STAGE: 'dev',
    REGION_AND_ACCOUNT: 'eu-west-1:123456789012',
    SECOND: 'b',
    JOINED: 'x:dev',
    LONG_SUB: 'stack-photos-dev/k',
    ESCAPED: '${NotAVariable}',
    BUCKET_ARN: 'arn:aws:s3:::stack-photos-dev',
    DEBUG: 'yes',
    LONG_FORM: 'long-dev',
  });
  assert.deepEqual(fn.alias, { name: 'live', newVersionWeight: 0.1, preference: 'Canary10Percent5Minutes' });
  assert.deepEqual(fn.url, { authType: 'NONE', cors: undefined });
  assert.deepEqual(fn.routes, [
    { method: 'GET', path: '/items/{id}', payloadFormat: '2.0' },
    { method: 'POST', path: '/rest', payloadFormat: '1.0' },
  ]);
  assert.deepEqual(fn.schedules, [
    { name: 'Api-Nightly', expression: 'cron(0 2 * * ? *)', input: '{"job":"nightly"}', enabled: true, timezone: undefined },
    { name: 'Api-Every', expression: 'rate(1 hour)', input: undefined, enabled: false, timezone: undefined },
  ]);
  assert.deepEqual(fn.s3, [{ bucket: 'stack-photos-dev', events: ['s3:ObjectCreated:*'], prefix: 'uploads/', suffix: undefined, existing: false }]);
  assert.deepEqual(fn.sqs, [{ queueArn: 'arn:aws:sqs:eu-west-1:123456789012:stack-Jobs', batchSize: 50, maximumBatchingWindow: 2, enabled: true, functionResponseTypes: [], filterPatterns: ['{"body":{"kind":["job"]}}'], maximumConcurrency: 5 }]);
  assert.deepEqual(p.queues, [
    { name: 'stack-dead', attributes: {} },
    { name: 'stack-Jobs', attributes: { VisibilityTimeout: '60', RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:stack-dead","maxReceiveCount":3}' } },
  ], 'the dead-letter queue first');
  assert.deepEqual(p.unsupported, ['Resources.Jobs.Properties.DelaySecondz', 'Resources.Table (AWS::DynamoDB::Table)']);
  const outputs = Object.fromEntries(p.outputs.map((o) => [o.key, o.value({ endpoint: 'http://127.0.0.1:9000', functionUrls: { Api: 'http://127.0.0.1:9000/lambda-url/abc/' } })]));
  assert.deepEqual(outputs, { Url: 'http://127.0.0.1:9000/items', FnArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Api', FnUrl: 'http://127.0.0.1:9000/lambda-url/abc/' });
});

test('--parameter-overrides switch conditions: prod gets the Worker, 1024 MB and no DEBUG', () => {
  const p = readSamTemplate(template(BASE), { stackName: 'shop', parameterOverrides: parseParameterOverrides(['Stage=prod']) });
  assert.equal(p.id, 'shop');
  assert.deepEqual(p.functions.map((f) => f.name), ['Api', 'Worker']);
  assert.equal(p.functions[0].memorySize, 1024);
  assert.equal(p.functions[0].environment.DEBUG, undefined);
  assert.equal(p.functions[0].tags['gust:project'], 'shop');
  assert.deepEqual(p.buckets, ['shop-photos-prod']);
});

test('bad overrides are refused: a value outside AllowedValues, an unknown parameter, a malformed pair', () => {
  assert.throws(() => readSamTemplate(template(BASE), { parameterOverrides: { Stage: 'qa' } }), /Stage must be one of dev, prod; got 'qa'/);
  assert.throws(() => readSamTemplate(template(BASE), { parameterOverrides: { Nope: 'x' } }), /no parameter Nope/);
  assert.throws(() => parseParameterOverrides(['novalue']), /KEY=VALUE/);
  assert.deepEqual(parseParameterOverrides(['A=1 B="two words"', 'ParameterKey=C,ParameterValue=3']), { A: '1', B: 'two words', C: '3' });
});

test('a !Ref to nothing and an unknown condition are clear errors', () => {
  const bad = (props: string) => template(`Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n      Runtime: nodejs20.x\n${props}`);
  assert.throws(() => readSamTemplate(bad('      Description: !Ref Missing\n')), /!Ref Missing: no parameter or resource/);
  assert.throws(() => readSamTemplate(bad('      Description: !If [Nope, a, b]\n')), /condition Nope is not defined/);
});

test('FunctionName, esbuild metadata and sam build output', () => {
  const file = template(`Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Format: esm
        EntryPoints: [app.ts]
    Properties:
      FunctionName: !Sub '\${AWS::StackName}-fn'
      CodeUri: code/
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
`);
  const code = path.join(path.dirname(file), 'code');
  fs.mkdirSync(code);
  fs.writeFileSync(path.join(code, 'app.ts'), 'export const lambdaHandler = async () => 1;');
  const [fn] = readSamTemplate(file).functions;
  assert.equal(fn.name, 'stack-fn');
  assert.deepEqual(fn.bundle, { entry: path.join(code, 'app.ts'), exportName: 'lambdaHandler', format: 'esm', outputModule: 'app' });
  // sam build's output is already built: its CodeUri points into .aws-sam/build, and nothing is bundled again.
  const built = path.join(path.dirname(file), '.aws-sam/build');
  fs.mkdirSync(path.join(built, 'Fn'), { recursive: true });
  fs.writeFileSync(path.join(built, 'template.yaml'), fs.readFileSync(file, 'utf8').replace('code/', 'Fn'));
  const [b] = readSamTemplate(path.join(built, 'template.yaml')).functions;
  assert.equal(b.codeDir, path.join(built, 'Fn'));
  assert.equal(b.bundle, undefined);
  assert.equal(b.name, 'stack-fn');
});
