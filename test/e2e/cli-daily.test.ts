// The CLI for daily work on a function, against a real Gust: describe with every kind of trigger,
// url, concurrency, alias and schedule listings, logs before the first run, tracebacks shown as
// lines, stack traces without host paths, shell completion of the real command tree, help topics.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURES, runGustCli, startGust, type GustProcess } from '../helpers/gust-process.js';

const run = promisify(execFile);
const REPO = path.resolve(FIXTURES, '../../..');
let gust: GustProcess;
const cli = (...args: string[]) => runGustCli(gust, args);
async function ok(...args: string[]) {
  const r = await cli(...args);
  assert.equal(r.code, 0, `gust ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const describeJson = async (fn: string) => JSON.parse(await ok('--json', 'describe', fn));

before(async () => {
  gust = await startGust();
  await ok('deploy', path.join(FIXTURES, 'node-hello'), '--name', 'daily');
});
after(async () => gust.stop());

test('logs of a function that has not run yet: nothing, and no error; of no function: an error', async () => {
  const none = await cli('logs', 'daily');
  assert.deepEqual([none.code, none.stdout], [0, '']);
  const missing = await cli('logs', 'no-such-function');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ResourceNotFoundException[\s\S]*gust ls/);
});

test('describe shows configuration, every trigger, versions, aliases and concurrency; the commands that set them', { timeout: 180_000 }, async () => {
  await ok('publish', 'daily');
  // Independent of each other: set up side by side (each CLI start costs a second of CPU).
  const [publicUrl] = await Promise.all([
    ok('--json', 'url', 'add', 'daily').then((out) => JSON.parse(out).FunctionUrl as string),
    ok('alias', 'set', 'daily', 'live', '1').then(() => ok('url', 'add', 'daily:live', '--auth', 'AWS_IAM', '--allow-origin', 'https://app.example', '--allow-method', 'get')),
    ok('concurrency', 'set', 'daily', '3'),
    ok('route', 'add', 'GET', '/daily/{id}', 'daily'),
    ok('schedule', 'add', 'daily-nightly', 'cron(0 2 * * ? *)', 'daily', '--timezone', 'Europe/Berlin'),
    ok('schedule', 'add', 'daily-often', 'rate(5 minutes)', 'daily'),
    ok('bucket', 'create', 'daily-uploads').then(() => ok('notify', 'add', 'daily-uploads', 'daily', '--prefix', 'in/')),
    ok('queue', 'create', 'daily-jobs').then(() => ok('subscribe', 'daily-jobs', 'daily', '--batch-size', '5')),
  ]);
  await ok('concurrency', 'set', 'daily', '1', '--provisioned', '--qualifier', 'live');
  const viaUrl = await fetch(publicUrl);
  assert.deepEqual([viaUrl.status, (await viaUrl.json()).hello], [200, 'world'], 'a NONE URL is public');

  const urls = JSON.parse(await ok('--json', 'url', 'ls', 'daily'));
  const iamUrl = urls.find((u: { AuthType: string }) => u.AuthType === 'AWS_IAM');
  assert.deepEqual(iamUrl.Cors, { AllowOrigins: ['https://app.example'], AllowMethods: ['GET'] });
  assert.equal((await fetch(iamUrl.FunctionUrl)).status, 403, 'an AWS_IAM URL refuses unsigned requests');

  // Provisioned instances come up in the background: wait for READY, however long that takes.
  let d = await describeJson('daily');
  while (d.Concurrency.Provisioned[0]?.Status !== 'READY') {
    assert.notEqual(d.Concurrency.Provisioned[0]?.Status, 'FAILED', JSON.stringify(d.Concurrency));
    d = await describeJson('daily');
  }
  assert.equal(d.Configuration.Runtime, 'nodejs20.x');
  assert.deepEqual(d.Versions, ['$LATEST', '1']);
  assert.deepEqual(d.Aliases.map((a: { Name: string; FunctionVersion: string }) => [a.Name, a.FunctionVersion]), [['live', '1']]);
  assert.equal(d.Concurrency.ReservedConcurrentExecutions, 3);
  assert.equal(d.FunctionUrls.length, 2);
  assert.deepEqual(d.Triggers.Routes.map((r: { method: string; path: string }) => `${r.method} ${r.path}`), ['GET /daily/{id}']);
  assert.deepEqual(d.Triggers.BucketNotifications.map((n: { Bucket: string }) => n.Bucket), ['daily-uploads']);
  assert.equal(d.Triggers.QueueSubscriptions[0].BatchSize, 5);

  // Next runs, checked against the expressions' meaning rather than the code that computes them.
  const now = Date.now();
  const nightly = d.Triggers.Schedules.find((s: { Name: string }) => s.Name === 'daily-nightly');
  const nextNightly = Date.parse(nightly.NextRun);
  const berlinClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  assert.equal(berlinClock.format(nextNightly), '02:00:00');
  assert.ok(nextNightly > now - 60_000 && nextNightly <= now + 25 * 3600_000, nightly.NextRun);
  const often = d.Triggers.Schedules.find((s: { Name: string }) => s.Name === 'daily-often');
  const sinceCreation = Date.parse(often.NextRun) - Math.round(often.CreationDate * 1000);
  assert.ok(sinceCreation > 0 && sinceCreation % 300_000 === 0, `${often.NextRun} is not a whole number of 5 minutes after creation`);
  const listed = JSON.parse(await ok('--json', 'schedule', 'ls'));
  assert.equal(listed.find((s: { Name: string }) => s.Name === 'daily-nightly').NextRun, nightly.NextRun);

  const human = await ok('describe', 'daily');
  for (const line of [
    /^ {2}runtime +nodejs20\.x, handler index\.handler$/m,
    /^ {2}concurrency +reserved 3; provisioned live 1\/1 READY$/m,
    /^ {2}aliases +live → 1$/m,
    /^ {2}url +http:\/\/\S+ +auth NONE$/m,
    /^ {2}url +http:\/\/\S+ +auth AWS_IAM, live, CORS origins https:\/\/app\.example; methods GET$/m,
    /^ {2}route +GET \/daily\/\{id\} +payload 2\.0/m,
    /^ {2}schedule +daily-nightly +cron\(0 2 \* \* \? \*\) Europe\/Berlin +next \d{4}-/m,
    /^ {2}bucket +daily-uploads +s3:ObjectCreated:\* +prefix in\//m,
    /^ {2}queue +daily-jobs +batch 5, Enabled/m,
  ]) {
    assert.match(human, line);
  }
  assert.match(await ok('schedule', 'ls'), /^daily-nightly +cron\(0 2 \* \* \? \*\) +Europe\/Berlin +ENABLED +\d{4}-\d\d-\d\dT\d\d:00:00\.000Z +daily$/m);
  assert.match(await ok('alias', 'ls', 'daily'), /^live +1$/m);

  // And undone again (the alias last: the URL and provisioned concurrency on it go first).
  await Promise.all([ok('url', 'rm', 'daily'), ok('url', 'rm', 'daily', '--qualifier', 'live'), ok('concurrency', 'rm', 'daily'), ok('concurrency', 'rm', 'daily:live', '--provisioned')]);
  await ok('alias', 'rm', 'daily', 'live');
  d = await describeJson('daily');
  assert.deepEqual([d.FunctionUrls, d.Aliases, d.Concurrency], [[], [], { ReservedConcurrentExecutions: null, Provisioned: [] }]);
  assert.match(await ok('url', 'ls', 'daily'), /^No URL for daily/);

  const usage = await cli('concurrency', 'set', 'daily', '2', '--provisioned');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--qualifier/);
  assert.equal((await cli('describe', 'no-such-function')).code, 1);
});

test('a traceback shows as lines in `gust logs` and in the invoke tail; stack traces show /var/task and /var/runtime, no host path', { timeout: 120_000 }, async () => {
  await ok('deploy', path.join(FIXTURES, 'python-error'), '--name', 'daily-py');
  const invoked = await cli('invoke', 'daily-py', '{}');
  assert.equal(invoked.code, 4);
  const traceback = /^(?:\S+ )?\[ERROR\] PaymentError: card declined\nTraceback \(most recent call last\):\n\s+File "\/var\/task\/app\.py", line 6, in handler\n\s+raise PaymentError/m;
  assert.match(invoked.stderr, traceback);
  const logs = await ok('logs', 'daily-py');
  assert.match(logs, traceback);
  // The record itself stays one event with Lambda's \r separators, for the aws CLI and --json.
  const events = (await ok('--json', 'logs', 'daily-py')).trim().split(/\n(?=\{)/).map((e) => JSON.parse(e));
  assert.ok(events.some((e: { message: string }) => e.message.startsWith('[ERROR] PaymentError: card declined\rTraceback')));

  await ok('deploy', path.join(FIXTURES, 'node-error'), '--name', 'daily-node');
  const failed = JSON.parse((await cli('--json', 'invoke', 'daily-node', '{}')).stdout);
  const trace: string[] = failed.payload.trace;
  assert.ok(trace.some((l) => l.includes('(/var/task/index.js:')), trace.join('\n'));
  assert.ok(trace.some((l) => l.includes('file:///var/runtime/node/')), trace.join('\n'));
  assert.ok(!JSON.stringify(failed).includes(REPO), `a host path in ${JSON.stringify(failed)}`);

  // Python's own library is where Lambda keeps it, /var/lang, not the host's installation.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-stdlib-error-'));
  fs.writeFileSync(path.join(dir, 'app.py'), "import json\n\ndef handler(event, context):\n    return json.loads('not json')\n");
  await ok('deploy', dir, '--name', 'daily-py-lib', '--runtime', 'python3.11', '--handler', 'app.handler');
  const decoded = JSON.parse((await cli('--json', 'invoke', 'daily-py-lib', '{}')).stdout);
  const stack = JSON.stringify(decoded.payload.stackTrace);
  assert.match(stack, /\/var\/lang\/lib\/python3\.11\/json\//, stack);
  assert.ok(!stack.includes(os.homedir()) && !stack.includes(REPO), `a host path in ${stack}`);
});

test('bash completion is generated from the command tree', async () => {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gust-completion-')), 'gust.bash');
  fs.writeFileSync(script, await ok('completion', 'bash'));
  const complete = async (...words: string[]) => {
    const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gust_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return (await run('bash', ['-c', line])).stdout.split('\n').filter(Boolean).sort();
  };
  assert.deepEqual(await complete('gust', 'desc'), ['describe']);
  assert.deepEqual(await complete('gust', 'url', ''), ['add', 'ls', 'rm']);
  assert.ok((await complete('gust', '--json', 'url', 'add', 'fn', '--a')).includes('--auth'));
  assert.ok((await complete('gust', 'concurrency', 'set', '-')).includes('--provisioned'));
  assert.equal((await cli('completion', 'fish')).code, 2);
});

test('help topics print the concept pages; help COMMAND prints its help', async () => {
  assert.match(await ok('help', 'triggers'), /^TRIGGERS$[\s\S]*gust route add GET '\/hello\/\{name\}' hello/m);
  assert.match(await ok('help', 'route', 'add'), /--payload-format/);
  assert.match(await ok('help'), /Topics: functions, security, triggers, versions/);
  assert.equal((await cli('help', 'nope')).code, 2);
});
