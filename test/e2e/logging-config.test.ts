// LoggingConfig through @aws-sdk/client-lambda and CloudWatch Logs: shown in every configuration,
// merged as Lambda merges it, and honoured: AWS_LAMBDA_LOG_FORMAT/LEVEL in the function's
// environment, JSON log lines from the Node and Python runtimes, the platform's JSON records
// instead of START/END/REPORT, levels filtered, and the logs in a custom log group.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand, FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';

const role = 'arn:aws:iam::000000000000:role/x';
let gust: GustProcess;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;

const invokeWithTail = async (name: string, tag: string) => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ tag })), LogType: 'Tail' }));
  const lines = Buffer.from(res.LogResult ?? '', 'base64').toString('utf8').split('\n').filter(Boolean);
  return { env: decode(res.Payload), lines, requestId: res.$metadata.requestId };
};
const jsonLines = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  logs = logsClient(gust);
});
after(async () => gust.stop());

test('LoggingConfig is shown in every configuration and merged as Lambda merges it', async () => {
  const created = await lambda.send(
    new CreateFunctionCommand({ FunctionName: 'text-logs', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('node-log-levels') } }),
  );
  assert.deepEqual(created.LoggingConfig, { LogFormat: 'Text', LogGroup: '/aws/lambda/text-logs' });
  const json = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'text-logs', LoggingConfig: { LogFormat: 'JSON' } }));
  assert.deepEqual(json.LoggingConfig, { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO', LogGroup: '/aws/lambda/text-logs' });
  const grouped = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'text-logs', LoggingConfig: { LogGroup: 'cool_lambda' } }));
  assert.deepEqual(grouped.LoggingConfig, { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO', LogGroup: 'cool_lambda' }, 'a partial update keeps the rest');
  const text = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'text-logs', LoggingConfig: { LogFormat: 'Text' } }));
  assert.deepEqual(text.LoggingConfig, { LogFormat: 'Text', LogGroup: 'cool_lambda' }, 'back to Text drops the levels');
  await assert.rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'text-logs', LoggingConfig: { ApplicationLogLevel: 'DEBUG' } })), {
    name: 'InvalidParameterValueException',
    message: 'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request or change the LogFormat to "JSON" and try again.',
  });
  await assert.rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'text-logs', LoggingConfig: { LogFormat: 'XML' as 'JSON' } })), { name: 'ValidationException' });
  await assert.rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'text-logs', LoggingConfig: { LogGroup: 'bad group!' } })), { name: 'ValidationException' });
  assert.equal((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'text-logs' }))).LoggingConfig?.LogGroup, 'cool_lambda');
});

test('Node: JSON application logs, levels filtered, JSON platform records, a custom log group', async () => {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'node-json',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: role,
      Code: { ZipFile: await fixtureZip('node-log-levels') },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: 'custom/node-json' },
    }),
  );
  const { env, lines, requestId } = await invokeWithTail('node-json', 'n1');
  assert.deepEqual({ ...env, _X_AMZN_TRACE_ID: undefined }, { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO', AWS_LAMBDA_LOG_GROUP_NAME: 'custom/node-json', _X_AMZN_TRACE_ID: undefined });
  const records = jsonLines(lines);
  assert.ok(records.every((r) => !String(r.message ?? '').startsWith('debug line')), 'DEBUG is below the INFO level');
  const info = records.find((r) => r.message === 'info line n1');
  assert.deepEqual(Object.keys(info ?? {}), ['timestamp', 'level', 'requestId', 'message']);
  assert.equal(info?.level, 'INFO');
  assert.equal(info?.requestId, requestId);
  assert.deepEqual(records.find((r) => typeof r.message === 'object' && (r.message as { tag?: string }).tag === 'n1')?.message, { structured: true, tag: 'n1' });
  const error = records.find((r) => r.level === 'ERROR')?.message as { errorType: string; errorMessage: string; stackTrace: string[] };
  assert.equal(error.errorType, 'TypeError');
  assert.equal(error.errorMessage, 'bad thing n1');
  const start = records.find((r) => r.type === 'platform.start');
  assert.deepEqual(start?.record, { requestId, version: '$LATEST' });
  const report = records.find((r) => r.type === 'platform.report')?.record as { requestId: string; metrics: Record<string, number>; status: string };
  assert.equal(report.requestId, requestId);
  assert.equal(report.status, 'success');
  assert.deepEqual(Object.keys(report.metrics).slice(0, 4), ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB']);
  assert.ok(!lines.some((l) => /^(START|END|REPORT) RequestId/.test(l)), 'no text platform lines in JSON mode');

  const stored = await logs.send(new FilterLogEventsCommand({ logGroupName: 'custom/node-json', filterPattern: '"info line n1"' }));
  assert.equal(stored.events?.length, 1, 'the logs are in the custom group');
  const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'NODE-json' }));
  assert.deepEqual(groups.logGroups?.map((g) => g.logGroupName), ['custom/node-json'], 'logGroupNamePattern matches a substring, case-insensitively');
  await assert.rejects(logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'x', logGroupNamePrefix: '/aws' })), { name: 'InvalidParameterException' });
});

test('Python: JSON records from the logging module at the configured level; SystemLogLevel DEBUG adds runtimeDone', async () => {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'py-json',
      Runtime: 'python3.11',
      Handler: 'app.handler',
      Role: role,
      Code: { ZipFile: await fixtureZip('python-log-levels') },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'DEBUG' },
    }),
  );
  const { env, lines, requestId } = await invokeWithTail('py-json', 'p1');
  assert.equal(env.AWS_LAMBDA_LOG_FORMAT, 'JSON');
  assert.equal(env.AWS_LAMBDA_LOG_LEVEL, 'DEBUG');
  const records = jsonLines(lines);
  const debug = records.find((r) => r.message === 'debug line p1');
  assert.deepEqual(debug && { level: debug.level, logger: debug.logger, requestId: debug.requestId }, { level: 'DEBUG', logger: 'root', requestId });
  const error = records.find((r) => r.message === 'caught');
  assert.equal(error?.errorType, 'ValueError');
  assert.equal(error?.errorMessage, 'bad thing p1');
  assert.ok(records.some((r) => r.type === 'platform.runtimeDone'), 'DEBUG system records');

  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'py-json', LoggingConfig: { ApplicationLogLevel: 'WARN', SystemLogLevel: 'WARN' } }));
  const quiet = jsonLines((await invokeWithTail('py-json', 'p2')).lines);
  assert.ok(!quiet.some((r) => r.message === 'info line p2' || r.message === 'debug line p2'), 'INFO and DEBUG are below WARN');
  assert.ok(quiet.some((r) => r.message === 'caught'));
  assert.ok(!quiet.some((r) => typeof r.type === 'string' && r.type.startsWith('platform.')), 'start and report are INFO records');
});
