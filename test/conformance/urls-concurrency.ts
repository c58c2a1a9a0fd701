// Function URL configs and reserved concurrency, as test_lambda_api's recordings of AWS show them.
import {
  CreateAliasCommand, CreateFunctionUrlConfigCommand, DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, PublishVersionCommand,
  PutFunctionConcurrencyCommand, UpdateFunctionUrlConfigCommand, waitUntilFunctionActiveV2, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createPython } from './lifecycle.js';
import { API, error, failure, invalid, type Expectation, type Scenario } from './recording.js';

const URLS = 'TestLambdaUrl::test_url_config_exceptions';
const PATTERN = '((?!^\\d+$)^[0-9a-zA-Z-_]+$)';
const qualifier = (q: string) => invalid('ValidationException', 400, `Value '${q}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}`);
const derived = error('InvalidParameterValueException', 400, 'The derived qualifier from the function name does not match the specified qualifier.');
const writeMissing = error('ResourceNotFoundException', 404, 'Function does not exist');
const readMissing = error('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
const wait = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

type Op = 'create' | 'get' | 'delete' | 'update';
const OPS: Op[] = ['create', 'get', 'delete', 'update'];
/** The recorded cases: name, the arguments (fn = the function, arn = its ARN) and AWS's answer per operation. */
const CASES: { id: string; args: (fn: string, arn: string) => { FunctionName: string; Qualifier?: string }; expect: (op: Op) => unknown }[] = [
  { id: 'name_doesnotexist', args: () => ({ FunctionName: 'doesnotexist' }), expect: (op) => (op === 'create' || op === 'update' ? writeMissing : readMissing) },
  { id: 'arn_doesnotexist', args: (fn, arn) => ({ FunctionName: arn.replace(fn, 'doesnotexist') }), expect: (op) => (op === 'create' || op === 'update' ? writeMissing : readMissing) },
  { id: 'name_doesnotexist_qualifier', args: () => ({ FunctionName: 'doesnotexist', Qualifier: '1' }), expect: () => qualifier('1') },
  { id: 'qualifier_version', args: (fn) => ({ FunctionName: fn, Qualifier: '1' }), expect: () => qualifier('1') },
  { id: 'qualifier_version_doesnotexist', args: (fn) => ({ FunctionName: fn, Qualifier: '2' }), expect: () => qualifier('2') },
  { id: 'qualifier_alias_doesnotexist', args: (fn) => ({ FunctionName: fn, Qualifier: 'v1' }), expect: (op) => (op === 'create' || op === 'update' ? writeMissing : readMissing) },
  // delete's answer to this one is an AWS internal failure in the recording: not a row.
  { id: 'qualifier_alias_doesnotmatch_arn', args: (fn) => ({ FunctionName: `${fn}:urlalias-doesnotmatch`, Qualifier: 'urlalias' }), expect: (op) => (op === 'delete' ? undefined : derived) },
  { id: 'qualifier_latest', args: (fn) => ({ FunctionName: fn, Qualifier: '$LATEST' }), expect: () => qualifier('$LATEST') },
  { id: 'config_doesnotexist', args: (fn) => ({ FunctionName: fn }), expect: (op) => (op === 'create' ? undefined : readMissing) },
];

function call(lambda: LambdaClient, op: Op, args: { FunctionName: string; Qualifier?: string }) {
  if (op === 'create') return lambda.send(new CreateFunctionUrlConfigCommand({ ...args, AuthType: 'NONE' }));
  if (op === 'get') return lambda.send(new GetFunctionUrlConfigCommand(args));
  if (op === 'delete') return lambda.send(new DeleteFunctionUrlConfigCommand(args));
  return lambda.send(new UpdateFunctionUrlConfigCommand({ ...args, AuthType: 'AWS_IAM' }));
}

export const functionUrls: Scenario = {
  name: 'function URL configs',
  expectations: CASES.flatMap((c) =>
    OPS.filter((op) => c.expect(op) !== undefined).map((op): Expectation => ({ id: `${op}-${c.id}`, source: [API, URLS, `${op}_function_url_config_${c.id}`], expect: c.expect(op) })),
  ),
  async run({ lambda, name, see }) {
    const fn = name(1);
    const arn = (await createPython(lambda, fn)).FunctionArn!;
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    await lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: 'urlalias', FunctionVersion: '1' }));
    for (const op of OPS) for (const c of CASES) if (c.expect(op) !== undefined) see(`${op}-${c.id}`, await failure(call(lambda, op, c.args(fn, arn))));
  },
};

const RESERVED = 'TestLambdaReservedConcurrency::test_function_concurrency_exceptions';

export const reservedConcurrency: Scenario = {
  name: 'reserved concurrency',
  expectations: [
    { id: 'put-missing-function', source: [API, RESERVED, 'put_function_concurrency_with_function_name_doesnotexist'], expect: error('ResourceNotFoundException', 404, 'Function not found: arn:<partition>:lambda:<region>:111111111111:function:doesnotexist:$LATEST') },
    { id: 'put-missing-function-invalid-value', source: [API, RESERVED, 'put_function_concurrency_with_function_name_doesnotexist_and_invalid_concurrency'], expect: error('ResourceNotFoundException', 404, 'Function not found: arn:<partition>:lambda:<region>:111111111111:function:doesnotexist:$LATEST') },
    {
      id: 'put-qualified-arn',
      source: [API, RESERVED, 'put_function_concurrency_with_qualified_arn'],
      expect: error('InvalidParameterValueException', 400, 'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.'),
    },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    const arn = (await createPython(lambda, fn)).FunctionArn!;
    const put = (FunctionName: string, ReservedConcurrentExecutions: number) => failure(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions })));
    see('put-missing-function', await put('doesnotexist', 1));
    see('put-missing-function-invalid-value', await put('doesnotexist', -1));
    see('put-qualified-arn', await put(`${arn}:$LATEST`, 1));
  },
};
