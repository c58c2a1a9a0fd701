// Serverless Framework v3 variables: ${self:a.b}, ${env:VAR, default}, ${opt:stage}, ${sls:stage},
// ${file(./x.yml):key}, fallbacks and nesting (innermost first, as the Framework resolves them).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CliError, EXIT } from '../client.js';

export interface VariableSources {
  /** The raw configuration, for ${self:...}. */
  self: Record<string, unknown>;
  options: Record<string, string | undefined>;
  stage: string;
  region: string;
  accountId: string;
  env: NodeJS.ProcessEnv;
  dir: string;
}

const INNERMOST = /\$\{([^${}]*)\}/;
const WHOLE = /^\$\{([^${}]*)\}$/;
const MAX_DEPTH = 20;

function dig(value: unknown, address: string): unknown {
  if (address === '') return value;
  let current = value;
  for (const key of address.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function readFileSource(src: VariableSources, file: string): unknown {
  const full = path.resolve(src.dir, file.trim().replace(/^['"]|['"]$/g, ''));
  if (!fs.existsSync(full)) return undefined;
  const text = fs.readFileSync(full, 'utf8');
  return /\.json$/i.test(full) ? JSON.parse(text) : YAML.parse(text);
}

/** One reference without fallbacks: `self:a.b`, `env:X`, `'literal'`, 42. */
function lookup(src: VariableSources, ref: string, depth: number): unknown {
  const r = ref.trim();
  if (/^(['"]).*\1$/s.test(r)) return r.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(r)) return Number(r);
  if (r === 'true' || r === 'false') return r === 'true';
  const file = /^file\((.+?)\)(?::(.*))?$/.exec(r);
  if (file) return resolveValue(src, dig(readFileSource(src, file[1]), file[2] ?? ''), depth + 1);
  const m = /^(\w+):(.*)$/.exec(r);
  if (!m) return r; // A bare word in a fallback is a literal.
  const [, source, address] = m;
  switch (source) {
    case 'self':
      return resolveValue(src, dig(src.self, address), depth + 1);
    case 'env':
      return src.env[address];
    case 'opt':
      return src.options[address];
    case 'sls':
      if (address === 'stage') return src.stage;
      if (address === 'instanceId') return 'gust';
      return undefined;
    case 'aws':
      if (address === 'region') return src.region;
      if (address === 'accountId') return src.accountId;
      return undefined;
    default:
      throw new CliError(`serverless.yml: the variable source '${source}:' is not supported by gust (use self, env, opt, sls, aws or file).`, EXIT.usage);
  }
}

/** `a, b, 'c'`: the first that resolves; commas inside quotes or parentheses do not split. */
function resolveReference(src: VariableSources, body: string, depth: number): unknown {
  const parts: string[] = [];
  let current = '';
  let quote = '';
  let parens = 0;
  for (const ch of body) {
    if (quote) quote = ch === quote ? '' : quote;
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') parens++;
    else if (ch === ')') parens--;
    else if (ch === ',' && parens === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  for (const part of parts) {
    const value = lookup(src, part, depth);
    if (value !== undefined && value !== null) return value;
  }
  throw new CliError(`serverless.yml: the variable \${${body.trim()}} has no value and no fallback.`, EXIT.usage);
}

function resolveString(src: VariableSources, text: string, depth: number): unknown {
  let s = text;
  for (let i = 0; i < 200; i++) {
    const whole = WHOLE.exec(s);
    // A string that is one variable takes the value's type (a number, a map from a file).
    if (whole) return resolveReference(src, whole[1], depth);
    const m = INNERMOST.exec(s);
    if (!m) return s;
    const value = resolveReference(src, m[1], depth);
    s = s.slice(0, m.index) + (typeof value === 'object' ? JSON.stringify(value) : String(value)) + s.slice(m.index + m[0].length);
  }
  throw new CliError(`serverless.yml: variables in '${text.slice(0, 80)}' do not settle.`, EXIT.usage);
}

/** Resolves every variable in a value, recursively. */
export function resolveValue(src: VariableSources, value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new CliError('serverless.yml: variables refer to each other in a cycle.', EXIT.usage);
  if (typeof value === 'string') return value.includes('${') ? resolveString(src, value, depth) : value;
  if (Array.isArray(value)) return value.map((v) => resolveValue(src, v, depth));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(src, v, depth)]));
  return value;
}
