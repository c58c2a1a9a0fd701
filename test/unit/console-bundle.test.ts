// The console ships prebuilt (console/dist, committed): this fails when its sources changed
// after the bundle was built, so that a change to the console cannot ship with a stale bundle.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error a plain .mjs script without types
import { consoleSourceHash } from '../../scripts/console-source-hash.mjs';
import { CONSOLE_DIST, loadConsoleAssets } from '../../src/api/console/console-service.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the committed console bundle was built from the current sources (run npm run build:console)', () => {
  const built = fs.readFileSync(path.join(ROOT, 'console/dist/source-hash.txt'), 'utf8').trim();
  assert.equal(built, consoleSourceHash());
});

test('the bundle is small, has its page, and references only files it contains', () => {
  const assets = loadConsoleAssets(CONSOLE_DIST);
  const html = assets.get('index.html')?.body.toString('utf8');
  assert.ok(html, 'console/dist/index.html exists');
  const referenced = [...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1]);
  assert.ok(referenced.some((r) => r.endsWith('.js')), 'the page loads its script');
  for (const r of referenced) assert.ok(assets.has(r), `${r} is in the bundle`);
  // No inline script: the CSP allows none.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  const total = [...assets.values()].reduce((t, a) => t + a.body.length, 0);
  assert.ok(total < 200 * 1024, `the bundle is ${total} bytes`);
});
