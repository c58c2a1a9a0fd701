// Each runtime name runs its own interpreter: python3.9 and python3.12 report their versions (and
// import boto3, as on Lambda),
// nodejs22.x runs Node 22 once `gust runtime add` installed it (npm's cache keeps the ~50 MB
// tarball, so a machine downloads it once), and names the machine cannot run are refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { zipDirectory } from '../../src/cli/zip-directory.js';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const run = promisify(execFile);
let gust: GustProcess;
let lambda: LambdaClient;

async function zipOf(file: string, text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-rt-'));
  fs.writeFileSync(path.join(dir, file), text);
  return zipDirectory(dir);
}
// Lambda's Python runtimes have boto3: Gust lends the machine's to a Python without its own,
// where it runs (this machine's urllib3 needs Python 3.10 or newer).
const PY = 'import sys, os\ntry:\n    import boto3\nexcept ImportError:\n    boto3 = None\ndef handler(e, c):\n    return {"version": "%d.%d" % sys.version_info[:2], "env": os.environ["AWS_EXECUTION_ENV"], "boto3": boto3 is not None}\n';
const NODE = 'exports.handler = async () => ({ version: process.version, env: process.env.AWS_EXECUTION_ENV });';

async function create(name: string, runtime: string) {
  const [file, text, handler] = runtime.startsWith('python') ? ['app.py', PY, 'app.handler'] : ['index.js', NODE, 'index.handler'];
  return lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime as never, Handler: handler, Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await zipOf(file, text) } }));
}
async function invoke(name: string) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  return decode(out.Payload);
}
const refusal = (p: Promise<unknown>) => p.then(() => assert.fail('accepted'), (e: Error) => e);

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
});
after(async () => gust.stop());

test('python3.9 and python3.12 run Python 3.9 and 3.12', async () => {
  for (const [name, runtime, version] of [['py39', 'python3.9', '3.9'], ['py312', 'python3.12', '3.12']]) {
    const fn = await create(name, runtime);
    assert.match(fn.RuntimeVersionConfig?.RuntimeVersionArn ?? '', /^arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/);
    assert.deepEqual(await invoke(name), { version, env: `AWS_Lambda_${runtime}`, boto3: version !== '3.9' });
  }
});

test('runtimes that do not exist or are not installed are refused with what is available', async () => {
  for (const runtime of ['python3.8', 'nodejs16.x']) {
    const err = await refusal(create(`no-${runtime.replace('.', '')}`, runtime));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.match(err.message, /Supported runtimes: .*nodejs20\.x/);
  }
  const missing = fs.existsSync(path.join(gust.dataDir, 'runtimes', 'nodejs24.x')) ? undefined : await refusal(create('node24', 'nodejs24.x'));
  if (missing) assert.match(missing.message, /gust runtime add nodejs24\.x.*Available runtimes: .*python3\.12/s);
});

test('nodejs22.x runs Node 22 once installed with gust runtime add', { timeout: 600_000 }, async () => {
  const before = await refusal(create('node22', 'nodejs22.x'));
  assert.match(before.message, /gust runtime add nodejs22\.x/);
  await run(process.execPath, [CLI, '--data-dir', gust.dataDir, 'runtime', 'add', 'nodejs22.x'], { timeout: 600_000 });
  const { stdout } = await run(process.execPath, [CLI, '--data-dir', gust.dataDir, '--json', 'runtime', 'ls']);
  assert.match(JSON.parse(stdout).runtimes.find((r: { runtime: string }) => r.runtime === 'nodejs22.x').version, /^22\./);
  await create('node22', 'nodejs22.x');
  const out = await invoke('node22');
  assert.match(out.version, /^v22\./);
  assert.equal(out.env, 'AWS_Lambda_nodejs22.x');
});
