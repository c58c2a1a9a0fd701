// The `gust` CLI, the aws CLI and boto3, each driving a real Gust.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI, FIXTURES, startGust, type GustProcess } from '../helpers/gust-process.js';
import { fixtureZip } from '../helpers/fixtures.js';

const run = promisify(execFile);
let gust: GustProcess;

before(async () => {
  gust = await startGust();
});
after(async () => gust.stop());

async function gustCli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

describe('gust CLI', () => {
  test('deploy, invoke (argument, file, stdin), ls, logs, usage, rm', async () => {
    const deployed = await gustCli(['deploy', path.join(FIXTURES, 'node-hello'), '--name', 'cli-hello']);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Created cli-hello \(nodejs20\.x, index\.handler/);
    const redeployed = await gustCli(['deploy', path.join(FIXTURES, 'node-hello'), '--name', 'cli-hello', '--memory', '256']);
    assert.match(redeployed.stdout, /Updated cli-hello .*256 MB/);

    const byArg = await gustCli(['invoke', 'cli-hello', '{"name":"arg"}']);
    assert.equal(byArg.code, 0, byArg.stderr);
    assert.equal(JSON.parse(byArg.stdout).hello, 'arg');
    assert.match(byArg.stderr, /REPORT RequestId/);
    const file = path.join(os.tmpdir(), `payload-${process.pid}.json`);
    fs.writeFileSync(file, '{"name":"file"}');
    assert.equal(JSON.parse((await gustCli(['invoke', 'cli-hello', '--file', file])).stdout).hello, 'file');
    assert.equal(JSON.parse((await gustCli(['invoke', 'cli-hello'], '{"name":"stdin"}')).stdout).hello, 'stdin');
    const json = JSON.parse((await gustCli(['--json', 'invoke', 'cli-hello', '{"name":"j"}'])).stdout);
    assert.equal(json.payload.hello, 'j');
    assert.match(json.log, /START RequestId/);

    const ls = await gustCli(['ls']);
    assert.match(ls.stdout, /cli-hello\s+nodejs20\.x\s+index\.handler\s+256 MB/);
    const logs = await gustCli(['logs', 'cli-hello', '--since', '10m']);
    assert.match(logs.stdout, /hello from node \{"name":"stdin"\}/);
    const usage = await gustCli(['--json', 'usage', 'cli-hello']);
    assert.equal(JSON.parse(usage.stdout).functions[0].requests, 4);

    assert.equal((await gustCli(['rm', 'cli-hello'])).code, 0);
    const missing = await gustCli(['invoke', 'cli-hello', '{}']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  test('function errors, usage errors and an unreachable server have their own exit codes', async () => {
    await gustCli(['deploy', path.join(FIXTURES, 'node-error'), '--name', 'cli-err']);
    const failed = await gustCli(['invoke', 'cli-err', '{}']);
    assert.equal(failed.code, 4);
    assert.match(failed.stdout, /ValidationError/);
    assert.equal((await gustCli(['deploy'])).code, 2);
    const down = spawn(process.execPath, [CLI, '--endpoint', 'http://127.0.0.1:1', '--data-dir', gust.dataDir, 'ls']);
    assert.equal(await new Promise((r) => down.once('exit', r)), 3);
  });

  test('logs --follow prints new lines as they come', { timeout: 120_000 }, async () => {
    await gustCli(['deploy', path.join(FIXTURES, 'node-logs'), '--name', 'cli-follow']);
    const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, 'logs', 'cli-follow', '--follow']);
    let out = '';
    // Wait for the line itself, however long a loaded machine takes to print it.
    const followed = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('followed')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`gust logs --follow exited (${code}) before the line came:\n${out}`)));
    });
    await gustCli(['invoke', 'cli-follow', '{"tag":"followed"}']);
    await followed;
    child.kill();
    assert.match(out, /line 0 followed/);
  });
});

