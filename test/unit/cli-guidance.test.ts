// The CLI's guidance without a server: when progress is drawn, which names a handler module
// defines (and so whether `gust deploy` refuses it), and how the README's blocks are read.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CliError } from '../../src/cli/client.js';
import { definedNames, guessFunctionName, preflightHandler } from '../../src/cli/handler-preflight.js';
import { showsProgress, startProgress } from '../../src/cli/progress.js';
import { commandBlocks, showsExpected } from '../helpers/readme-blocks.js';

describe('progress', () => {
  test('drawn on a terminal only: not when piped, with --json, in CI or on a dumb terminal', () => {
    assert.equal(showsProgress({ isTTY: true, write() {} }, {}, false), true);
    assert.equal(showsProgress({ isTTY: undefined, write() {} }, {}, false), false, 'piped or redirected');
    assert.equal(showsProgress({ isTTY: false, write() {} }, {}, false), false);
    assert.equal(showsProgress({ isTTY: true, write() {} }, {}, true), false, '--json');
    assert.equal(showsProgress({ isTTY: true, write() {} }, { CI: 'true' }, false), false);
    assert.equal(showsProgress({ isTTY: true, write() {} }, { TERM: 'dumb' }, false), false);
  });

  test('writes nothing at all to a pipe, and clears its line on a terminal', () => {
    const piped: string[] = [];
    const p = startProgress('Uploading', { write: (t: string) => piped.push(t) }, {});
    p.update('50 %');
    p.done();
    assert.deepEqual(piped, []);
    const tty: string[] = [];
    const q = startProgress('Uploading', { isTTY: true, write: (t: string) => tty.push(t) }, {});
    q.done();
    assert.match(tty[0], /Uploading/);
    assert.equal(tty.at(-1), '\r\x1b[K');
  });
});

describe('handler preflight', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-handler-'));
  const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));

  test('names a JavaScript module exports, ES module and CommonJS', () => {
    assert.deepEqual(definedNames(write('a.mjs', 'export const handler = async () => 1;\nexport async function other() {}\nconst x = 1; export { x as renamed };')), ['other', 'handler', 'renamed']);
    assert.deepEqual(definedNames(write('b.js', 'exports.main = async () => 1;\nmodule.exports.second = 2;')), ['main', 'second']);
    assert.deepEqual(definedNames(write('c.js', 'module.exports = { handler, async other() {} };')), ['handler', 'other']);
    assert.equal(definedNames(write('d.mjs', "export * from './e.mjs';")), undefined, 'a re-export cannot be read');
    assert.equal(definedNames(write('f.js', "module.exports = require('./impl');")), undefined);
  });

  test('names a Python module defines at its top level', () => {
    assert.deepEqual(definedNames(write('p.py', 'import json\nfrom x import y as z\n\nCLIENT = 1\n\ndef lambda_handler(event, context):\n    inner = 2\n    return inner\n')), ['lambda_handler', 'CLIENT', 'z']);
    assert.equal(definedNames(write('q.py', 'from helpers import *\n')), undefined);
  });

  test("Lambda's lambda_handler is guessed when the module has no handler", () => {
    assert.equal(guessFunctionName(write('app.py', 'def lambda_handler(e, c):\n    return 1\n'), ['handler', 'lambda_handler']), 'lambda_handler');
    assert.equal(guessFunctionName(write('app.py', 'def handler(e, c):\n    return 1\ndef lambda_handler(e, c):\n    return 1\n'), ['handler', 'lambda_handler']), 'handler');
  });

  test('a missing function is refused with the names found; a missing module or unreadable names as before', () => {
    write('index.mjs', 'export const main = async () => 1;');
    assert.throws(() => preflightHandler(dir, 'nodejs20.x', 'index.handler'), (err: CliError) => err.exitCode === 2 && /index\.mjs has no 'handler' \(it defines main\)\. Pass --handler index\.main/.test(err.message));
    preflightHandler(dir, 'nodejs20.x', 'index.main');
    assert.throws(() => preflightHandler(dir, 'nodejs20.x', 'nothere.handler'), (err: CliError) => err.exitCode === 2 && /not found/.test(err.message));
    write('reexport.mjs', "export * from './impl.mjs';");
    preflightHandler(dir, 'nodejs20.x', 'reexport.handler');
    preflightHandler(dir, 'provided.al2023', 'anything');
  });
});

describe('README blocks', () => {
  const doc = [
    'Intro',
    '```sh',
    'echo one',
    '```',
    '',
    '```text',
    'one',
    '```',
    '<!-- doc-test: skip (machine set-up) -->',
    '```bash',
    'npm ci',
    '```',
    'Later:',
    '',
    '<!-- doc-test: retry -->',
    '```sh',
    'echo two',
    '```',
    'prose between',
    '```text',
    'not its output',
    '```',
  ].join('\n');

  test('command blocks with the output that follows them, and their marks', () => {
    const blocks = commandBlocks(doc);
    assert.deepEqual(
      blocks.map((b) => [b.line, b.script, b.expected, b.skip, b.retry]),
      [
        [2, 'echo one', 'one', false, false],
        [10, 'npm ci', undefined, true, false],
        [16, 'echo two', undefined, false, true],
      ],
    );
  });

  test('expected lines in order, spaces loose, … for what varies', () => {
    const out = 'Created hello (nodejs20.x, index.handler, 128 MB, 314 bytes)\nARN: x\n{"hello":"you"}\n';
    assert.deepEqual(showsExpected(out, 'Created hello (nodejs20.x, index.handler, 128 MB, … bytes)\n{"hello":"you"}'), { ok: true });
    assert.deepEqual(showsExpected(out, '{"hello":"you"}\nCreated hello …'), { ok: false, missing: 'Created hello …' });
    assert.deepEqual(showsExpected(out, 'Created  hello …\n\nARN:   x'), { ok: true });
    assert.equal(showsExpected(out, 'Created hello (nodejs20.x.*').ok, false, 'regex characters are literal');
  });
});
