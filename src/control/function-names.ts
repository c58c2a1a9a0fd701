// FunctionName as Lambda accepts it: a name, `name:qualifier`, a partial ARN
// (`ACCOUNT:function:name`) or a full ARN, checked against this Gust's region and account.
// Lambda validates a name it looks up more loosely than one it creates (dots, `$LATEST.PUBLISHED`,
// no length limit reported: a longer name is simply not found); both patterns are AWS's own. A
// request path bounds how long a looked-up name can be.
import { GustError } from '../errors.js';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** The pattern of operations that look a function up (GetFunction, Invoke, DeleteFunction, …). */
const LOOKUP_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
/** The pattern of CreateFunction (and the older operations that kept it). */
const CREATE_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const LOOKUP = new RegExp(`^${LOOKUP_PATTERN}$`);
const CREATE = new RegExp(`^${CREATE_PATTERN}$`);
const QUALIFIER_PATTERN = '\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+';
const QUALIFIER = new RegExp(`^(${QUALIFIER_PATTERN})$`);
const MAX_CREATE_LENGTH = 140;

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

type Home = { region: string; accountId: string };

const shown = (value: string) => (value.length > 1024 ? `${value.slice(0, 1024)}…` : value);
const patternError = (value: string, field: string, pattern: string) =>
  `Value '${shown(value)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`;
const lengthError = (value: string, field: string, max: number) => `Value '${shown(value)}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;

/** AWS's ValidationException for one or more constraint failures, in its wording. */
export function validationErrors(errors: string[]): GustError {
  const head = errors.length === 1 ? '1 validation error detected: ' : `${errors.length} validation errors detected: `;
  return new GustError('ValidationException', head + errors.join('; '));
}

/** The Qualifier of a query string: AWS's pattern and 128 characters. */
export function qualifierErrors(qualifier: string | undefined): string[] {
  if (qualifier === undefined) return [];
  if (qualifier.length > 128) return [lengthError(qualifier, 'qualifier', 128)];
  if (qualifier.length === 0 || !QUALIFIER.test(qualifier)) return [patternError(qualifier, 'qualifier', QUALIFIER_PATTERN)];
  return [];
}

/** Splits a name or ARN that already matched a pattern; `null` for what names no function. */
function split(value: string): { name: string; qualifier?: string; region?: string; account?: string } {
  const parts = value.split(':');
  if (parts[0] === 'arn') {
    // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]; region and account may be absent.
    const rest = parts.slice(3);
    const region = /^((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d)$/.test(rest[0] ?? '') ? rest.shift() : undefined;
    const account = /^\d{12}$/.test(rest[0] ?? '') ? rest.shift() : undefined;
    if (rest[0] === 'function' && rest.length > 1) rest.shift();
    return { name: rest[0]!, qualifier: rest[1], region, account };
  }
  const account = /^\d{12}$/.test(parts[0]!) && parts.length > 1 ? parts.shift() : undefined;
  if (parts[0] === 'function' && parts.length > 1) parts.shift();
  return { name: parts[0]!, qualifier: parts[1], account };
}

function placed(value: string, home: Home, extraErrors: string[], use: 'lookup' | 'create'): FunctionRef {
  const errors = [...extraErrors];
  const create = use === 'create';
  if (create && value.length > MAX_CREATE_LENGTH) errors.push(lengthError(value, 'functionName', MAX_CREATE_LENGTH));
  if (value.length === 0 || !(create ? CREATE : LOOKUP).test(value)) errors.push(patternError(value, 'functionName', create ? CREATE_PATTERN : LOOKUP_PATTERN));
  if (errors.length > 0) throw validationErrors(errors);
  const { name, qualifier, region, account } = split(value);
  if (create && name.length > 64) {
    // AWS answers this one as InvalidParameterValueException, in the validation wording.
    throw new GustError('InvalidParameterValueException', `1 validation error detected: ${lengthError(name, 'functionName', 64)}`);
  }
  if (region !== undefined && region !== home.region) {
    throw new GustError('ResourceNotFoundException', `Functions from '${region}' are not reachable in this region ('${home.region}')`);
  }
  if (account !== undefined && account !== home.accountId) throw new GustError('AccessDeniedException', `The account ${account} is not this Gust's (${home.accountId}).`);
  return qualifier === undefined ? { name } : { name, qualifier };
}

/** A function named to be looked up; `qualifier` is a Qualifier parameter, validated with it. */
export function parseFunctionName(value: string, home: Home, qualifier?: string): FunctionRef {
  if (typeof value !== 'string') throw validationErrors([patternError(String(value), 'functionName', LOOKUP_PATTERN)]);
  return placed(value, home, qualifierErrors(qualifier), 'lookup');
}

/** CreateFunction's FunctionName: the stricter pattern, 140 characters, a name of 64. */
export function parseNewFunctionName(value: string, home: Home): FunctionRef {
  if (typeof value !== 'string') throw validationErrors([patternError(String(value), 'functionName', CREATE_PATTERN)]);
  return placed(value, home, [], 'create');
}

/** True when a looked-up name could be a function's (a longer or dotted one never is). */
export const isStorableName = (name: string) => NAME.test(name);

export const functionArn = (home: { region: string; accountId: string }, name: string, qualifier?: string) =>
  `arn:aws:lambda:${home.region}:${home.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
