// Aliases and routing configurations, as TestLambdaAlias's recordings of AWS show them.
import { CreateAliasCommand, DeleteAliasCommand, GetAliasCommand, GetFunctionCommand, ListAliasesCommand, PublishVersionCommand, UpdateAliasCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { createPython } from './lifecycle.js';
import { API, error, failure, invalid, type Scenario } from './recording.js';

const ROUTING = 'TestLambdaAlias::test_notfound_and_invalid_routingconfigs';
const LIFE = 'TestLambdaAlias::test_alias_lifecycle';
const ARN = 'arn:<partition>:lambda:<region>:111111111111:function:<fn:1>';
const weights = (value: string, rule: string) => `Value '${value}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: ${rule}`;
const VALUE_RULE = 'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]';
const wait = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

export const aliases: Scenario = {
  name: 'aliases',
  expectations: [
    { id: 'too-many-weights', source: [API, ROUTING, 'routing_config_exc_toomany'], expect: error('InvalidParameterValueException', 400, 'Number of items in AdditionalVersionWeights cannot be greater than 1') },
    { id: 'weight-too-high', source: [API, ROUTING, 'routing_config_exc_toohigh'], expect: invalid('ValidationException', 400, weights('{2=2.0}', VALUE_RULE)) },
    { id: 'weight-below-zero', source: [API, ROUTING, 'routing_config_exc_subzero'], expect: invalid('ValidationException', 400, weights('{2=-1.0}', VALUE_RULE)) },
    { id: 'same-version-weighted', source: [API, ROUTING, 'routing_config_exc_sameversion'], expect: error('InvalidParameterValueException', 400, 'Invalid function version 1. Function version 1 is already included in routing configuration.') },
    { id: 'target-version-missing', source: [API, ROUTING, 'target_version_doesnotexist'], expect: error('ResourceNotFoundException', 404, `Function not found: ${ARN}:10`) },
    { id: 'weighted-version-missing', source: [API, ROUTING, 'routing_config_exc_version_doesnotexist'], expect: error('ResourceNotFoundException', 404, `Function not found: ${ARN}:10`) },
    { id: 'latest-with-weights', source: [API, ROUTING, 'target_version_exc_version_latest'], expect: error('InvalidParameterValueException', 400, '$LATEST is not supported for an alias pointing to more than 1 version') },
    {
      id: 'latest-as-weighted-key',
      source: [API, ROUTING, 'routing_config_exc_version_latest'],
      expect: invalid('ValidationException', 400, weights('{$LATEST=0.5}', 'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]')),
    },
    { id: 'alias-to-latest', source: [API, ROUTING, 'create-alias-latest'], expect: { FunctionVersion: '$LATEST', AliasArn: `${ARN}:custom-latest`, Description: '' } },
    { id: 'function-missing', source: [API, ROUTING, 'routing_config_exc_fn_doesnotexist'], expect: error('ResourceNotFoundException', 404, 'Function not found: arn:<partition>:lambda:<region>:111111111111:function:<fn:1>-unknown:1') },
    { id: 'empty-routing-config', source: [API, ROUTING, 'create_alias_empty_routingconfig'], expect: { hasRoutingConfig: false, status: 201 } },
    { id: 'weighted-alias', source: [API, ROUTING, 'create_alias_response'], expect: { AdditionalVersionWeights: { 2: 0.5 } } },
    { id: 'alias-exists', source: [API, ROUTING, 'routing_config_exc_already_exist'], expect: error('ResourceConflictException', 409, `Alias already exists: ${ARN}:custom`) },
    { id: 'get-missing-alias', source: [API, ROUTING, 'alias_does_not_exist_esc'], expect: error('ResourceNotFoundException', 404, `Cannot find alias arn: ${ARN}:non-existent`) },
    { id: 'get-function-via-alias', source: [API, LIFE, 'get_function_alias_1_1'], expect: `${ARN}:custom` },
    { id: 'get-function-via-alias-arn', source: [API, LIFE, 'get_function_byarn_alias_1_1'], expect: `${ARN}:custom` },
    { id: 'get-function-missing-alias', source: [API, LIFE, 'get_function_alias_notfound_exc'], expect: error('ResourceNotFoundException', 404, `Function not found: ${ARN}:aliasdoesnotexist`) },
    { id: 'list-aliases-for-version', source: [API, LIFE, 'list_aliases_for_version'], expect: ['custom', 'custom-empty-routingconfig'] },
    { id: 'numeric-alias-name', source: [API, 'TestLambdaAlias::test_alias_naming', 'create_alias_number_exception'], expect: invalid('ValidationException', 400, "Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)") },
    { id: 'date-alias-name', source: [API, 'TestLambdaAlias::test_alias_naming', 'create_alias_date'], expect: { Name: '2024-01-02', status: 201 } },
    { id: 'delete-missing-alias', source: [API, 'TestLambdaAlias::test_non_existent_alias_deletion', 'delete_alias_response'], expect: 204 },
    { id: 'update-missing-alias', source: [API, 'TestLambdaAlias::test_non_existent_alias_update', 'update_alias_response'], expect: error('ResourceNotFoundException', 404, `Alias not found: ${ARN}:non-existent`) },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    await createPython(lambda, fn, { Environment: { Variables: { testenv: 'staging' } } });
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { testenv: 'prod' } } }));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...wait }, { FunctionName: fn });
    await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    const alias = (Name: string, FunctionVersion: string, AdditionalVersionWeights?: Record<string, number>, FunctionName = fn) =>
      lambda.send(new CreateAliasCommand({ FunctionName, Name, FunctionVersion, ...(AdditionalVersionWeights ? { RoutingConfig: { AdditionalVersionWeights } } : {}) }));
    see('too-many-weights', await failure(alias('custom', '1', { 1: 0.8, 2: 0.2 })));
    see('weight-too-high', await failure(alias('custom', '1', { 2: 2 })));
    see('weight-below-zero', await failure(alias('custom', '1', { 2: -1 })));
    see('same-version-weighted', await failure(alias('custom', '1', { 1: 0.5 })));
    see('target-version-missing', await failure(alias('custom', '10', { 2: 0.5 })));
    see('weighted-version-missing', await failure(alias('custom', '1', { 10: 0.5 })));
    see('latest-with-weights', await failure(alias('custom', '$LATEST', { 1: 0.5 })));
    see('latest-as-weighted-key', await failure(alias('custom', '1', { $LATEST: 0.5 })));
    const latest = await alias('custom-latest', '$LATEST');
    see('alias-to-latest', { FunctionVersion: latest.FunctionVersion, AliasArn: latest.AliasArn, Description: latest.Description });
    see('function-missing', await failure(alias('custom', '1', { 2: 0.5 }, `${fn}-unknown`)));
    const empty = await lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: 'custom-empty-routingconfig', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } }));
    see('empty-routing-config', { hasRoutingConfig: empty.RoutingConfig !== undefined && Object.keys(empty.RoutingConfig.AdditionalVersionWeights ?? {}).length > 0, status: empty.$metadata.httpStatusCode });
    see('weighted-alias', (await alias('custom', '1', { 2: 0.5 })).RoutingConfig);
    see('alias-exists', await failure(alias('custom', '1', { 2: 0.5 })));
    see('get-missing-alias', await failure(lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'non-existent' }))));
    see('get-function-via-alias', (await lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: 'custom' }))).Configuration?.FunctionArn);
    const byArn = await lambda.send(new GetFunctionCommand({ FunctionName: `${(await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration!.FunctionArn}:custom` }));
    see('get-function-via-alias-arn', byArn.Configuration?.FunctionArn);
    see('get-function-missing-alias', await failure(lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: 'aliasdoesnotexist' }))));
    see('list-aliases-for-version', (await lambda.send(new ListAliasesCommand({ FunctionName: fn, FunctionVersion: '1' }))).Aliases!.map((a) => a.Name).sort());
    see('numeric-alias-name', await failure(alias('2024', '1')));
    const dated = await alias('2024-01-02', '1');
    see('date-alias-name', { Name: dated.Name, status: dated.$metadata.httpStatusCode });
    see('delete-missing-alias', (await lambda.send(new DeleteAliasCommand({ FunctionName: fn, Name: 'non-existent' }))).$metadata.httpStatusCode);
    see('update-missing-alias', await failure(lambda.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'non-existent', FunctionVersion: '1' }))));
  },
};