describe('aws CLI and boto3', () => {
  test('the aws CLI creates, invokes with a log tail, and deletes a Python function', async () => {
    const zipFile = path.join(os.tmpdir(), `py-${process.pid}.zip`);
    fs.writeFileSync(zipFile, await fixtureZip('python-hello'));
    const env = gust.awsEnv();
    const aws = (args: string[]) => run('aws', ['--endpoint-url', gust.url, '--output', 'json', ...args], { env });
    const created = JSON.parse((await aws(['lambda', 'create-function', '--function-name', 'cli-py', '--runtime', 'python3.11', '--handler', 'app.handler', '--role', 'arn:aws:iam::000000000000:role/x', '--zip-file', `fileb://${zipFile}`])).stdout);
    assert.equal(created.State, 'Pending'); // the waiter below sees it Active
    await aws(['lambda', 'wait', 'function-active-v2', '--function-name', 'cli-py']);
    const out = path.join(os.tmpdir(), `out-${process.pid}.json`);
    const invoked = JSON.parse((await aws(['lambda', 'invoke', '--function-name', 'cli-py', '--payload', '{"name":"aws-cli"}', '--log-type', 'Tail', out])).stdout);
    assert.equal(invoked.StatusCode, 200);
    assert.match(Buffer.from(invoked.LogResult, 'base64').toString(), /hello from python/);
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).hello, 'aws-cli');
    const asyncInvoke = JSON.parse((await aws(['lambda', 'invoke', '--function-name', 'cli-py', '--invocation-type', 'Event', '--payload', '{}', out])).stdout);
    assert.equal(asyncInvoke.StatusCode, 202);
    await aws(['lambda', 'update-function-configuration', '--function-name', 'cli-py', '--timeout', '10']);
    await aws(['lambda', 'wait', 'function-updated-v2', '--function-name', 'cli-py']);
    const logs = JSON.parse((await aws(['logs', 'filter-log-events', '--log-group-name', '/aws/lambda/cli-py', '--filter-pattern', 'REPORT'])).stdout);
    assert.ok(logs.events.length >= 1);
    await aws(['lambda', 'delete-function', '--function-name', 'cli-py']);
    const listed = JSON.parse((await aws(['lambda', 'list-functions'])).stdout);
    assert.ok(!listed.Functions.some((f: { FunctionName: string }) => f.FunctionName === 'cli-py'));
  });

  test('boto3 drives the function lifecycle with all three invocation types', async () => {
    const zip = (await fixtureZip('node-hello')).toString('base64');
    const script = `
import base64, json, sys, boto3
c = boto3.client("lambda")
c.create_function(FunctionName="boto", Runtime="nodejs20.x", Handler="index.handler", Role="arn:aws:iam::000000000000:role/x", Code={"ZipFile": base64.b64decode(sys.argv[1])})
c.get_waiter("function_active_v2").wait(FunctionName="boto")
r = c.invoke(FunctionName="boto", Payload=json.dumps({"name": "boto3"}), LogType="Tail")
assert json.loads(r["Payload"].read())["hello"] == "boto3"
assert "REPORT" in base64.b64decode(r["LogResult"]).decode()
assert c.invoke(FunctionName="boto", InvocationType="Event", Payload="{}")["StatusCode"] == 202
assert c.invoke(FunctionName="boto", InvocationType="DryRun")["StatusCode"] == 204
c.update_function_code(FunctionName="boto", ZipFile=base64.b64decode(sys.argv[1]))
c.get_waiter("function_updated_v2").wait(FunctionName="boto")
try:
    c.invoke(FunctionName="nope")
    raise SystemExit("expected an error")
except c.exceptions.ResourceNotFoundException:
    pass
c.delete_function(FunctionName="boto")
print("ok")
`;
    const { stdout } = await run('python3', ['-c', script, zip], { env: gust.awsEnv() });
    assert.equal(stdout.trim(), 'ok');
  });
});
