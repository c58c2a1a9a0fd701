// CloudWatch Logs filter patterns for unstructured text: terms that must all appear
// (`ERROR timeout`), quoted phrases (`"Task timed out"`), optional terms of which one must appear
// (`?ERROR ?WARN`) and excluded terms (`-DEBUG`). Matching is case-sensitive, as on AWS.

export interface FilterPattern {
  all: string[];
  any: string[];
  none: string[];
}

export function parseFilterPattern(text: string): FilterPattern {
  const pattern: FilterPattern = { all: [], any: [], none: [] };
  const tokens = text.match(/[?-]?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  for (const token of tokens) {
    const sigil = token[0] === '?' || token[0] === '-' ? token[0] : '';
    let term = token.slice(sigil.length);
    if (term.startsWith('"') && term.endsWith('"') && term.length >= 2) term = term.slice(1, -1).replace(/\\(.)/g, '$1');
    if (term === '') continue;
    (sigil === '?' ? pattern.any : sigil === '-' ? pattern.none : pattern.all).push(term);
  }
  return pattern;
}

export function matchesFilterPattern(p: FilterPattern, message: string): boolean {
  return (
    p.all.every((t) => message.includes(t)) &&
    (p.any.length === 0 || p.any.some((t) => message.includes(t))) &&
    !p.none.some((t) => message.includes(t))
  );
}
