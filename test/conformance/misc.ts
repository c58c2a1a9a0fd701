// Tags, environment size, create-time validation and Invoke, as the recordings of AWS show them.
import { CreateFunctionCommand, InvokeCommand, ListTagsCommand, TagResourceCommand, UntagResourceCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { createPython } from './lifecycle.js';
import { API, INVOKE, error, failure, invalid, type Scenario } from './recording.js';

const TAGS = 'TestLambdaTags::test_tag_exceptions';
const LIMITS = 'TestLambdaTags::test_tag_limits';
const CREATE = 'TestLambdaFunction::test_create_lambda_exceptions';
const tooMany = error('InvalidParameterValueException', 400, 'Number of tags exceeds resource tag limit.');
const tags = (n: number, prefix = '') => Object.fromEntries(Array.from({ length: n }, (_, k) => [`${prefix}${k}_key`, `${k}_value`]));
const wait = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

export const tagging: Scenario = {
  name: 'tags',
  expectations: [
    { id: 'tag-missing-function', source: [API, TAGS, 'tag_lambda_doesnotexist'], expect: error('ResourceNotFoundException', 404, 'Function not found: arn:<partition>:lambda:<region>:111111111111:function:doesnotexist') },
    { id: 'tag-qualified-arn', source: [API, TAGS, 'tag_lambda_qualifier_doesnotexist'], expect: error('InvalidParameterValueException', 400, 'Tags on function aliases and versions are not supported. Please specify a function ARN.') },
    { id: 'list-empty', source: [API, TAGS, 'list_tag_lambda_empty'], expect: {} },
    { id: 'untag-no-match', source: [API, TAGS, 'untag_nomatch'], expect: 204 },
    { id: 'tag-empty', source: [API, TAGS, 'tag_empty_tags'], expect: error('InvalidParameterValueException', 400, 'An error occurred and the request cannot be processed.') },
    { id: 'tag-51', source: [API, LIMITS, 'tag_lambda_too_many_tags'], expect: tooMany },
    { id: 'tag-50', source: [API, LIMITS, 'tag_response'], expect: 204 },
    { id: 'tag-one-more', source: [API, LIMITS, 'tag_lambda_too_many_tags_additional'], expect: tooMany },
    { id: 'create-51', source: [API, LIMITS, 'create_function_invalid_tags'], expect: tooMany },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    const arn = (await createPython(lambda, fn)).FunctionArn!;
    see('tag-missing-function', await failure(lambda.send(new TagResourceCommand({ Resource: arn.replace(fn, 'doesnotexist'), Tags: { a: 'b' } }))));
    see('tag-qualified-arn', await failure(lambda.send(new TagResourceCommand({ Resource: `${arn}:alias`, Tags: { a: 'b' } }))));
    see('list-empty', (await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags);
    see('untag-no-match', (await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['absent'] }))).$metadata.httpStatusCode);
    see('tag-empty', await failure(lambda.send(new TagResourceCommand({ Resource: arn, Tags: {} }))));
    see('tag-51', await failure(lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags(51) }))));
    see('tag-50', (await lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags(50) }))).$metadata.httpStatusCode);
    see('tag-one-more', await failure(lambda.send(new TagResourceCommand({ Resource: arn, Tags: { a_key: 'a_value' } }))));
    see('create-51', await failure(createPython(lambda, name(2), { Tags: tags(51) })));
  },
};

