// Lambda layers against a real Gust: publish, list, read and share them with the SDK and boto3,
// attach them to Node, Python and custom-runtime functions that load code from /opt, and the
// bad input Lambda refuses (six layers, a missing one, two versions of one, a hostile zip).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import yazl from 'yazl';
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { zipDirectory } from '../../src/cli/zip-directory.js';
import { FIXTURES, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const run = promisify(execFile);
let gust: GustProcess;
let lambda: LambdaClient;
const ROLE = 'arn:aws:iam::000000000000:role/test';

/** A zip of the given files (path → text, or [text, mode]). */
async function zipOf(files: Record<string, string | [string, number]>): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-layer-'));
  for (const [rel, content] of Object.entries(files)) {
    const [text, mode] = Array.isArray(content) ? content : [content, 0o644];
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text, { mode });
  }
  return zipDirectory(dir);
}

async function publish(name: string, files: Record<string, string | [string, number]>, extra: Record<string, unknown> = {}) {
  return lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zipOf(files) }, ...extra }));
}

async function createFn(name: string, runtime: string, handler: string, files: Record<string, string | [string, number]>, layers: string[]) {
  return lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime as never, Handler: handler, Role: ROLE, Code: { ZipFile: await zipOf(files) }, Layers: layers }));
}

async function invoke(name: string) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  return { error: out.FunctionError, body: decode(out.Payload) };
}

const refusal = async (promise: Promise<unknown>) => {
  const err = (await promise.then(() => undefined, (e: unknown) => e)) as { name: string; message: string } | undefined;
  assert.ok(err, 'the request was accepted');
  return err;
};

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
});
after(async () => gust.stop());

