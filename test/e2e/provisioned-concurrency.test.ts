// Provisioned concurrency on an alias: instances initialised ahead of time serve a burst with no
// cold start, traffic above them spills to on-demand instances, and the setting survives a restart.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';

const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.stop().catch(() => {});
});

async function ready(lambda: LambdaClient) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'live' }));
    if (status.Status === 'READY') return status;
    if (Date.now() > deadline) throw new Error(`not ready: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const burst = (lambda: LambdaClient, n: number) =>
  Promise.all(Array.from({ length: n }, () => lambda.send(new InvokeCommand({ FunctionName: 'warm', Qualifier: 'live', LogType: 'Tail', Payload: Buffer.from('{"ms":300}') }))));
const coldStarts = (results: { LogResult?: string }[]) => results.filter((r) => /Init Duration/.test(Buffer.from(r.LogResult ?? '', 'base64').toString())).length;

test('a burst up to N is served with no cold start; above N spills over; restored after a restart', async () => {
  const gust = await startGust();
  running.push(gust);
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'warm', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-sleep') } }));
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'warm' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'warm', Name: 'live', FunctionVersion: v1.Version }));
  await assert.rejects(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 2 })), { name: 'InvalidParameterValueException' });

  const put = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'live', ProvisionedConcurrentExecutions: 3 }));
  assert.equal(put.RequestedProvisionedConcurrentExecutions, 3);
  assert.ok(['IN_PROGRESS', 'READY'].includes(put.Status!));
  const status = await ready(lambda);
  assert.equal(status.AvailableProvisionedConcurrentExecutions, 3);

  assert.equal(coldStarts(await burst(lambda, 3)), 0, 'the provisioned instances serve a burst of 3 with no Init Duration');
  assert.equal(coldStarts(await burst(lambda, 5)), 2, 'two more spill to on-demand instances');
  assert.equal((await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'warm' }))).ProvisionedConcurrencyConfigs?.length, 1);

  // Moving the alias moves its provisioned instances to the new version.
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'warm', MemorySize: 256 }));
  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'warm' }));
  await lambda.send(new UpdateAliasCommand({ FunctionName: 'warm', Name: 'live', FunctionVersion: v2.Version }));
  await ready(lambda);
  const moved = await burst(lambda, 3);
  assert.equal(coldStarts(moved), 0, 'the new version was warmed');
  assert.ok(moved.every((r) => r.ExecutedVersion === v2.Version));

  await gust.stop();
  const again = await startGust({ dataDir: gust.dataDir });
  running.push(again);
  const lambda2 = lambdaClient(again);
  await ready(lambda2);
  assert.equal(coldStarts(await burst(lambda2, 3)), 0, 'restored after a restart');
  await lambda2.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'live' }));
  await assert.rejects(lambda2.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'live' })), { name: 'ProvisionedConcurrencyConfigNotFoundException' });
});
