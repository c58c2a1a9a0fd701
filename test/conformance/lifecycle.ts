// States, versions, listings and account figures, as test_lambda_api's recordings of AWS show them.
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetAccountSettingsCommand, GetFunctionCommand, ListFunctionsCommand,
  ListVersionsByFunctionCommand, PublishVersionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { API, error, failure, pick, type Scenario } from './recording.js';

const ROLE = 'arn:aws:iam::000000000000:role/conformance';
const STATE = ['State', 'StateReason', 'StateReasonCode', 'LastUpdateStatus', 'LastUpdateStatusReason', 'LastUpdateStatusReasonCode'];
const wait = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

export async function createPython(lambda: LambdaClient, name: string, extra: Record<string, unknown> = {}) {
  return lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Role: ROLE, Code: { ZipFile: await fixtureZip('python-hello') }, ...extra }));
}

const LIFE = 'TestLambdaFunction::test_function_lifecycle';
const VERS = 'TestLambdaVersions::test_version_lifecycle';

export const lifecycle: Scenario = {
  name: 'function lifecycle and states',
  expectations: [
    { id: 'create-state', source: [API, LIFE, 'create_response'], expect: { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' } },
    { id: 'create-status', source: [API, LIFE, 'create_response'], expect: 201 },
    { id: 'create-runtime-version', source: [API, LIFE, 'create_response'], expect: true },
    { id: 'create-arn-unqualified', source: [API, LIFE, 'create_response'], expect: 'arn:<partition>:lambda:<region>:111111111111:function:<fn:1>' },
    { id: 'active-after-create', source: [API, LIFE, 'get_function_response'], expect: { State: 'Active', LastUpdateStatus: 'Successful' } },
    { id: 'revision-changes-on-activation', source: [API, LIFE, 'get_function_response'], expect: true },
    { id: 'update-config-state', source: [API, LIFE, 'update_func_conf_response'], expect: { State: 'Active', LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' } },
    { id: 'updated-after-config', source: [API, LIFE, 'get_function_response_postupdate'], expect: { State: 'Active', LastUpdateStatus: 'Successful' } },
    { id: 'update-code-state', source: [API, LIFE, 'update_code_response'], expect: { State: 'Active', LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' } },
    { id: 'updated-after-code', source: [API, LIFE, 'get_function_response_postcodeupdate'], expect: { State: 'Active', LastUpdateStatus: 'Successful' } },
    { id: 'get-code-repository', source: [API, LIFE, 'get_function_response'], expect: 'S3' },
    { id: 'delete-status', source: [API, LIFE, 'delete_response'], expect: 204 },
    { id: 'get-after-delete', source: [API, LIFE, 'delete_postdelete'], expect: error('ResourceNotFoundException', 404, 'Function not found: arn:<partition>:lambda:<region>:111111111111:function:<fn:1>') },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    const created = await createPython(lambda, fn, { MemorySize: 256, Timeout: 5 });
    see('create-state', pick(created, STATE));
    see('create-status', created.$metadata.httpStatusCode);
    see('create-runtime-version', typeof created.RuntimeVersionConfig?.RuntimeVersionArn === 'string');
    see('create-arn-unqualified', created.FunctionArn);
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    const active = await lambda.send(new GetFunctionCommand({ FunctionName: fn }));
    see('active-after-create', pick(active.Configuration!, STATE));
    see('revision-changes-on-activation', active.Configuration!.RevisionId !== created.RevisionId);
    see('get-code-repository', active.Code?.RepositoryType);
    const conf = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Description: 'Changed-Description', Environment: { Variables: { ENV_A: 'a' } } }));
    see('update-config-state', pick(conf, STATE));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...wait }, { FunctionName: fn });
    see('updated-after-config', pick((await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration!, STATE));
    const code = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: await fixtureZip('python-error') }));
    see('update-code-state', pick(code, STATE));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...wait }, { FunctionName: fn });
    see('updated-after-code', pick((await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration!, STATE));
    see('delete-status', (await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }))).$metadata.httpStatusCode);
    see('get-after-delete', await failure(lambda.send(new GetFunctionCommand({ FunctionName: fn }))));
  },
};

