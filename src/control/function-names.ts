// FunctionName as Lambda accepts it: a name, `name:qualifier`, a partial ARN
// (`ACCOUNT:function:name`) or a full ARN, checked against this Gust's region and account.
import { GustError } from '../errors.js';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
const FULL_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([^:]+)(?::([^:]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

function validationError(value: string): GustError {
  const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return new GustError(
    'ValidationException',
    `1 validation error detected: Value '${shown}' at 'functionName' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
  );
}

export function parseFunctionName(value: string, home: { region: string; accountId: string }): FunctionRef {
  if (typeof value !== 'string' || value.length === 0 || value.length > 170) throw validationError(String(value));
  let name: string;
  let qualifier: string | undefined;
  let account = home.accountId;
  let region = home.region;
  const full = FULL_ARN.exec(value);
  const partial = full ? null : PARTIAL_ARN.exec(value);
  if (full) [, region, account, name, qualifier] = full;
  else if (partial) [, account, name, qualifier] = partial;
  else [name, qualifier] = value.split(':', 3).length <= 2 ? (value.split(':') as [string, string?]) : [value];
  if (!NAME.test(name) || (qualifier !== undefined && !QUALIFIER.test(qualifier))) throw validationError(value);
  if (account !== home.accountId || region !== home.region) {
    throw new GustError('ResourceNotFoundException', `Function not found: ${value}`);
  }
  return qualifier === undefined ? { name } : { name, qualifier };
}

export const functionArn = (home: { region: string; accountId: string }, name: string, qualifier?: string) =>
  `arn:aws:lambda:${home.region}:${home.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
