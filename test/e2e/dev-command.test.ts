// `gust dev` against a real Gust: it deploys a function directory, redeploys when the handler is
// saved (an invoke then answers the new value), prints a line per invocation from the log tail,
// and stops cleanly on Ctrl-C (SIGINT).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CLI, startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

let gust: GustProcess;
let lambda: LambdaClient;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-dev-'));
const project = path.join(root, 'devfn');
const handler = (value: number) => `export const handler = async () => { console.log('answering ${value}'); return { value: ${value} }; };\n`;

before(async () => {
  gust = await startGust();
  lambda = lambdaClient(gust);
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'index.mjs'), handler(1));
  fs.mkdirSync(path.join(project, 'node_modules'));
});

after(async () => {
  await gust?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Resolves once `read()` matches, checking on each new chunk of output; bounded by the test's timeout. */
function waitFor(stream: NodeJS.ReadableStream, read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve) => {
    const check = () => {
      const m = pattern.exec(read());
      if (m) {
        stream.off('data', check);
        resolve(m);
      }
    };
    stream.on('data', check);
    check();
  });
}

async function invokeValue(): Promise<number | undefined> {
  try {
    const res = await lambda.send(new InvokeCommand({ FunctionName: 'devfn', Payload: Buffer.from('{}') }));
    return decode(res.Payload).value;
  } catch {
    return undefined; // not deployed yet
  }
}

test('gust dev redeploys on save, prints each invocation, and stops on Ctrl-C', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, 'dev', project], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(child.stdout!, () => out, /Created devfn/);
    assert.equal(await invokeValue(), 1);

    fs.writeFileSync(path.join(project, 'index.mjs'), handler(2));
    // A change under node_modules alone is ignored; the save above is what redeploys.
    fs.writeFileSync(path.join(project, 'node_modules', 'ignored.js'), '');
    let value: number | undefined;
    for (let attempt = 0; attempt < 100 && value !== 2; attempt++) {
      value = await invokeValue();
      if (value !== 2) await delay(100);
    }
    assert.equal(value, 2, `the new handler answers after the save; gust dev printed:\n${out}`);
    assert.match(out, /Updated devfn/);

    // The log tail shows the function's own output and one summary line per invocation.
    await waitFor(child.stdout!, () => out, /devfn \| .*answering 2/);
    const line = await waitFor(child.stdout!, () => out, /^devfn {2}[0-9a-f-]{36} {2}[\d.]+ ms {2}ok$/m);
    assert.ok(line);
    assert.doesNotMatch(out, /^(START|END) /m);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, out);
});
