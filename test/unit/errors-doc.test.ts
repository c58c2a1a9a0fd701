// docs/errors.md and the error catalogue must list the same errors with the same statuses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/errors.js';

test('docs/errors.md documents every error in the catalogue, and nothing else', () => {
  const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| (\w+) \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
  const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, spec]) => [code, spec.status]);
  assert.deepEqual(rows.sort(), catalogue.sort());
});