export const versions: Scenario = {
  name: 'versions',
  expectations: [
    { id: 'list-latest-arn', source: [API, VERS, 'list_versions_result'], expect: 'arn:<partition>:lambda:<region>:111111111111:function:<fn:1>:$LATEST' },
    { id: 'list-entry-fields', source: [API, VERS, 'list_versions_result'], expect: { hasState: false, hasLastUpdateStatus: false, hasRuntimeVersionConfig: false } },
    { id: 'publish-1', source: [API, VERS, 'first_publish_response'], expect: { Version: '1', FunctionArn: 'arn:<partition>:lambda:<region>:111111111111:function:<fn:1>:1', State: 'Active', LastUpdateStatus: 'Successful', Description: 'First version description :)' } },
    { id: 'publish-status', source: [API, VERS, 'first_publish_response'], expect: 201 },
    { id: 'version-keeps-revision', source: [API, VERS, 'first_publish_get_function_config'], expect: true },
    { id: 'config-only-change-publishes', source: [API, VERS, 'second_publish_response'], expect: { Version: '2', Description: 'Second version :))' } },
    { id: 'unchanged-publish-returns-last', source: [API, VERS, 'third_publish_response'], expect: { Version: '2', sameRevision: true } },
    { id: 'publish-changes-latest-revision', source: [API, VERS, 'list_versions_result_after_third_publish'], expect: true },
    { id: 'list-after-delete', source: [API, VERS, 'list_versions_result_after_deletion_of_first_version'], expect: ['$LATEST', '2'] },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    await createPython(lambda, fn, { Description: 'No version :(' });
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    const listed = (await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: fn }))).Versions!;
    see('list-latest-arn', listed[0]?.FunctionArn);
    see('list-entry-fields', { hasState: 'State' in listed[0]!, hasLastUpdateStatus: 'LastUpdateStatus' in listed[0]!, hasRuntimeVersionConfig: 'RuntimeVersionConfig' in listed[0]! });
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Description: 'First version :)' }));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...wait }, { FunctionName: fn });
    const first = await lambda.send(new PublishVersionCommand({ FunctionName: fn, Description: 'First version description :)' }));
    see('publish-1', pick(first, ['Version', 'FunctionArn', 'State', 'LastUpdateStatus', 'Description']));
    see('publish-status', first.$metadata.httpStatusCode);
    const firstConfig = await lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: '1' }));
    see('version-keeps-revision', firstConfig.Configuration!.RevisionId === first.RevisionId);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Description: 'Second version :))' }));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...wait }, { FunctionName: fn });
    const before = (await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration!.RevisionId;
    const second = await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    see('config-only-change-publishes', pick(second, ['Version', 'Description']));
    const third = await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    see('unchanged-publish-returns-last', { Version: third.Version, sameRevision: third.RevisionId === second.RevisionId });
    const after = (await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration!.RevisionId;
    see('publish-changes-latest-revision', before !== after);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: fn, Qualifier: '1' }));
    see('list-after-delete', (await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: fn }))).Versions!.map((v) => v.Version));
  },
};

const LIST = 'TestLambdaFunction::test_list_functions';
const SIZE = 'TestLambdaAccountSettings::test_account_settings_total_code_size_config_update';

export const listings: Scenario = {
  name: 'ListFunctions and account settings',
  expectations: [
    { id: 'create-publish-version', source: [API, LIST, 'create_response_1'], expect: { Version: '1', State: 'Pending' } },
    { id: 'invalid-function-version', source: [API, LIST, 'list_functions_invalid_functionversion'], expect: { Code: 'ValidationException', Status: 400, Errors: ["Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]"] } },
    { id: 'list-all', source: [API, LIST, 'list_all'], expect: ['arn:<partition>:lambda:<region>:111111111111:function:<fn:1>:$LATEST', 'arn:<partition>:lambda:<region>:111111111111:function:<fn:1>:1', 'arn:<partition>:lambda:<region>:111111111111:function:<fn:2>:$LATEST'] },
    { id: 'list-default', source: [API, LIST, 'list_default'], expect: ['arn:<partition>:lambda:<region>:111111111111:function:<fn:1>', 'arn:<partition>:lambda:<region>:111111111111:function:<fn:2>'] },
    { id: 'list-entry-no-state', source: [API, LIST, 'list_default'], expect: false },
    { id: 'code-size-create', source: [API, SIZE, 'is_total_code_size_diff_create_function_more_than_200'], expect: true },
    { id: 'code-size-config-update', source: [API, SIZE, 'total_code_size_diff_update_function_configuration'], expect: 0 },
    { id: 'code-size-publish', source: [API, SIZE, 'is_total_code_size_diff_publish_version_after_config_update_more_than_200'], expect: true },
  ],
  async run({ lambda, name, see }) {
    const [one, two] = [name(1), name(2)];
    const created = await createPython(lambda, one, { Publish: true });
    see('create-publish-version', pick(created, ['Version', 'State']));
    await createPython(lambda, two);
    see('invalid-function-version', await failure(lambda.send(new ListFunctionsCommand({ FunctionVersion: 'invalid' as never }))));
    const all = [];
    for (let marker: string | undefined; ; ) {
      const page = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 1, Marker: marker }));
      all.push(...page.Functions!);
      if (!(marker = page.NextMarker)) break;
    }
    see('list-all', all.filter((f) => [one, two].includes(f.FunctionName!)).map((f) => f.FunctionArn));
    const plain = (await lambda.send(new ListFunctionsCommand({}))).Functions!.filter((f) => [one, two].includes(f.FunctionName!));
    see('list-default', plain.map((f) => f.FunctionArn));
    see('list-entry-no-state', 'State' in plain[0]!);
    const total = async () => (await lambda.send(new GetAccountSettingsCommand({}))).AccountUsage!.TotalCodeSize!;
    const start = await total();
    const three = name(3);
    await createPython(lambda, three);
    const afterCreate = await total();
    see('code-size-create', afterCreate - start > 200);
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: three });
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: three, Timeout: 10 }));
    const afterUpdate = await total();
    see('code-size-config-update', afterUpdate - afterCreate);
    await waitUntilFunctionUpdatedV2({ client: lambda, ...wait }, { FunctionName: three });
    await lambda.send(new PublishVersionCommand({ FunctionName: three }));
    see('code-size-publish', (await total()) - afterUpdate > 200);
  },
};
