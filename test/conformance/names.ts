// FunctionName and Qualifier validation of GetFunction, DeleteFunction, Invoke and CreateFunction,
// each case as AWS answered it in TestLambdaFunction::test_function_name_and_qualifier_validation.
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { API, error, failure, invalid, type Expectation, type Scenario } from './recording.js';

const LOOKUP =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
const CREATE = '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const QUALIFIER = '\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+';
const ARN = 'arn:<partition>:lambda:<region>:111111111111:function';
/** Gust's default account (config.ts). */
export const ACCOUNT = '000000000000';
const A = (n: number) => 'a'.repeat(n);

const pattern = (value: string, field: string, p: string) => `Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${p}`;
const length = (value: string, field: string, max: number) => `Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
const lookupName = (v: string) => invalid('ValidationException', 400, pattern(v, 'functionName', LOOKUP));
const createName = (v: string) => invalid('ValidationException', 400, pattern(v, 'functionName', CREATE));
const notFound = (what: string) => error('ResourceNotFoundException', 404, `Function not found: ${ARN}:${what}`);
const derived = error('InvalidParameterValueException', 400, 'The derived qualifier from the function name does not match the specified qualifier.');

type Op = 'get_function' | 'delete_function' | 'invoke' | 'create_function';
interface Case {
  id: string;
  /** {arn} stands for arn:aws:lambda:REGION:ACCOUNT:function, {acct} for the account, {region} for the region. */
  name: string;
  qualifier?: string;
  expect: Partial<Record<Op, unknown>>;
}

const masked = (v: string) => v.replace('{arn}', ARN).replace('{acct}', '111111111111').replace('{region}', '<region>').replace('arn:aws:', 'arn:<partition>:');

const CASES: Case[] = [
  { id: 'invalid_characters_in_function_name', name: 'my-function!', expect: { get_function: lookupName('my-function!'), delete_function: lookupName('my-function!'), invoke: lookupName('my-function!'), create_function: createName('my-function!') } },
  { id: 'function_name_is_single_invalid', name: '*', expect: { get_function: lookupName('*'), delete_function: lookupName('*'), invoke: lookupName('*'), create_function: createName('*') } },
  ...(() => {
    const q = invalid('ValidationException', 400, pattern('invalid!', 'qualifier', QUALIFIER));
    return [{ id: 'invalid_characters_in_qualifier', name: 'my-function', qualifier: 'invalid!', expect: { get_function: q, delete_function: q, invoke: q, create_function: createName('my-function:invalid!') } }];
  })(),
  ...(() => {
    const q = invalid('ValidationException', 400, length(A(129), 'qualifier', 128));
    return [{ id: 'qualifier_too_long', name: 'my-function', qualifier: A(129), expect: { get_function: q, delete_function: q, invoke: q, create_function: invalid('ValidationException', 400, length(`my-function:${A(129)}`, 'functionName', 140)) } }];
  })(),
  ...['invalid-account:function:my-function', 'arn:aws:lambda:invalid-region:{acct}:function:my-function', 'arn:aws:ec2:{region}:{acct}:instance:i-1234567890abcdef0'].map((name, i) => ({
    id: ['invalid_account_id_in_partial_arn', 'invalid_region_in_arn', 'non_lambda_arn'][i]!,
    name,
    expect: { get_function: lookupName(masked(name)), delete_function: lookupName(masked(name)), invoke: lookupName(masked(name)), create_function: createName(masked(name)) },
  })),
  {
    id: 'function_name_too_long',
    name: A(65),
    expect: { get_function: notFound(A(65)), delete_function: notFound(A(65)), invoke: notFound(`${A(65)}:$LATEST`), create_function: invalid('InvalidParameterValueException', 400, length(A(65), 'functionName', 64)) },
  },
  ...(() => {
    const name = `arn:aws:lambda:invalid-region:{acct}:function:my-function${A(170)}`;
    const m = masked(name);
    return [{ id: 'function_name_too_long_and_invalid_region', name, expect: { get_function: lookupName(m), delete_function: lookupName(m), invoke: lookupName(m), create_function: invalid('ValidationException', 400, length(m, 'functionName', 140), pattern(m, 'functionName', CREATE)) } }];
  })(),
  ...(() => {
    const name = `arn:aws:lambda:invalid-region:{acct}:function:my-function-${A(170)}`;
    const m = masked(name);
    const lookup = invalid('ValidationException', 400, length(A(129), 'qualifier', 128), pattern(m, 'functionName', LOOKUP));
    const c = `${m}:${A(129)}`;
    return [{ id: 'full_arn_and_qualifier_too_long_and_invalid_region', name, qualifier: A(129), expect: { get_function: lookup, delete_function: lookup, invoke: lookup, create_function: invalid('ValidationException', 400, length(c, 'functionName', 140), pattern(c, 'functionName', CREATE)) } }];
  })(),
  ...['{arn}:my-function:1:2', 'function:my-function:$LATEST:extra', 'arn:aws:lambda::{acct}:function:my-function', 'arn:aws:lambda:{region}::function:my-function', '{arn}:my-function:$LATES'].map((name, i) => ({
    id: ['full_arn_with_multiple_qualifiers', 'partial_arn_with_extra_qualifier', 'missing_region_in_arn', 'missing_account_id_in_arn', 'misspelled_latest_in_arn'][i]!,
    name,
    expect: { get_function: lookupName(masked(name)), delete_function: lookupName(masked(name)), invoke: lookupName(masked(name)), create_function: createName(masked(name)) },
  })),
  { id: 'incomplete_arn', name: 'arn:aws:lambda:{region}:{acct}:function', expect: { get_function: notFound('function'), delete_function: notFound('function'), invoke: notFound('function:$LATEST') } },
  { id: 'latest_version_with_additional_qualifier', name: '{arn}:my-function:$LATEST', qualifier: '1', expect: { get_function: derived, delete_function: derived, invoke: derived, create_function: createName(`${ARN}:my-function:$LATEST:1`) } },
  {
    id: 'lowercase_latest_qualifier',
    name: '{arn}:my-function',
    qualifier: '$latest',
    expect: { get_function: notFound('my-function:$latest'), delete_function: error('ResourceNotFoundException', 404, `Function not found: ${ARN}:my-function`), invoke: notFound('my-function:$latest'), create_function: createName(`${ARN}:my-function:$latest`) },
  },
];

const KEY = 'TestLambdaFunction::test_function_name_and_qualifier_validation';
const ENTRY: Record<Op, string> = { get_function: 'get_function_exception', delete_function: 'delete_function_exception', invoke: 'invoke_exception', create_function: 'create_function_exception' };

export const names: Scenario = {
  name: 'function name and qualifier validation',
  expectations: CASES.flatMap((c) =>
    Object.entries(c.expect).map(([op, expect]): Expectation => ({ id: `${c.id}-${op}`, source: [API, `${KEY}[${c.id}-${op}]`, ENTRY[op as Op]], expect })),
  ),
  async run({ gust, lambda, see }) {
    const zip = await fixtureZip('python-hello');
    for (const c of CASES) {
      const name = c.name.replace('{arn}', `arn:aws:lambda:${gust.region}:{acct}:function`).replace('{acct}', ACCOUNT).replace('{region}', gust.region);
      const q = c.qualifier === undefined ? {} : { Qualifier: c.qualifier };
      const calls: Record<Op, () => Promise<unknown>> = {
        get_function: () => lambda.send(new GetFunctionCommand({ FunctionName: name, ...q })),
        delete_function: () => lambda.send(new DeleteFunctionCommand({ FunctionName: name, ...q })),
        invoke: () => lambda.send(new InvokeCommand({ FunctionName: name, ...q })),
        create_function: () =>
          lambda.send(new CreateFunctionCommand({ FunctionName: c.qualifier === undefined ? name : `${name}:${c.qualifier}`, Runtime: 'python3.12', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: zip } })),
      };
      for (const op of Object.keys(c.expect) as Op[]) see(`${c.id}-${op}`, await failure(calls[op]()));
    }
  },
};

