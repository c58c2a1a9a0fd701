// Two provisioned-concurrency configurations on one version (one on the version itself, one on an
// alias pointing to it) each keep their own instances: both reach READY, and deleting one leaves
// the other's instances warm.
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
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { health } from '../helpers/health.js';
import { lambdaClient } from '../helpers/sdk.js';

const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.stop().catch(() => {});
});

async function ready(lambda: LambdaClient, qualifier: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'twice', Qualifier: qualifier }));
    if (status.Status === 'READY') return status;
    if (Date.now() > deadline) throw new Error(`${qualifier} not ready: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const instances = async (gust: GustProcess) => (await health(gust)).instances.twice ?? 0;
const coldStarts = (results: { LogResult?: string }[]) => results.filter((r) => /Init Duration/.test(Buffer.from(r.LogResult ?? '', 'base64').toString())).length;

test('a config on a version and one on an alias to it both reach READY; deleting one keeps the other', async () => {
  const gust = await startGust();
  running.push(gust);
  const lambda = lambdaClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'twice', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-sleep') } }));
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'twice' }));
  assert.equal(v1.Version, '1');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'twice', Name: 'live', FunctionVersion: '1' }));

  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'twice', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'twice', Qualifier: 'live', ProvisionedConcurrentExecutions: 1 }));
  const [onVersion, onAlias] = [await ready(lambda, '1'), await ready(lambda, 'live')];
  assert.equal(onVersion.AvailableProvisionedConcurrentExecutions, 2);
  assert.equal(onAlias.AvailableProvisionedConcurrentExecutions, 1);
  assert.equal(await instances(gust), 3, 'each configuration keeps its own instances');
  const listed = (await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'twice' }))).ProvisionedConcurrencyConfigs ?? [];
  assert.deepEqual(listed.map((c) => c.Status), ['READY', 'READY']);

  await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'twice', Qualifier: 'live' }));
  const left = await ready(lambda, '1');
  assert.equal(left.AvailableProvisionedConcurrentExecutions, 2, "the version's own instances are still there");
  const burst = await Promise.all(
    [0, 1].map(() => lambda.send(new InvokeCommand({ FunctionName: 'twice', Qualifier: '1', LogType: 'Tail', Payload: Buffer.from('{"ms":200}') }))),
  );
  assert.equal(coldStarts(burst), 0, 'the remaining configuration serves a burst of 2 warm');
});
