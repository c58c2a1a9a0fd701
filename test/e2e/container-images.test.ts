// Functions with PackageType Image against a real Gust: images built in the test (an OCI layout
// directory and a docker-save tarball holding bash and a Lambda runtime written in bash) are
// imported with the gust CLI, run from CreateFunction through the SDK, the aws CLI reads them back
// as Lambda shapes them, ImageConfig overrides the image's entry point, command and directory,
// and UpdateFunctionCode moves the function to a new image.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';
import { bashRuntime, bashRuntimeLayer, dockerSaveTar, layerTar, writeOciLayout } from '../helpers/image-builder.js';

const run = promisify(execFile);
let gust: GustProcess;
let lambda: LambdaClient;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-images-'));
const ROLE = 'arn:aws:iam::000000000000:role/test';
let v1Id = '';
let v2Id = '';

const gustCli = (...args: string[]) => run(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args]);

async function invoke(name: string, payload: unknown = { n: 1 }) {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }));
  assert.equal(res.FunctionError, undefined, Buffer.from(res.Payload ?? []).toString());
  return decode(res.Payload);
}

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  const base = await layerTar(bashRuntimeLayer());
  const app = (version: string) =>
    layerTar([
      { name: 'var/task/bootstrap.sh', content: bashRuntime(`"version":"${version}"`), mode: 0o755 },
      { name: 'var/task/other.sh', content: bashRuntime(`"version":"${version}","entry":"other"`), mode: 0o755 },
      { name: 'srv/', type: 'directory' },
    ]);
  const config = { Entrypoint: ['/var/task/bootstrap.sh'], Cmd: ['app.handler'], WorkingDir: '/var/task', Env: ['PATH=/usr/bin:/bin', 'GREETING=from-image'] };
  v1Id = writeOciLayout(path.join(work, 'v1'), { layers: [base, await app('v1')], config });
  v2Id = await dockerSaveTar(path.join(work, 'v2.tar'), { layers: [base, await app('v2')], config }, ['hello:v2']);
});

after(async () => {
  await gust?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('container images', () => {
  test('gust image import files an OCI layout and a docker-save tarball under their names', async () => {
    const one = JSON.parse((await gustCli('--json', 'image', 'import', path.join(work, 'v1'), '--name', 'hello:v1')).stdout);
    assert.equal(one.Id, `sha256:${v1Id}`);
    assert.deepEqual(one.Names, ['hello:v1']);
    const two = JSON.parse((await gustCli('--json', 'image', 'import', path.join(work, 'v2.tar'))).stdout);
    assert.deepEqual(two.Names, ['hello:v2'], 'docker save carries its RepoTags');
    const listed = JSON.parse((await gustCli('--json', 'image', 'ls')).stdout);
    assert.deepEqual(listed.map((i: { Name: string }) => i.Name), ['hello:v1', 'hello:v2']);
  });

  test('CreateFunction from an imported image runs its entry point on the image root, with the Runtime API', async () => {
    const uri = `${'000000000000'}.dkr.ecr.us-east-1.amazonaws.com/hello:v1`;
    const created = await lambda.send(new CreateFunctionCommand({ FunctionName: 'img', PackageType: 'Image', Code: { ImageUri: uri }, Role: ROLE, Environment: { Variables: { EXTRA: 'x' } } }));
    assert.equal(created.PackageType, 'Image');
    assert.equal(created.Runtime, undefined);
    assert.equal(created.Handler, undefined);
    const out = await invoke('img', { n: 1 });
    assert.deepEqual(out, { version: 'v1', greeting: 'from-image', args: 'app.handler', cwd: '/var/task', event: { n: 1 } });
    // The aws CLI reads the function back as Lambda shapes it.
    const { stdout } = await run('aws', ['lambda', 'get-function', '--function-name', 'img', '--endpoint-url', gust.url, '--region', gust.region, '--output', 'json'], { env: gust.awsEnv() });
    const got = JSON.parse(stdout);
    assert.deepEqual(got.Code, { RepositoryType: 'ECR', ImageUri: uri, ResolvedImageUri: `000000000000.dkr.ecr.us-east-1.amazonaws.com/hello@sha256:${v1Id}` });
    assert.equal(got.Configuration.PackageType, 'Image');
    assert.equal(got.Configuration.ImageConfigResponse, undefined);
  });

  test("the function's Environment wins over the image's Env", async () => {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', Environment: { Variables: { GREETING: 'from-function' } } }));
    assert.equal((await invoke('img')).greeting, 'from-function');
  });

  test('ImageConfig overrides the entry point, command and working directory', async () => {
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'img', ImageConfig: { EntryPoint: ['/var/task/other.sh'], Command: ['one', 'two'], WorkingDirectory: '/srv' } }),
    );
    assert.deepEqual(updated.ImageConfigResponse, { ImageConfig: { EntryPoint: ['/var/task/other.sh'], Command: ['one', 'two'], WorkingDirectory: '/srv' } });
    const out = await invoke('img');
    assert.equal(out.entry, 'other');
    assert.equal(out.args, 'one two');
    assert.equal(out.cwd, '/srv');
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
    assert.deepEqual(got.Configuration?.ImageConfigResponse?.ImageConfig?.Command, ['one', 'two']);
    // An empty ImageConfig goes back to the image's own.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', ImageConfig: {} }));
    const back = await invoke('img');
    assert.equal(back.entry, undefined);
    assert.equal(back.cwd, '/var/task');
  });

  test('UpdateFunctionCode moves the function to another image', async () => {
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'hello:v2' }));
    assert.equal(updated.CodeSha256, v2Id);
    assert.equal((await invoke('img')).version, 'v2');
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
    assert.equal(got.Code?.ResolvedImageUri, `hello@sha256:${v2Id}`);
  });

  test('gust deploy --image imports and creates in one step', async () => {
    const { stdout } = await gustCli('deploy', '--image', path.join(work, 'v2.tar'), '--name', 'deployed');
    assert.match(stdout, /Created deployed from image deployed:latest/);
    assert.equal((await invoke('deployed')).version, 'v2');
  });

  test('bad requests are refused and change nothing', async () => {
    const refuse = async (input: Record<string, unknown>, pattern: RegExp) => {
      await assert.rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'bad', Role: ROLE, ...input } as never)), (err: Error) => {
        assert.equal(err.name, 'InvalidParameterValueException', err.message);
        assert.match(err.message, pattern);
        return true;
      });
    };
    await refuse({ PackageType: 'Image', Code: { ImageUri: 'nothere:v1' } }, /does not exist/);
    await refuse({ PackageType: 'Image', Code: { ImageUri: 'Not A Name' } }, /not valid/);
    await refuse({ PackageType: 'Image', Code: { ImageUri: 'hello:v1' }, Runtime: 'nodejs20.x' }, /Runtime and Handler/);
    await refuse({ PackageType: 'Image', Code: { ImageUri: 'hello:v1' }, ImageConfig: { EntryPoint: 'x' } }, /EntryPoint/);
    await refuse({ Runtime: 'provided.al2023', Handler: 'x', Code: { ZipFile: Buffer.from('x') }, ImageConfig: { Command: ['a'] } }, /ImageConfig is supported only/);
    await assert.rejects(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ZipFile: Buffer.from('x') })), /provide ImageUri/);
    await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'bad' })), /not found/i);
  });
});
