// A newcomer's first hour, against a real Gust on a free port: clients find it from its data
// directory alone (the gust CLI, the aws CLI and boto3 through the `gust` profile's endpoint_url),
// and mistakes get errors that say what to do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, startGust, tempDataDir, type GustProcess } from '../helpers/gust-process.js';

let gust: GustProcess;
let other: GustProcess;

before(async () => {
  [gust, other] = await Promise.all([startGust(), startGust()]);
});
after(async () => {
  await Promise.all([gust?.stop(), other?.stop()]);
});

/** A shell with nothing of this machine's AWS or Gust settings: what the data directory says is all there is. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|GUST_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

async function run(cmd: string, args: string[], env = cleanEnv(), cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
}
const gustCli = (args: string[], env?: NodeJS.ProcessEnv, cwd?: string) => run(process.execPath, [CLI, ...args], env, cwd);

describe('clients find Gust from its data directory', () => {
  test('the gust profile names the endpoint: aws CLI and boto3 need only AWS_PROFILE and the files', async () => {
    assert.match(fs.readFileSync(path.join(gust.dataDir, 'config'), 'utf8'), new RegExp(`^endpoint_url = ${gust.url}$`, 'm'));
    const files = cleanEnv({ AWS_SHARED_CREDENTIALS_FILE: path.join(gust.dataDir, 'credentials'), AWS_CONFIG_FILE: path.join(gust.dataDir, 'config'), AWS_PROFILE: 'gust' });
    const aws = await run('aws', ['lambda', 'list-functions'], files);
    assert.equal(aws.code, 0, aws.stderr);
    assert.deepEqual(JSON.parse(aws.stdout), { Functions: [] });
    const boto3 = await run('python3', ['-c', "import boto3, json; print(json.dumps(boto3.client('lambda').list_functions()['Functions']))"], files);
    assert.equal(boto3.code, 0, boto3.stderr);
    assert.equal(boto3.stdout.trim(), '[]');
  });

  test('the gust CLI reaches a Gust on a free port with only --data-dir, and `gust env` prints the exports', async () => {
    const ls = await gustCli(['--data-dir', gust.dataDir, 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    const env = await gustCli(['--data-dir', gust.dataDir, 'env']);
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stdout, new RegExp(`^export AWS_ENDPOINT_URL=${gust.url}$`, 'm'));
    assert.match(env.stdout, /^export AWS_PROFILE=gust$/m);
    // Evaluated by a shell, the exports alone make the aws CLI work.
    const evaluated = await run('bash', ['-c', `eval "$(${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} --data-dir ${JSON.stringify(gust.dataDir)} env)" && aws lambda list-functions`]);
    assert.equal(evaluated.code, 0, evaluated.stderr);
  });
});

describe('errors that say what to do', () => {
  test('a port in use names --port and GUST_PORT', async () => {
    const port = new URL(gust.url).port;
    const res = await gustCli(['--data-dir', tempDataDir(), 'up', '--port', port]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*--port N or GUST_PORT=N`));
  });

  test("another data directory's key: says so, not only that the token is invalid", async () => {
    const res = await gustCli(['--data-dir', other.dataDir, '--endpoint', gust.url, 'ls']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`does not know the access key in ${other.dataDir}/credentials.*another data directory.*last at ${other.url}`));
  });

  test('usage mistakes exit 2 with one line; --json errors are JSON; --version', async () => {
    for (const [args, reason] of [
      [['logs', 'f', '--since', '10x'], /'10x' is not a duration/],
      [['--endpoint', 'notaurl', 'ls'], /--endpoint: 'notaurl' is not an http\(s\) URL/],
      [['invoke', 'f', '--file', '/nonexistent/payload.json'], /--file \/nonexistent\/payload\.json: no such file/],
      [['invoke', 'f', '--file'], /argument missing/],
    ] as const) {
      const res = await gustCli(['--data-dir', gust.dataDir, ...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, reason);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
    const json = await gustCli(['--data-dir', gust.dataDir, '--json', 'logs', 'f', '--since', '10x']);
    assert.deepEqual(JSON.parse(json.stderr), { error: { message: "'10x' is not a duration (use e.g. 30s, 10m, 2h, 1d)", exitCode: 2 } });
    const version = await gustCli(['--version']);
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });

  test('an unreachable server says so and exits 3', async () => {
    const closed = await gustCli(['--data-dir', gust.dataDir, '--endpoint', 'http://localhost:1', 'ls']);
    assert.equal(closed.code, 3);
    assert.match(closed.stderr, /^gust: Cannot reach Gust at http:\/\/localhost:1 \(.+\)\. Is it running\?/);
  });

  test("a handler function the module does not define is refused at deploy, with the names found; Python's lambda_handler is guessed", async () => {
    const dir = fs.mkdtempSync(path.join(tempDataDir(), 'fn-'));
    fs.writeFileSync(path.join(dir, 'index.mjs'), 'export const main = async () => 1;\n');
    const refused = await gustCli(['--data-dir', gust.dataDir, 'deploy', dir, '--name', 'wrong-handler']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Handler 'index\.handler': index\.mjs has no 'handler' \(it defines main\)\. Pass --handler index\.main/);
    const listed = await gustCli(['--data-dir', gust.dataDir, 'ls']);
    assert.doesNotMatch(listed.stdout, /wrong-handler/, 'nothing was created');

    const py = fs.mkdtempSync(path.join(tempDataDir(), 'py-'));
    fs.writeFileSync(path.join(py, 'app.py'), "def lambda_handler(event, context):\n    return {'ok': True}\n");
    const deployed = await gustCli(['--data-dir', gust.dataDir, 'deploy', py, '--name', 'py-convention']);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Created py-convention \(python3\.11, app\.lambda_handler,/);
    const invoked = await gustCli(['--data-dir', gust.dataDir, 'invoke', 'py-convention', '{}']);
    assert.equal(invoked.code, 0, invoked.stderr);
    assert.equal(invoked.stdout.trim(), '{"ok": true}');
  });
});

describe('long work', () => {
  test('a project deploy with provisioned concurrency returns once the instances are ready, and prints no progress when piped', async () => {
    const dir = fs.mkdtempSync(path.join(tempDataDir(), 'proj-'));
    // A slow init, so that a deploy that did not wait would be seen returning before the instance is ready.
    fs.writeFileSync(path.join(dir, 'handler.mjs'), 'await new Promise((r) => setTimeout(r, 4000));\nexport const hello = async () => ({ ok: true });\n');
    fs.writeFileSync(path.join(dir, 'serverless.yml'), 'service: warm\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  hello:\n    handler: handler.hello\n    provisionedConcurrency: 1\n');
    const deployed = await gustCli(['--data-dir', gust.dataDir, 'deploy'], cleanEnv(), dir);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal(deployed.stderr, '', 'no progress lines on a pipe');
    assert.doesNotMatch(deployed.stdout, /\r|\x1b/);
    const files = cleanEnv({ AWS_SHARED_CREDENTIALS_FILE: path.join(gust.dataDir, 'credentials'), AWS_CONFIG_FILE: path.join(gust.dataDir, 'config'), AWS_PROFILE: 'gust' });
    const config = await run('aws', ['lambda', 'get-provisioned-concurrency-config', '--function-name', 'warm-dev-hello', '--qualifier', 'provisioned'], files);
    assert.equal(config.code, 0, config.stderr);
    assert.equal(JSON.parse(config.stdout).Status, 'READY');
  });
});
