// Makes text a function wrote safe to print on the operator's terminal. Function output is
// hostile input: escape sequences in it could recolour or clear the screen, move the cursor to
// forge or hide lines, set the window title, write the clipboard (OSC 52) or, on some terminals,
// answer back into the shell. ECMA-48 says how each sequence ends, so whole sequences are removed,
// then every control character left, except tab and newline. A carriage return becomes a newline:
// Lambda's runtimes end the lines inside one log record (a traceback) with \r so that the record
// stays one event, and CloudWatch shows them as lines; a \r can then no longer overprint a line.

/** ESC- or C1-introduced sequences, longest forms first. */
const SEQUENCES = new RegExp(
  [
    // OSC, DCS, SOS, PM, APC strings: up to BEL or ST (ESC \ or 0x9C).
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)',
    // CSI: parameters, intermediates, one final byte.
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]',
    // Any other escape sequence: intermediates and one final byte.
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]',
  ].join('|'),
  'g',
);

/** C0 controls but tab and newline, DEL, and C1 controls (what is left of unfinished sequences). */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function stripTerminalEscapes(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(SEQUENCES, '').replace(CONTROLS, '');
}

/**
 * JSON that is safe on a terminal and parses back to the same value: JSON.stringify already
 * escapes C0 controls, but not DEL or the C1 range (0x9b is a CSI on some terminals).
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
