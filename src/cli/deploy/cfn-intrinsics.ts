// CloudFormation short forms for the yaml parser (`!Ref`, `!Sub`, `!GetAtt`, ...) and an evaluator
// for the common intrinsics: Ref, Fn::Sub (both forms), Fn::GetAtt, Fn::If with Conditions,
// Fn::Equals, Fn::Not/And/Or, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64.
import type { Tags } from 'yaml';
import { CliError, EXIT } from '../client.js';

const FUNCTIONS = ['Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap', 'Base64', 'ImportValue', 'GetAZs', 'Cidr', 'Length', 'ToJsonString'];

/** customTags for `yaml`: each short form in its scalar, sequence and map shapes. */
export const CFN_TAGS: Tags = [
  { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
  { tag: '!Condition', resolve: (v: string) => ({ Condition: v }) },
  ...FUNCTIONS.flatMap((name) => [
    // !GetAtt Fn.Arn is the scalar shorthand of [Fn, Arn].
    { tag: `!${name}`, resolve: (v: string) => ({ [`Fn::${name}`]: name === 'GetAtt' ? splitOnce(v) : v }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (v: any) => ({ [`Fn::${name}`]: v.toJSON() }) },
    { tag: `!${name}`, collection: 'map' as const, resolve: (v: any) => ({ [`Fn::${name}`]: v.toJSON() }) },
  ]),
] as Tags;

function splitOnce(v: string): string[] {
  const dot = v.indexOf('.');
  return dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)];
}

export interface IntrinsicContext {
  /** Value of Ref for a parameter, pseudo parameter or logical id. */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
  mappings: Record<string, any>;
  /** The project file, for messages (template.yaml unless said otherwise). */
  file?: string;
}

const fail = (ctx: IntrinsicContext, message: string): never => {
  throw new CliError(`${ctx.file ?? 'template.yaml'}: ${message}`, EXIT.usage);
};

function intrinsicName(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::')) ? keys[0] : undefined;
}

/** `${Name}`, `${Res.Attr}` and `${!Literal}` in a Fn::Sub string. */
function substitute(text: string, vars: Record<string, unknown>, ctx: IntrinsicContext): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return '${' + inner.slice(1) + '}';
    if (inner in vars) return String(vars[inner]);
    const dot = inner.indexOf('.');
    const value = dot < 0 ? ctx.ref(inner) : ctx.getAtt(inner.slice(0, dot), inner.slice(dot + 1));
    if (value === undefined) fail(ctx, `!Sub refers to \${${inner}}, which the template does not define.`);
    return String(value);
  });
}

export function evaluate(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const fn = intrinsicName(obj);
  if (!fn) return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, evaluate(v, ctx)]));
  const arg = obj[fn];
  const list = (n: number): unknown[] => {
    if (!Array.isArray(arg) || arg.length < n) fail(ctx, `${fn} needs a list of ${n} items.`);
    return arg as unknown[];
  };
  switch (fn) {
    case 'Ref': {
      if (arg === 'AWS::NoValue') return undefined;
      const v = ctx.ref(String(arg));
      if (v === undefined) fail(ctx, `!Ref ${String(arg)}: no parameter or resource has that name.`);
      return v;
    }
    case 'Condition':
      return ctx.condition(String(arg));
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, ctx);
      const [text, vars] = list(1);
      return substitute(String(evaluate(text, ctx)), (evaluate(vars ?? {}, ctx) ?? {}) as Record<string, unknown>, ctx);
    }
    case 'Fn::GetAtt': {
      const [id, attr] = (Array.isArray(arg) ? arg : splitOnce(String(arg))).map((v) => String(evaluate(v, ctx)));
      const v = ctx.getAtt(id, attr ?? '');
      if (v === undefined) fail(ctx, `!GetAtt ${id}.${attr}: Gust cannot tell that attribute.`);
      return v;
    }
    case 'Fn::If': {
      const [cond, yes, no] = list(3);
      const chosen = ctx.condition(String(cond)) ? yes : no;
      return isNoValue(chosen) ? undefined : evaluate(chosen, ctx);
    }
    case 'Fn::Equals': {
      const [a, b] = list(2).map((v) => evaluate(v, ctx));
      return String(a) === String(b);
    }
    case 'Fn::Not':
      return !evaluate(list(1)[0], ctx);
    case 'Fn::And':
      return list(1).every((v) => evaluate(v, ctx));
    case 'Fn::Or':
      return list(1).some((v) => evaluate(v, ctx));
    case 'Fn::Join': {
      const [sep, items] = list(2);
      const evaluated = evaluate(items, ctx);
      if (!Array.isArray(evaluated)) fail(ctx, '!Join needs a list of values.');
      return (evaluated as unknown[]).map(String).join(String(sep));
    }
    case 'Fn::Select': {
      const [index, items] = list(2);
      const evaluated = evaluate(items, ctx) as unknown[];
      const i = Number(evaluate(index, ctx));
      if (!Array.isArray(evaluated) || !(i >= 0 && i < evaluated.length)) fail(ctx, `!Select index ${i} is outside the list.`);
      return evaluated[i];
    }
    case 'Fn::Split': {
      const [sep, text] = list(2);
      return String(evaluate(text, ctx)).split(String(sep));
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = list(3).map((v) => String(evaluate(v, ctx)));
      const v = ctx.mappings?.[map]?.[top]?.[second];
      if (v === undefined) fail(ctx, `!FindInMap ${map}.${top}.${second} is not in Mappings.`);
      return v;
    }
    case 'Fn::Base64':
      return Buffer.from(String(evaluate(arg, ctx))).toString('base64');
    default:
      return fail(ctx, `${fn} is not supported by gust.`);
  }
}

/** `!Ref AWS::NoValue` removes the property it stands in. */
export function isNoValue(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { Ref?: unknown }).Ref === 'AWS::NoValue';
}

/** Evaluates a property map, dropping properties that are AWS::NoValue or an If that chose it. */
export function evaluateProperties(props: Record<string, unknown>, ctx: IntrinsicContext): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (isNoValue(v)) continue;
    const evaluated = evaluate(v, ctx);
    if (evaluated !== undefined) out[k] = evaluated;
  }
  return out;
}