export const creating: Scenario = {
  name: 'create-time validation',
  expectations: [
    { id: 'invalid-role', source: [API, CREATE, 'invalid_role_arn_exc'], expect: invalid('ValidationException', 400, "Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+") },
    { id: 'invalid-runtime', source: [API, CREATE, 'invalid_runtime_exc'], expect: { Code: 'InvalidParameterValueException', Status: 400, startsWith: "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [" }, differs: 'Gust lists the runtimes this machine can run, not all of Lambda\'s' },
    { id: 'two-architectures', source: [API, CREATE, 'multiple_architectures'], expect: invalid('ValidationException', 400, "Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1") },
    { id: 'uppercase-architecture', source: [API, CREATE, 'uppercase_architecture'], expect: invalid('ValidationException', 400, "Value '[X86_64]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]") },
    { id: 'invalid-zip', source: [API, CREATE, 'invalid_zip_exc'], expect: error('InvalidParameterValueException', 400, 'Could not unzip uploaded file. Please check your file, then try to upload again.') },
    { id: 'environment-4kb', source: [API, 'TestLambdaSizeLimits::test_large_environment_fails_multiple_keys', 'failured_create_fn_result_multi_key'], expect: { Code: 'InvalidParameterValueException', measured: true } },
  ],
  async run({ lambda, name, see }) {
    const base = { FunctionName: name(1), Runtime: 'python3.12' as const, Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: await fixtureZip('python-hello') } };
    const create = (extra: Record<string, unknown>) => failure(lambda.send(new CreateFunctionCommand({ ...base, ...extra } as never)));
    see('invalid-role', await create({ Role: 'r1' }));
    const runtime = (await create({ Runtime: 'non-existent-runtime' })) as { Code: string; Status: number; Message: string };
    const prefix = "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [";
    see('invalid-runtime', { Code: runtime.Code, Status: runtime.Status, ...(runtime.Message?.startsWith(prefix) ? { startsWith: prefix } : { Message: runtime.Message }) });
    see('two-architectures', await create({ Architectures: ['x86_64', 'arm64'] }));
    see('uppercase-architecture', await create({ Architectures: ['X86_64'] }));
    see('invalid-zip', await create({ Code: { ZipFile: Buffer.from('not a zip') } }));
    const variables = { SMALL_VAR: 'ok', LARGE_VAR: 'x'.repeat(4096) };
    const env = (await create({ Environment: { Variables: variables } })) as { Code: string; Message: string };
    see('environment-4kb', { Code: env.Code, measured: env.Message?.endsWith(`exceeded the 4KB limit. String measured: ${JSON.stringify(variables)}`) });
  },
};

export const invoking: Scenario = {
  name: 'invoke',
  expectations: [
    { id: 'missing-function', source: [INVOKE, 'TestLambdaFeatures::test_invoke_exceptions', 'invoke_function_doesnotexist'], expect: error('ResourceNotFoundException', 404, 'Function not found: arn:<partition>:lambda:<region>:111111111111:function:doesnotexist:$LATEST') },
    { id: 'log-tail-lines', source: [INVOKE, 'TestLambdaFeatures::test_invocation_with_qualifier', 'log_result'], expect: { startsWithStart: true, hasInitStart: false, hasEnd: true, hasFunctionLine: true } },
    { id: 'dry-run', source: [INVOKE, 'TestLambdaFeatures::test_invocation_type_dry_run[python3.10]', 'invoke-result'], expect: 204 },
    { id: 'event', source: [INVOKE, 'TestLambdaFeatures::test_invocation_type_event[python3.10]', 'invoke-result'], expect: 202 },
    { id: 'handler-error', source: [INVOKE, 'TestLambdaErrors::test_lambda_handler_error', 'invocation_error'], expect: { FunctionError: 'Unhandled', ExecutedVersion: '$LATEST', StatusCode: 200 } },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    see('missing-function', await failure(lambda.send(new InvokeCommand({ FunctionName: 'doesnotexist' }))));
    await createPython(lambda, fn);
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    const tail = await lambda.send(new InvokeCommand({ FunctionName: fn, LogType: 'Tail', Payload: Buffer.from('{"name":"x"}') }));
    const lines = Buffer.from(tail.LogResult ?? '', 'base64').toString('utf8').split('\n');
    see('log-tail-lines', { startsWithStart: lines[0]!.startsWith('START RequestId: '), hasInitStart: lines.some((l) => l.startsWith('INIT_START')), hasEnd: lines.some((l) => l.startsWith('END RequestId: ')), hasFunctionLine: lines.some((l) => l.includes('hello from python')) });
    see('dry-run', (await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'DryRun' }))).StatusCode);
    see('event', (await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{}') }))).StatusCode);
    const errorFn = name(2);
    await lambda.send(new CreateFunctionCommand({ FunctionName: errorFn, Runtime: 'python3.12', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: await fixtureZip('python-error') } }));
    const failed = await lambda.send(new InvokeCommand({ FunctionName: errorFn, Payload: Buffer.from('{}') }));
    see('handler-error', { FunctionError: failed.FunctionError, ExecutedVersion: failed.ExecutedVersion, StatusCode: failed.StatusCode });
  },
};