describe('layers', () => {
  let nodeLayer: string;
  let pyLayer: string;

  test('publish, get, get by ARN, list and list versions', async () => {
    const v1 = await publish('greet', { 'nodejs/node_modules/greet/index.js': "module.exports = (n) => `hello ${n} from v1`;" }, { CompatibleRuntimes: ['nodejs20.x'], Description: 'first', LicenseInfo: 'MIT' });
    assert.equal(v1.Version, 1);
    assert.equal(v1.LayerArn, 'arn:aws:lambda:us-east-1:000000000000:layer:greet');
    assert.equal(v1.LayerVersionArn, 'arn:aws:lambda:us-east-1:000000000000:layer:greet:1');
    assert.equal(typeof v1.Content?.CodeSha256, 'string');
    assert.ok((v1.Content?.CodeSize ?? 0) > 0);
    const zip = await fetch(v1.Content!.Location!);
    assert.equal((await zip.arrayBuffer()).byteLength, v1.Content?.CodeSize, 'Content.Location serves the zip');
    const v2 = await publish('greet', { 'nodejs/node_modules/greet/index.js': "module.exports = (n) => `hello ${n} from the layer`;" }, { CompatibleRuntimes: ['nodejs20.x'] });
    assert.equal(v2.Version, 2);
    nodeLayer = v2.LayerVersionArn!;

    const got = await lambda.send(new GetLayerVersionCommand({ LayerName: 'greet', VersionNumber: 1 }));
    assert.equal(got.Description, 'first');
    assert.equal(got.LicenseInfo, 'MIT');
    assert.deepEqual(got.CompatibleRuntimes, ['nodejs20.x']);
    const byArn = await lambda.send(new GetLayerVersionByArnCommand({ Arn: nodeLayer }));
    assert.equal(byArn.Version, 2);

    const py = await publish('pygreet', { 'python/greetpy.py': 'def greet(n):\n    return f"hi {n} from python layer"\n' }, { CompatibleRuntimes: ['python3.11'] });
    pyLayer = py.LayerVersionArn!;

    const all = await lambda.send(new ListLayersCommand({}));
    assert.deepEqual(all.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['greet', 2], ['pygreet', 1]]);
    const pyOnly = await lambda.send(new ListLayersCommand({ CompatibleRuntime: 'python3.11' }));
    assert.deepEqual(pyOnly.Layers?.map((l) => l.LayerName), ['pygreet']);
    const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'greet', MaxItems: 1 }));
    assert.deepEqual(versions.LayerVersions?.map((v) => v.Version), [2]);
    const rest = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'greet', Marker: versions.NextMarker }));
    assert.deepEqual(rest.LayerVersions?.map((v) => v.Version), [1]);
  });

  test('boto3 publishes and lists layers too', async () => {
    const zipFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gust-layer-')), 'l.zip');
    fs.writeFileSync(zipFile, await zipOf({ 'bin/tool': ['#!/bin/sh\necho tool\n', 0o755] }));
    const script = `
import boto3, sys, json
c = boto3.client("lambda")
v = c.publish_layer_version(LayerName="tools", Content={"ZipFile": open(sys.argv[1], "rb").read()}, CompatibleArchitectures=["x86_64"])
names = [l["LayerName"] for l in c.list_layers(CompatibleArchitecture="x86_64")["Layers"]]
print(json.dumps({"arn": v["LayerVersionArn"], "names": names}))`;
    const { stdout } = await run('python3', ['-c', script, zipFile], { env: gust.awsEnv() });
    const out = JSON.parse(stdout);
    assert.equal(out.arn, 'arn:aws:lambda:us-east-1:000000000000:layer:tools:1');
    assert.deepEqual(out.names, ['tools']);
  });

  test('a Node function requires a module from its layer; a Python one imports one', async () => {
    const fn = await createFn('uses-node-layer', 'nodejs20.x', 'index.handler', { 'index.js': "const greet = require('greet'); exports.handler = async () => greet('node');" }, [nodeLayer]);
    assert.deepEqual(fn.Layers?.map((l) => l.Arn), [nodeLayer]);
    assert.ok((fn.Layers?.[0].CodeSize ?? 0) > 0);
    assert.deepEqual(await invoke('uses-node-layer'), { error: undefined, body: 'hello node from the layer' });

    await createFn('uses-py-layer', 'python3.11', 'app.handler', { 'app.py': 'import greetpy\ndef handler(e, c):\n    return greetpy.greet("py")\n' }, [pyLayer]);
    assert.deepEqual(await invoke('uses-py-layer'), { error: undefined, body: 'hi py from python layer' });
  });

  test('later layers override earlier files; /opt/bin is on PATH; /opt is read-only', async () => {
    const a = await publish('over-a', { 'data/who.txt': 'a', 'data/only-a.txt': 'only a' });
    const b = await publish('over-b', { 'data/who.txt': 'b', 'bin/hello-tool': ['#!/bin/sh\necho from-opt-bin\n', 0o755] });
    await createFn('layered', 'nodejs20.x', 'index.handler', {
      'index.js': `const fs = require('fs'); const { execSync } = require('child_process');
exports.handler = async () => {
  let write;
  try { fs.writeFileSync('/opt/data/evil.txt', 'x'); write = 'written'; } catch (e) { write = e.code; }
  let chmod;
  try { fs.chmodSync('/opt/data/who.txt', 0o777); chmod = 'changed'; } catch (e) { chmod = e.code; }
  return { who: fs.readFileSync('/opt/data/who.txt', 'utf8'), onlyA: fs.readFileSync('/opt/data/only-a.txt', 'utf8'), tool: execSync('hello-tool').toString().trim(), write, chmod, path: process.env.PATH, ld: process.env.LD_LIBRARY_PATH };
};`,
    }, [a.LayerVersionArn!, b.LayerVersionArn!]);
    const { error, body } = await invoke('layered');
    assert.equal(error, undefined, JSON.stringify(body));
    assert.equal(body.who, 'b');
    assert.equal(body.onlyA, 'only a');
    assert.equal(body.tool, 'from-opt-bin');
    assert.equal(body.write, 'EROFS');
    assert.equal(body.chmod, 'EROFS');
    assert.match(body.path, /:\/opt\/bin$/);
    assert.match(body.ld, /^\/opt\/lib:/);
  });

  test('a custom runtime whose bootstrap comes from a layer', async () => {
    const layer = await publish('bash-runtime', { bootstrap: [fs.readFileSync(path.join(FIXTURES, 'custom-bash/bootstrap'), 'utf8'), 0o755] });
    await createFn('layer-runtime', 'provided.al2023', 'function.handler', { 'function.sh': 'echo hi\n' }, [layer.LayerVersionArn!]);
    const { error, body } = await invoke('layer-runtime');
    assert.equal(error, undefined);
    assert.equal(body.bash, true);
    // Like Lambda, no bootstrap is not refused at create: the invocation fails.
    await createFn('no-runtime', 'provided.al2023', 'function.handler', { 'function.sh': 'echo hi\n' }, []);
    assert.equal((await invoke('no-runtime')).error, 'Unhandled');
  });

  test('a deleted layer version keeps working for the functions that use it, and no other', async () => {
    const v = await publish('ephemeral', { 'nodejs/node_modules/eph/index.js': "module.exports = 'still here';" });
    await createFn('keeps-layer', 'nodejs20.x', 'index.handler', { 'index.js': "exports.handler = async () => require('eph');" }, [v.LayerVersionArn!]);
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'ephemeral', VersionNumber: v.Version }));
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'ephemeral', VersionNumber: v.Version })); // idempotent
    assert.equal((await refusal(lambda.send(new GetLayerVersionCommand({ LayerName: 'ephemeral', VersionNumber: v.Version })))).name, 'ResourceNotFoundException');
    assert.deepEqual(await invoke('keeps-layer'), { error: undefined, body: 'still here' });
    // An unrelated change keeps the layer; a new function cannot take it.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'keeps-layer', Timeout: 9, Layers: [v.LayerVersionArn!] }));
    assert.deepEqual(await invoke('keeps-layer'), { error: undefined, body: 'still here' });
    const err = await refusal(createFn('late', 'nodejs20.x', 'index.handler', { 'index.js': 'exports.handler = async () => 1;' }, [v.LayerVersionArn!]));
    assert.equal(err.message, `Layer version ${v.LayerVersionArn} does not exist.`);
    assert.equal((await publish('ephemeral', { 'x.txt': 'x' })).Version, 2, 'numbers are not reused');
  });

  test('layer permissions: add, read, remove', async () => {
    const added = await lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'greet', VersionNumber: 2, StatementId: 'everyone', Action: 'lambda:GetLayerVersion', Principal: '*' }));
    assert.deepEqual(JSON.parse(added.Statement!), { Sid: 'everyone', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: nodeLayer });
    const policy = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'greet', VersionNumber: 2 }));
    assert.equal(JSON.parse(policy.Policy!).Statement[0].Sid, 'everyone');
    assert.equal((await refusal(lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'greet', VersionNumber: 2, StatementId: 'everyone', Action: 'lambda:GetLayerVersion', Principal: '*' })))).name, 'ResourceConflictException');
    await lambda.send(new RemoveLayerVersionPermissionCommand({ LayerName: 'greet', VersionNumber: 2, StatementId: 'everyone' }));
    assert.equal((await refusal(lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'greet', VersionNumber: 2 })))).name, 'ResourceNotFoundException');
  });
});

