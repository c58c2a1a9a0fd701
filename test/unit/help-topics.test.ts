// The help topics (docs/help/*.md) teach with the README's own examples: every line of a page's
// `sh readme` blocks is a line of README.md (`./bin/gust` written as `gust`, spacing aside), so
// the two cannot drift apart. Pages render for a terminal without their code fences.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HELP_DIR, helpTopics, renderHelpPage } from '../../src/cli/help-topics.js';

const README = path.resolve(HELP_DIR, '../../README.md');
const normalise = (line: string) => line.replace(/(^|\s)(?:\.\.\/)*(?:\.\/)?bin\/gust\b/g, '$1gust').replace(/\s+/g, ' ').trim();

test('there are pages for functions, triggers, versions and security', () => {
  assert.deepEqual(helpTopics(), ['functions', 'security', 'triggers', 'versions']);
});

test("every example in a page's readme blocks is in README.md", () => {
  const readme = new Set(fs.readFileSync(README, 'utf8').split('\n').map(normalise));
  for (const topic of helpTopics()) {
    const page = fs.readFileSync(path.join(HELP_DIR, `${topic}.md`), 'utf8');
    const blocks = [...page.matchAll(/^```sh readme\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    assert.ok(blocks.length > 0, `${topic}.md has no README examples`);
    for (const line of blocks.join('').split('\n').filter((l) => l.trim())) {
      assert.ok(readme.has(normalise(line)), `${topic}.md: not in README.md: ${line}`);
    }
  }
});

test('a page renders with its title in capitals and its code indented', () => {
  assert.equal(renderHelpPage('# Title\n\nText.\n\n```sh readme\ngust ls\n```\n'), 'TITLE\n\nText.\n\n    gust ls\n');
});
