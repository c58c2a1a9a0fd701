// The README runs: every ```sh block is executed in order, as a new user would type it, in a fresh
// directory beside a Gust started as `npm start` starts it (data in ./.gust; on a free port, which
// the CLI and the aws tools find through that data directory), and what each block prints must show
// the ```text block that follows it. Blocks marked `<!-- doc-test: skip -->` need the machine's
// set-up (npm ci, a Docker image) or run until stopped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { commandBlocks, showsExpected } from '../helpers/readme-blocks.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BLOCK_TIMEOUT_MS = 120_000;
/** How long a `retry` block may take to show what the README says it shows "a moment later". */
const RETRY_DEADLINE_MS = 20_000;

let gust: GustProcess;
let work: string;
let state: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-readme-'));
  // The user's checkout, as far as the README uses it: bin/ and the examples (copied: deploys
  // write build output beside them).
  work = path.join(tmp, 'gust');
  fs.mkdirSync(work);
  fs.symlinkSync(path.join(ROOT, 'bin'), path.join(work, 'bin'));
  fs.cpSync(path.join(ROOT, 'examples'), path.join(work, 'examples'), { recursive: true });
  state = path.join(tmp, 'state');
  fs.mkdirSync(state);
  fs.writeFileSync(path.join(state, 'cwd'), work);
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home);
  // A new user's shell: no AWS or Gust settings of this machine's, a HOME of its own (no ~/.aws),
  // `gust` on PATH as after `npm link`.
  env = { PATH: `${path.join(ROOT, 'bin')}:${process.env.PATH}`, HOME: home };
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|GUST_|npm_|HOME$|PATH$)/.test(name)) env[name] = value;
  }
  gust = await startGust({ dataDir: path.join(work, '.gust') });
});

after(async () => {
  await gust?.stop();
});

/** Runs one block in bash, in the directory and with the exports the previous block left. */
async function runBlock(script: string): Promise<{ code: number | null; output: string; trace: string }> {
  const file = path.join(state, 'block.sh');
  fs.writeFileSync(
    file,
    [
      'set -eo pipefail',
      `cd "$(cat '${state}/cwd')"`,
      `[ -f '${state}/env' ] && . '${state}/env'`,
      'exec 2>&1',
      // Each command with the time it started, apart from the output, to tell which one failed or hung.
      `exec 3>'${state}/trace'; BASH_XTRACEFD=3; PS4='+ \${EPOCHREALTIME} '; set -x`,
      script,
      'set +x',
      `pwd > '${state}/cwd'`,
      `export -p > '${state}/env'`,
    ].join('\n'),
  );
  const child = spawn('bash', [file], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), BLOCK_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  const trace = fs.existsSync(path.join(state, 'trace')) ? fs.readFileSync(path.join(state, 'trace'), 'utf8') : '';
  return { code, output, trace };
}

describe('README.md', () => {
  const blocks = commandBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  test('has command blocks, and skips only a few', () => {
    assert.ok(blocks.length >= 15, `only ${blocks.length} command blocks found`);
    assert.ok(blocks.filter((b) => b.skip).length <= 4, 'more than four blocks are skipped');
  });

  let failed = false;
  for (const block of blocks) {
    const title = `line ${block.line}: ${block.script.split('\n')[0].slice(0, 70)}`;
    test(title, { skip: block.skip ? 'doc-test: skip' : false }, async (t) => {
      if (failed) return t.skip('an earlier block failed');
      const deadline = Date.now() + (block.retry ? RETRY_DEADLINE_MS : 0);
      for (;;) {
        const { code, output, trace } = await runBlock(block.script);
        const shown = code === 0 && block.expected !== undefined ? showsExpected(output, block.expected) : ({ ok: true } as const);
        if (code === 0 && shown.ok) return;
        if (Date.now() < deadline) continue;
        failed = true;
        const why = code === null ? `did not finish within ${BLOCK_TIMEOUT_MS / 1000} s` : code !== 0 ? `exited with ${code}` : `does not show: ${(shown as { missing: string }).missing}`;
        assert.fail(`README block at line ${block.line} ${why}\n--- commands run (with their start times)\n${trace}--- output\n${output}`);
      }
    });
  }
});
