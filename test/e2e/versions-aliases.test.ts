// Versions and aliases driven by @aws-sdk/client-lambda: a blue/green release (publish v1, alias
// live → v1, publish v2, shift 10 % then 100 % to v2, roll back), and the bad input around it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;

const invoke = async (qualifier?: string) => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: 'app', Qualifier: qualifier, Payload: Buffer.from('{}') }));
  return { version: res.ExecutedVersion, body: decode(res.Payload) };
};

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: 'app', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Environment: { Variables: { GREETING: 'blue' } }, Code: { ZipFile: await fixtureZip('node-context') } }),
  );
});
after(async () => gust.stop());

test('blue/green: publish, alias, weighted shift, full shift, roll back', async () => {
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'app' }));
  assert.equal(v1.Version, '1');
  assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:app:1');
  assert.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'app' }))).Version, '1', 'publishing unchanged code returns the existing version');

  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'app', Environment: { Variables: { GREETING: 'green' } } }));
  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'app' }));
  assert.equal(v2.Version, '2');
  assert.deepEqual((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'app' }))).Versions?.map((v) => v.Version), ['$LATEST', '1', '2']);

  const one = await invoke('1');
  assert.equal(one.version, '1');
  assert.equal(one.body.env.GREETING, 'blue', 'updating $LATEST never changes a published version');
  assert.equal((await invoke()).body.env.GREETING, 'green');

  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '1' }));
  assert.equal(alias.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:app:live');
  const live = await invoke('live');
  assert.equal(live.version, '1');
  assert.match(live.body.invokedFunctionArn, /:function:app:live$/);

  await lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'live', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } }));
  assert.deepEqual((await lambda.send(new GetAliasCommand({ FunctionName: 'app', Name: 'live' }))).RoutingConfig?.AdditionalVersionWeights, { '2': 0.1 });
  const calls = 2000;
  let toV2 = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next++ < calls) {
        const r = await invoke('live');
        if (r.version === '2') {
          toV2++;
          assert.equal(r.body.env.GREETING, 'green');
        } else assert.equal(r.version, '1');
      }
    }),
  );
  // Binomial(2000, 0.1): mean 200, standard deviation 13.4; 5 deviations either side.
  assert.ok(toV2 > 133 && toV2 < 267, `${toV2} of ${calls} calls went to v2`);

  await lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }));
  for (let i = 0; i < 20; i++) assert.equal((await invoke('live')).version, '2');
  await lambda.send(new UpdateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '1' }));
  assert.equal((await invoke('live')).body.env.GREETING, 'blue', 'rolled back');
  assert.equal((await lambda.send(new ListAliasesCommand({ FunctionName: 'app' }))).Aliases?.length, 1);
});

test('bad input around versions and aliases changes nothing', async () => {
  const reject = (p: Promise<unknown>, name: string) => assert.rejects(p, { name });
  await reject(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'app', Qualifier: '99' })), 'ResourceNotFoundException');
  await reject(lambda.send(new InvokeCommand({ FunctionName: 'app', Qualifier: 'nope' })), 'ResourceNotFoundException');
  await reject(lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'canary', FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } })), 'InvalidParameterValueException');
  await reject(lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } } })), 'ValidationException'); // AWS's class
  await reject(lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1, '3': 0.1 } } })), 'InvalidParameterValueException');
  await reject(lambda.send(new CreateAliasCommand({ FunctionName: 'app', Name: 'live', FunctionVersion: '1' })), 'ResourceConflictException');
  await reject(lambda.send(new DeleteFunctionCommand({ FunctionName: 'app', Qualifier: '1' })), 'ResourceConflictException');
  await reject(lambda.send(new PublishVersionCommand({ FunctionName: 'app', RevisionId: 'stale' })), 'PreconditionFailedException');
  assert.equal((await lambda.send(new ListAliasesCommand({ FunctionName: 'app' }))).Aliases?.length, 1, 'nothing was created');
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'app', Qualifier: '2' }));
  assert.deepEqual((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'app' }))).Versions?.map((v) => v.Version), ['$LATEST', '1']);
});

test('gust publish, versions and alias set', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { CLI } = await import('../helpers/gust-process.js');
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args]);
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'app', Environment: { Variables: { GREETING: 'cli' } } }));
  assert.match((await cli('publish', 'app', '--description', 'from the cli')).stdout, /Published app version 3/);
  await cli('alias', 'set', 'app', 'beta', '3');
  await cli('alias', 'set', 'app', 'live', '1', '--weight', '3=0.25');
  const listed = JSON.parse((await cli('--json', 'versions', 'app')).stdout);
  assert.deepEqual(listed.versions.map((v: { Version: string }) => v.Version), ['$LATEST', '1', '3']);
  assert.deepEqual(listed.aliases.find((a: { Name: string }) => a.Name === 'live').RoutingConfig.AdditionalVersionWeights, { '3': 0.25 });
  assert.equal((await invoke('beta')).body.env.GREETING, 'cli');
  await assert.rejects(cli('alias', 'set', 'app', 'live', '1', '--weight', 'x'), /VERSION=WEIGHT/);
});
