// Lambda's event filtering (FilterCriteria.Filters[].Pattern): EventBridge-style patterns matched
// against a record. A record passes when any filter matches. Patterns are checked once, when a
// mapping is created or updated (parseFilterCriteria), so the poller only ever calls matches().
import { invalidParameter } from '../../errors.js';

export type Pattern = { [key: string]: Pattern | Rule[] };
type Rule = null | string | number | boolean | Record<string, unknown>;

const MAX_FILTERS = 5;
const MAX_PATTERN_CHARS = 4096;
const OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'cidr', 'wildcard']);

const bad = (pattern: string, why: string) => invalidParameter(`Invalid filter pattern definition. ${why} (pattern: ${pattern.slice(0, 200)})`);

/** Checks FilterCriteria as Lambda takes it ({Filters: [{Pattern: "<json>"}]}) and returns the parsed patterns. */
export function parseFilterCriteria(criteria: unknown): Pattern[] {
  if (criteria === undefined || criteria === null) return [];
  if (typeof criteria !== 'object' || Array.isArray(criteria)) throw invalidParameter('FilterCriteria must be an object.');
  const filters = (criteria as { Filters?: unknown }).Filters;
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw invalidParameter('FilterCriteria.Filters must be a list.');
  if (filters.length > MAX_FILTERS) throw invalidParameter(`FilterCriteria.Filters may hold at most ${MAX_FILTERS} filters.`);
  return filters.map((f) => {
    const text = (f as { Pattern?: unknown } | null)?.Pattern;
    if (typeof text !== 'string' || text.length > MAX_PATTERN_CHARS) throw invalidParameter(`Each filter needs a Pattern: a JSON string of at most ${MAX_PATTERN_CHARS} characters.`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw bad(text, 'The pattern is not valid JSON.');
    }
    checkPattern(parsed, text);
    return parsed as Pattern;
  });
}

function checkPattern(p: unknown, text: string): void {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw bad(text, 'A pattern must be a JSON object.');
  for (const [key, value] of Object.entries(p)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw bad(text, '$or takes a list of at least two patterns.');
      value.forEach((v) => checkPattern(v, text));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw bad(text, `The list of ${key} is empty.`);
      value.forEach((rule) => checkRule(rule, text));
    } else {
      checkPattern(value, text);
    }
  }
}

function checkRule(rule: unknown, text: string): void {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return;
  if (typeof rule !== 'object' || Array.isArray(rule)) throw bad(text, 'A match value must be a string, number, boolean, null or an operator object.');
  const keys = Object.keys(rule as object);
  if (keys.length !== 1 || !OPERATORS.has(keys[0])) throw bad(text, `Unrecognized match type ${keys.join(',')}.`);
  const [op, arg] = [keys[0], (rule as Record<string, unknown>)[keys[0]]];
  if ((op === 'prefix' || op === 'suffix' || op === 'equals-ignore-case' || op === 'wildcard') && typeof arg !== 'string' && !(op !== 'equals-ignore-case' && isObject(arg))) {
    throw bad(text, `${op} match pattern must be a string.`);
  }
  if (op === 'exists' && typeof arg !== 'boolean') throw bad(text, 'exists match pattern must be either true or false.');
  if (op === 'numeric') {
    if (!Array.isArray(arg) || arg.length === 0 || arg.length > 4) throw bad(text, 'numeric takes one or two comparisons: [">", 0, "<=", 5].');
    for (let i = 0; i < arg.length; i += 2) {
      if (!['<', '<=', '=', '>', '>='].includes(arg[i]) || typeof arg[i + 1] !== 'number') throw bad(text, 'Bad numeric range operator.');
    }
  }
  if (op === 'anything-but' && !(['string', 'number'].includes(typeof arg) || Array.isArray(arg) || isObject(arg))) throw bad(text, 'anything-but takes a value, a list or {prefix|suffix}.');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when any of the patterns matches (no patterns: everything matches). */
export function matchesAny(patterns: readonly Pattern[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matches(p, record));
}

export function matches(pattern: Pattern, value: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as unknown as Pattern[]).some((p) => matches(p, value))) return false;
      continue;
    }
    const field = isObject(value) ? value[key] : undefined;
    const present = isObject(value) && key in value;
    if (Array.isArray(expected)) {
      if (!matchesRules(expected, field, present)) return false;
    } else if (!matches(expected, field)) {
      return false;
    }
  }
  return true;
}

/** A field's rules: a list of alternatives; an array-valued field matches when any element does. */
function matchesRules(rules: readonly Rule[], field: unknown, present: boolean): boolean {
  return rules.some((rule) => {
    if (isObject(rule) && 'exists' in rule) return rule.exists === (present && field !== undefined && !isObject(field));
    if (!present) return false;
    const values = Array.isArray(field) ? field : [field];
    if (isObject(rule) && 'anything-but' in rule) return values.every((v) => matchesRule(rule, v));
    return values.some((v) => matchesRule(rule, v));
  });
}

function matchesRule(rule: Rule, v: unknown): boolean {
  if (!isObject(rule)) return rule === v;
  const [op, arg] = Object.entries(rule)[0];
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && (isObject(arg) ? v.toLowerCase().startsWith(String(arg['equals-ignore-case']).toLowerCase()) : v.startsWith(arg as string));
    case 'suffix':
      return typeof v === 'string' && (isObject(arg) ? v.toLowerCase().endsWith(String(arg['equals-ignore-case']).toLowerCase()) : v.endsWith(arg as string));
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return typeof v === 'string' && wildcard(String(arg)).test(v);
    case 'numeric':
      return typeof v === 'number' && numeric(arg as (string | number)[], v);
    case 'anything-but':
      if (Array.isArray(arg)) return !arg.includes(v);
      if (isObject(arg)) {
        if ('prefix' in arg) return typeof v === 'string' && !v.startsWith(String(arg.prefix));
        if ('suffix' in arg) return typeof v === 'string' && !v.endsWith(String(arg.suffix));
        if ('equals-ignore-case' in arg) {
          const list = (Array.isArray(arg['equals-ignore-case']) ? arg['equals-ignore-case'] : [arg['equals-ignore-case']]).map((s) => String(s).toLowerCase());
          return typeof v === 'string' && !list.includes(v.toLowerCase());
        }
        return false;
      }
      return v !== arg;
    default:
      return false; // cidr: not for SQS bodies; no match rather than a guess
  }
}

function numeric(ops: (string | number)[], v: number): boolean {
  for (let i = 0; i < ops.length; i += 2) {
    const bound = ops[i + 1] as number;
    const ok = { '<': v < bound, '<=': v <= bound, '=': v === bound, '>': v > bound, '>=': v >= bound }[ops[i] as '<'];
    if (!ok) return false;
  }
  return true;
}

function wildcard(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}