describe('bad input', () => {
  const code = { 'index.js': 'exports.handler = async () => 1;' };

  test('six layers, a missing one, two versions of one layer: refused, nothing created', async () => {
    const arns = [];
    for (let i = 0; i < 6; i++) arns.push((await publish(`many${i}`, { [`f${i}.txt`]: 'x' })).LayerVersionArn!);
    let err = await refusal(createFn('six', 'nodejs20.x', 'index.handler', code, arns));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.equal(err.message, 'Cannot reference more than 5 layers.');
    err = await refusal(createFn('missing', 'nodejs20.x', 'index.handler', code, ['arn:aws:lambda:us-east-1:000000000000:layer:nope:1']));
    assert.equal(err.message, 'Layer version arn:aws:lambda:us-east-1:000000000000:layer:nope:1 does not exist.');
    const second = (await publish('many0', { 'g.txt': 'y' })).LayerVersionArn!;
    err = await refusal(createFn('twice', 'nodejs20.x', 'index.handler', code, [arns[0], second]));
    assert.match(err.message, /^Two different versions of the same layer are not allowed/);
    err = await refusal(createFn('bad-arn', 'nodejs20.x', 'index.handler', code, ['not-an-arn']));
    assert.equal(err.name, 'ValidationException');
    for (const name of ['six', 'missing', 'twice', 'bad-arn']) {
      assert.equal((await refusal(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })))).name, 'ResourceNotFoundException');
    }
  });

  test('a zip-slip layer zip and an S3 location are refused', async () => {
    const z = new yazl.ZipFile();
    z.addBuffer(Buffer.from('pwned'), 'aa/evil.txt');
    z.end();
    const chunks: Buffer[] = [];
    for await (const chunk of z.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    const slip = Buffer.from(Buffer.concat(chunks).toString('latin1').replaceAll('aa/evil.txt', '../evil.txt'), 'latin1');
    const err = await refusal(lambda.send(new PublishLayerVersionCommand({ LayerName: 'slip', Content: { ZipFile: slip } })));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.match(err.message, /outside/);
    assert.equal((await lambda.send(new ListLayerVersionsCommand({ LayerName: 'slip' }))).LayerVersions?.length, 0);
    const s3 = await refusal(lambda.send(new PublishLayerVersionCommand({ LayerName: 's3', Content: { S3Bucket: 'b', S3Key: 'k' } })));
    assert.match(s3.message, /Content\.ZipFile only/);
  });
});
