// Event-invoke configurations and provisioned concurrency, as test_lambda_api's recordings of AWS show them.
import {
  CreateAliasCommand, DeleteAliasCommand, DeleteFunctionEventInvokeConfigCommand, DeleteProvisionedConcurrencyConfigCommand, GetFunctionEventInvokeConfigCommand,
  GetProvisionedConcurrencyConfigCommand, ListFunctionEventInvokeConfigsCommand, ListProvisionedConcurrencyConfigsCommand, PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand, PutProvisionedConcurrencyConfigCommand, UpdateFunctionEventInvokeConfigCommand, waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { createPython } from './lifecycle.js';
import { API, error, failure, invalid, type Scenario } from './recording.js';

const EIC = 'TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions';
const PC = 'TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions';
const ARN = 'arn:<partition>:lambda:<region>:111111111111:function';
const EMPTY = { OnFailure: {}, OnSuccess: {} };
const noConfig = (what: string) => error('ResourceNotFoundException', 404, `The function ${ARN}:${what} doesn't have an EventInvokeConfig`);
const noFunction = error('ResourceNotFoundException', 404, "The function doesn't exist.");
const derived = error('InvalidParameterValueException', 400, 'The derived qualifier from the function name does not match the specified qualifier.');
const DESTINATION = '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const shape = (o: { FunctionArn?: string; DestinationConfig?: unknown; MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number }) => ({
  FunctionArn: o.FunctionArn, DestinationConfig: o.DestinationConfig, MaximumRetryAttempts: o.MaximumRetryAttempts, MaximumEventAgeInSeconds: o.MaximumEventAgeInSeconds,
});
const wait = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

