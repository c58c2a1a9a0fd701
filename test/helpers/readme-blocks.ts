// Reads the command blocks of a Markdown document for the README's doc test: each ```sh or ```bash
// block, the ```text block that follows it (the output the document shows), and the
// `<!-- doc-test: ... -->` comment before it (skip: needs the machine's set-up; retry: what it
// shows arrives a moment later, so it is run again until it does, within a deadline).

export interface CommandBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  script: string;
  expected?: string;
  skip: boolean;
  retry: boolean;
}

const FENCE = /^```(\w*)\s*$/;

export function commandBlocks(markdown: string): CommandBlock[] {
  const lines = markdown.split('\n');
  const blocks: { line: number; lang: string; body: string; directive: string; follows?: number }[] = [];
  let directive = '';
  let lastEnd = -2;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) {
      const comment = /^<!--\s*doc-test:\s*(.+?)\s*-->\s*$/.exec(lines[i]);
      if (comment) directive = comment[1];
      else if (lines[i].trim() !== '') directive = '';
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const blankBetween = lines.slice(lastEnd + 1, start).every((l) => l.trim() === '');
    blocks.push({ line: start + 1, lang: open[1], body: body.join('\n'), directive, follows: blankBetween ? blocks.length - 1 : undefined });
    lastEnd = i;
    directive = '';
  }
  const result: CommandBlock[] = [];
  blocks.forEach((b, index) => {
    if (b.lang !== 'sh' && b.lang !== 'bash') return;
    const next = blocks[index + 1];
    const expected = next && next.lang === 'text' && next.follows === index ? next.body : undefined;
    result.push({ line: b.line, script: b.body, expected, skip: /\bskip\b/.test(b.directive), retry: /\bretry\b/.test(b.directive) });
  });
  return result;
}

/**
 * Whether `actual` shows what `expected` shows: each non-blank expected line matches a line of the
 * output, in order (other lines may come between). Within a line, runs of spaces match any run of
 * spaces and `…` stands for any text (ids, times, sizes); everything else is literal.
 */
export function showsExpected(actual: string, expected: string): { ok: true } | { ok: false; missing: string } {
  const actualLines = actual.split('\n');
  let from = 0;
  for (const wanted of expected.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const pattern = new RegExp(
      '^\\s*' +
        wanted
          .split('…')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
          .join('.*') +
        '\\s*$',
    );
    const at = actualLines.findIndex((line, i) => i >= from && pattern.test(line));
    if (at === -1) return { ok: false, missing: wanted };
    from = at + 1;
  }
  return { ok: true };
}
