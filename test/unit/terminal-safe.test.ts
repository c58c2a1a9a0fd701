// What `gust logs` prints of a function's output: no escape sequence or control character reaches
// the terminal, text around them survives, and --json output parses back to the raw message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stripTerminalEscapes, terminalSafeJson } from '../../src/cli/terminal-safe.js';

const ESC = '\x1b';
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

test('whole escape sequences are removed, the text around them kept', () => {
  const cases: [string, string][] = [
    [`${ESC}[31mred${ESC}[0m plain`, 'red plain'], // SGR colour
    [`${ESC}[2J${ESC}[H${ESC}[1;1Hforged`, 'forged'], // clear screen, move cursor
    [`${ESC}[?1049h alt screen`, ' alt screen'], // private mode
    [`${ESC}]0;pwned title\x07after`, 'after'], // OSC set title, BEL-terminated
    [`${ESC}]52;c;ZWNobyBoaQ==${ESC}\\clip`, 'clip'], // OSC 52 clipboard, ST-terminated
    [`${ESC}]8;;http://evil/${ESC}\\link${ESC}]8;;${ESC}\\`, 'link'], // hyperlink
    [`${ESC}P+q544e${ESC}\\dcs`, 'dcs'], // DCS query (answers back on some terminals)
    [`${ESC}_apc${ESC}\\x`, 'x'], // APC
    [`\x9b31mc1 csi`, 'c1 csi'], // 8-bit CSI
    [`\x9d0;t\x9cc1 osc`, 'c1 osc'], // 8-bit OSC, ST
    [`${ESC}7saved${ESC}8`, 'saved'], // save/restore cursor
    [`${ESC}(0box`, 'box'], // charset designation
    [`${ESC}c reset`, ' reset'], // full reset
    ['bell\x07 back\bspace del\x7f', 'bell backspace del'],
    // A record's own lines (a Python traceback joins them with \r) are shown as lines, once each.
    ['[ERROR] Exception: boom\rTraceback (most recent call last):\r\u00a0\u00a0File "/var/task/app.py"\r\n', '[ERROR] Exception: boom\nTraceback (most recent call last):\n\u00a0\u00a0File "/var/task/app.py"\n'],
    ['keeps\ttabs and\nnewlines', 'keeps\ttabs and\nnewlines'],
    ['unicode é ✓ 日本 stays', 'unicode é ✓ 日本 stays'],
    [`${ESC}]0;never terminated`, '0;never terminated'], // harmless once ESC is gone
    [`dangling ${ESC}`, 'dangling '],
  ];
  for (const [input, expected] of cases) assert.equal(stripTerminalEscapes(input), expected, JSON.stringify(input));
});

test('no input leaves a control character behind (fuzzed)', () => {
  const chars = fc.constantFrom(...'\x1b\x9b\x9d\x9c\x07\\[]P_^X;0123m?Hh \t\nab\r\x00\x7f\x85é'.split(''));
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 60 }), (parts) => {
      const out = stripTerminalEscapes(parts.join(''));
      assert.ok(!UNSAFE.test(out), JSON.stringify(out));
    }),
    { numRuns: 2000 },
  );
});

test('a long line of unfinished sequences is stripped', () => {
  const line = `${ESC}]`.repeat(100_000) + `${ESC}[`.repeat(100_000);
  assert.equal(UNSAFE.test(stripTerminalEscapes(line)), false);
});

test('--json output escapes C1 and DEL too, and parses back to the raw message', () => {
  const message = `${ESC}[31mred\x9b2J\x7f\x85 é`;
  const json = terminalSafeJson({ message });
  assert.ok(!UNSAFE.test(json), json);
  assert.deepEqual(JSON.parse(json), { message });
});