export const eventInvokeConfigs: Scenario = {
  name: 'event-invoke configs',
  expectations: [
    { id: 'put-missing-function', source: [API, EIC, 'put_functionname_name_notfound'], expect: noFunction },
    { id: 'put-missing-function-arn', source: [API, EIC, 'put_functionname_arn_notfound'], expect: noFunction },
    { id: 'put-nothing', source: [API, EIC, 'put_functionname_nootherargs'], expect: error('InvalidParameterValueException', 400, 'You must specify at least one of error handling or destination setting.') },
    { id: 'destination-missing-function', source: [API, EIC, 'put_destination_lambda_doesntexist'], expect: error('InvalidParameterValueException', 400, `The destination ARN ${ARN}:doesnotexist is invalid.`) },
    { id: 'destination-itself', source: [API, EIC, 'put_destination_recursive'], expect: error('InvalidParameterValueException', 400, "You can't specify the function as a destination for itself.") },
    { id: 'destination-other-function', source: [API, EIC, 'put_destination_other_lambda'], expect: { FunctionArn: `${ARN}:<fn:1>:$LATEST`, DestinationConfig: { OnFailure: {}, OnSuccess: { Destination: `${ARN}:<fn:2>` } } } },
    {
      id: 'destination-other-service',
      source: [API, EIC, 'put_destination_invalid_service_arn'],
      expect: error('InvalidParameterValueException', 400, `The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=arn:<partition>:iam:<region>:111111111111:function:<fn:1>), onFailure=null) is invalid.`),
    },
    { id: 'destination-empty', source: [API, EIC, 'put_destination_success_no_destination_arn'], expect: { FunctionArn: `${ARN}:<fn:1>:$LATEST`, DestinationConfig: EMPTY } },
    { id: 'destination-bad-pattern', source: [API, EIC, 'put_destination_invalid_arn_pattern'], expect: invalid('ValidationException', 400, `Value 'arn:<partition>:_-/!lambda:<region>:111111111111:function:<fn:1>' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ${DESTINATION}`) },
    { id: 'put-latest', source: [API, EIC, 'put_destination_latest'], expect: { FunctionArn: `${ARN}:<fn:1>:$LATEST`, DestinationConfig: EMPTY, MaximumRetryAttempts: 1 } },
    { id: 'put-version', source: [API, EIC, 'put_destination_version'], expect: { FunctionArn: `${ARN}:<fn:1>:1`, DestinationConfig: EMPTY, MaximumRetryAttempts: 1 } },
    { id: 'put-alias', source: [API, EIC, 'put_alias_functionname_qualifier'], expect: { FunctionArn: `${ARN}:<fn:1>:eventinvokealias`, DestinationConfig: EMPTY, MaximumRetryAttempts: 1 } },
    { id: 'put-missing-alias', source: [API, EIC, 'put_alias_doesnotexist'], expect: noFunction },
    { id: 'put-qualified-arn', source: [API, EIC, 'put_alias_qualifiedarn'], expect: { FunctionArn: `${ARN}:<fn:1>:eventinvokealias`, DestinationConfig: EMPTY, MaximumRetryAttempts: 1 } },
    { id: 'put-qualifier-conflict', source: [API, EIC, 'put_alias_qualifiedarn_qualifierconflict'], expect: derived },
    { id: 'put-shorthand-mismatch', source: [API, EIC, 'put_shorthand_qualifier_mismatch_1'], expect: derived },
    { id: 'put-max-values', source: [API, EIC, 'put_maxevent_maxvalue_result'], expect: { FunctionArn: `${ARN}:<fn:1>:$LATEST`, DestinationConfig: EMPTY, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 } },
    { id: 'put-overwrites', source: [API, EIC, 'put_post_overwrite'], expect: { FunctionArn: `${ARN}:<fn:1>:$LATEST`, DestinationConfig: EMPTY, MaximumRetryAttempts: 0 } },
    { id: 'update-merges', source: [API, EIC, 'update_response'], expect: { FunctionArn: `${ARN}:<fn:1>:$LATEST`, DestinationConfig: EMPTY, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
    { id: 'list', source: [API, EIC, 'list_configs'], expect: [`${ARN}:<fn:1>:$LATEST`, `${ARN}:<fn:1>:1`, `${ARN}:<fn:1>:eventinvokealias`] },
    { id: 'list-paged', source: ['test_lambda_api.py', 'TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle', 'list_paging_single (asserted: MaxItems=1 gives NextMarker)'], expect: { count: 1, hasNextMarker: true } },
    { id: 'delete-latest', source: [API, EIC, 'delete_latest'], expect: 204 },
    { id: 'delete-missing-config', source: [API, EIC, 'delete_function_not_found'], expect: noConfig('<fn:1>:$LATEST') },
    { id: 'delete-missing-function', source: [API, EIC, 'delete_function_doesnotexist'], expect: noConfig('doesnotexist:$LATEST') },
    { id: 'list-missing-function', source: [API, EIC, 'list_function_doesnotexist'], expect: noFunction },
    { id: 'get-missing-function', source: [API, EIC, 'get_function_doesnotexist'], expect: noConfig('doesnotexist:$LATEST') },
    { id: 'get-missing-qualifier', source: [API, EIC, 'get_qualifier_doesnotexist'], expect: noConfig('<fn:1>:doesnotexist') },
    { id: 'update-missing-function', source: [API, EIC, 'update_eventinvokeconfig_function_doesnotexist'], expect: noFunction },
    { id: 'update-missing-config', source: [API, EIC, 'update_eventinvokeconfig_config_doesnotexist_without_qualifier'], expect: noConfig('<fn:1>:$LATEST') },
    { id: 'list-after-alias-deleted', source: [API, EIC, 'list_configs_postdelete'], expect: 200 },
  ],
  async run({ lambda, name, see }) {
    const [fn, other] = [name(1), name(2)];
    await createPython(lambda, fn);
    await createPython(lambda, other);
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    const arn = (await lambda.send(new PublishVersionCommand({ FunctionName: fn }))).FunctionArn!.replace(/:1$/, '');
    await lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: 'eventinvokealias', FunctionVersion: '1' }));
    const put = (input: Record<string, unknown>) => lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, ...input } as never));
    const arnOf = (n: string) => arn.replace(fn, n);
    see('put-missing-function', await failure(put({ FunctionName: 'doesnotexist', MaximumRetryAttempts: 1 })));
    see('put-missing-function-arn', await failure(put({ FunctionName: arnOf('doesnotexist'), MaximumRetryAttempts: 1 })));
    see('put-nothing', await failure(put({})));
    see('destination-missing-function', await failure(put({ DestinationConfig: { OnSuccess: { Destination: arnOf('doesnotexist') } } })));
    see('destination-itself', await failure(put({ DestinationConfig: { OnSuccess: { Destination: arn } } })));
    see('destination-other-function', shape(await put({ DestinationConfig: { OnSuccess: { Destination: arnOf(other) } } })));
    see('destination-other-service', await failure(put({ DestinationConfig: { OnSuccess: { Destination: arn.replace(':lambda:', ':iam:') } } })));
    see('destination-empty', shape(await put({ DestinationConfig: { OnSuccess: {} } })));
    see('destination-bad-pattern', await failure(put({ DestinationConfig: { OnFailure: { Destination: arn.replace(':lambda:', ':_-/!lambda:') } } })));
    see('put-latest', shape(await put({ MaximumRetryAttempts: 1 })));
    see('put-version', shape(await put({ Qualifier: '1', MaximumRetryAttempts: 1 })));
    see('put-alias', shape(await put({ Qualifier: 'eventinvokealias', MaximumRetryAttempts: 1 })));
    see('put-missing-alias', await failure(put({ Qualifier: 'doesnotexist', MaximumRetryAttempts: 1 })));
    see('put-qualified-arn', shape(await put({ FunctionName: `${arn}:eventinvokealias`, MaximumRetryAttempts: 1 })));
    see('put-qualifier-conflict', await failure(put({ FunctionName: `${arn}:eventinvokealias`, Qualifier: '1', MaximumRetryAttempts: 1 })));
    see('put-shorthand-mismatch', await failure(put({ FunctionName: `${fn}:$LATEST`, Qualifier: '1', MaximumRetryAttempts: 1 })));
    see('put-max-values', shape(await put({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 })));
    await put({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 });
    see('put-overwrites', shape(await put({ MaximumRetryAttempts: 0 })));
    await put({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 });
    see('update-merges', shape(await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0 }))));
    see('list', (await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn }))).FunctionEventInvokeConfigs!.map((c) => c.FunctionArn).sort((a, b) => (a!.endsWith('$LATEST') ? -1 : b!.endsWith('$LATEST') ? 1 : a!.localeCompare(b!))));
    const page = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn, MaxItems: 1 }));
    see('list-paged', { count: page.FunctionEventInvokeConfigs!.length, hasNextMarker: typeof page.NextMarker === 'string' });
    await lambda.send(new DeleteAliasCommand({ FunctionName: fn, Name: 'eventinvokealias' }));
    see('list-after-alias-deleted', (await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn }))).$metadata.httpStatusCode);
    see('delete-latest', (await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: fn }))).$metadata.httpStatusCode);
    see('delete-missing-config', await failure(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: fn }))));
    see('delete-missing-function', await failure(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'doesnotexist' }))));
    see('list-missing-function', await failure(lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'doesnotexist' }))));
    see('get-missing-function', await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'doesnotexist' }))));
    see('get-missing-qualifier', await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn, Qualifier: 'doesnotexist' }))));
    see('update-missing-function', await failure(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'doesnotexist', MaximumRetryAttempts: 1 }))));
    see('update-missing-config', await failure(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 1 }))));
  },
};

const cannotFindAlias = (what: string) => error('ResourceNotFoundException', 404, `Cannot find alias arn: ${ARN}:${what}`);
const notFound = (what: string) => error('ResourceNotFoundException', 404, `Function not found: ${ARN}:${what}`);
const unpublished = error('InvalidParameterValueException', 400, 'The function resource provided must be an alias or a published version.');

export const provisioned: Scenario = {
  name: 'provisioned concurrency',
  expectations: [
    { id: 'get-no-config', source: [API, PC, 'get_provisioned_config_doesnotexist'], expect: error('ProvisionedConcurrencyConfigNotFoundException', 404, 'No Provisioned Concurrency Config found for this function') },
    { id: 'get-missing-function', source: [API, PC, 'get_provisioned_functionname_doesnotexist'], expect: cannotFindAlias('doesnotexist:noalias') },
    { id: 'get-missing-alias', source: [API, PC, 'get_provisioned_qualifier_doesnotexist'], expect: cannotFindAlias('<fn:1>:noalias') },
    { id: 'get-missing-version', source: [API, PC, 'get_provisioned_version_doesnotexist'], expect: notFound('<fn:1>:10') },
    { id: 'get-latest', source: [API, PC, 'get_provisioned_latest'], expect: unpublished },
    { id: 'list-none', source: [API, PC, 'list_provisioned_noconfigs'], expect: [] },
    { id: 'list-missing-function', source: [API, PC, 'list_provisioned_functionname_doesnotexist'], expect: notFound('doesnotexist') },
    { id: 'delete-missing-function', source: [API, PC, 'delete_provisioned_functionname_doesnotexist'], expect: notFound('doesnotexist:1') },
    { id: 'delete-missing-alias', source: [API, PC, 'delete_provisioned_qualifier_doesnotexist'], expect: cannotFindAlias('<fn:1>:noalias') },
    { id: 'delete-missing-version', source: [API, PC, 'delete_provisioned_version_doesnotexist'], expect: notFound('<fn:1>:10') },
    { id: 'delete-latest', source: [API, PC, 'delete_provisioned_latest'], expect: unpublished },
    { id: 'delete-no-config', source: [API, PC, 'delete_provisioned_config_doesnotexist'], expect: 204 },
    { id: 'put-zero', source: [API, PC, 'put_provisioned_invalid_param_0'], expect: invalid('ValidationException', 400, "Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1") },
    { id: 'put-missing-function-alias', source: [API, PC, 'put_provisioned_functionname_doesnotexist_alias'], expect: cannotFindAlias('doesnotexist:noalias') },
    { id: 'put-missing-function-version', source: [API, PC, 'put_provisioned_functionname_doesnotexist_version'], expect: notFound('doesnotexist:1') },
    { id: 'put-missing-alias', source: [API, PC, 'put_provisioned_qualifier_doesnotexist'], expect: cannotFindAlias('<fn:1>:doesnotexist') },
    { id: 'put-missing-version', source: [API, PC, 'put_provisioned_version_doesnotexist'], expect: notFound('<fn:1>:10') },
    { id: 'put-latest', source: [API, PC, 'put_provisioned_latest'], expect: error('InvalidParameterValueException', 400, 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.') },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    await createPython(lambda, fn);
    await waitUntilFunctionActiveV2({ client: lambda, ...wait }, { FunctionName: fn });
    await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    const get = (FunctionName: string, Qualifier: string) => failure(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier })));
    const del = (FunctionName: string, Qualifier: string) => lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier }));
    const put = (FunctionName: string, Qualifier: string, n = 1) => failure(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier, ProvisionedConcurrentExecutions: n })));
    see('get-no-config', await get(fn, '1'));
    see('get-missing-function', await get('doesnotexist', 'noalias'));
    see('get-missing-alias', await get(fn, 'noalias'));
    see('get-missing-version', await get(fn, '10'));
    see('get-latest', await get(fn, '$LATEST'));
    see('list-none', (await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: fn }))).ProvisionedConcurrencyConfigs);
    see('list-missing-function', await failure(lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'doesnotexist' }))));
    see('delete-missing-function', await failure(del('doesnotexist', '1')));
    see('delete-missing-alias', await failure(del(fn, 'noalias')));
    see('delete-missing-version', await failure(del(fn, '10')));
    see('delete-latest', await failure(del(fn, '$LATEST')));
    see('delete-no-config', (await del(fn, '1')).$metadata.httpStatusCode);
    see('put-zero', await put(fn, '1', 0));
    see('put-missing-function-alias', await put('doesnotexist', 'noalias'));
    see('put-missing-function-version', await put('doesnotexist', '1'));
    see('put-missing-alias', await put(fn, 'doesnotexist'));
    see('put-missing-version', await put(fn, '10'));
    see('put-latest', await put(fn, '$LATEST'));
  },
};
