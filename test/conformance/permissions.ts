// AddPermission, GetPolicy and RemovePermission refusals, as TestLambdaPermissions::test_permission_exceptions recorded AWS's.
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { createPython } from './lifecycle.js';
import { API, error, failure, invalid, type Scenario } from './recording.js';

const KEY = 'TestLambdaPermissions::test_permission_exceptions';
const ARN = 'arn:<partition>:lambda:<region>:111111111111:function';
const notFound = (m: string) => error('ResourceNotFoundException', 404, m);
const noResource = notFound('The resource you requested does not exist.');

export const permissions: Scenario = {
  name: 'permissions',
  expectations: [
    { id: 'invalid-statement-id', source: [API, KEY, 'add_permission_invalid_statement_id'], expect: invalid('ValidationException', 400, "Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)") },
    { id: 'qualifier-mismatch', source: [API, KEY, 'add_permission_fn_qualifier_mismatch'], expect: error('InvalidParameterValueException', 400, 'The derived qualifier from the function name does not match the specified qualifier.') },
    { id: 'qualifier-latest', source: [API, KEY, 'add_permission_fn_qualifier_latest'], expect: error('InvalidParameterValueException', 400, 'We currently do not support adding policies for $LATEST.') },
    { id: 'invalid-principal', source: [API, KEY, 'add_permission_principal_invalid'], expect: error('InvalidParameterValueException', 400, 'The provided principal was invalid. Please check the principal and try again.') },
    { id: 'get-missing-function', source: [API, KEY, 'get_policy_fn_doesnotexist'], expect: noResource },
    { id: 'get-missing-version', source: [API, KEY, 'get_policy_fn_version_doesnotexist'], expect: noResource },
    { id: 'add-missing-function', source: [API, KEY, 'add_permission_fn_doesnotexist'], expect: notFound(`Function not found: ${ARN}:doesnotexist`) },
    { id: 'remove-no-policy', source: [API, KEY, 'remove_permission_policy_doesnotexist'], expect: notFound('No policy is associated with the given resource.') },
    { id: 'add-missing-alias', source: [API, KEY, 'add_permission_fn_alias_doesnotexist'], expect: notFound(`Cannot find alias arn: ${ARN}:<fn:1>:alias-doesnotexist`) },
    { id: 'add-missing-version', source: [API, KEY, 'add_permission_fn_version_doesnotexist'], expect: notFound(`Function not found: ${ARN}:<fn:1>:42`) },
    { id: 'invalid-qualifier', source: [API, KEY, 'add_permission_fn_qualifier_invalid'], expect: invalid('ValidationException', 400, "Value 'invalid-qualifier-with-?-char' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+") },
    { id: 'valid-qualifier-missing', source: [API, KEY, 'add_permission_fn_qualifier_valid_doesnotexist'], expect: notFound(`Function not found: ${ARN}:<fn:1>:valid-with-$-but-doesnotexist`) },
    { id: 'statement-exists', source: [API, KEY, 'add_permission_conflicting_statement_id'], expect: error('ResourceConflictException', 409, 'The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.') },
    { id: 'remove-missing-function', source: [API, KEY, 'remove_permission_fn_doesnotexist'], expect: notFound(`No policy found for: ${ARN}:doesnotexist`) },
    { id: 'remove-missing-alias', source: [API, KEY, 'remove_permission_fn_alias_doesnotexist'], expect: notFound(`Cannot find alias arn: ${ARN}:<fn:1>:alias-doesnotexist`) },
  ],
  async run({ lambda, name, see }) {
    const fn = name(1);
    await createPython(lambda, fn);
    const s3 = { Action: 'lambda:InvokeFunction', StatementId: 's3', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::test-bucket' };
    const add = (input: Record<string, unknown>) => failure(lambda.send(new AddPermissionCommand({ FunctionName: fn, ...s3, ...input } as never)));
    see('invalid-statement-id', await add({ StatementId: 'example.com', SourceArn: undefined }));
    see('qualifier-mismatch', await add({ FunctionName: `${fn}:alias-not-42`, Qualifier: '42' }));
    see('qualifier-latest', await add({ FunctionName: `${fn}:$LATEST`, Qualifier: '$LATEST' }));
    see('invalid-principal', await add({ StatementId: 'lambda', Principal: 'invalid.nonaws.com', SourceArn: undefined }));
    see('get-missing-function', await failure(lambda.send(new GetPolicyCommand({ FunctionName: 'doesnotexist' }))));
    see('get-missing-version', await failure(lambda.send(new GetPolicyCommand({ FunctionName: fn, Qualifier: '12' }))));
    see('add-missing-function', await add({ FunctionName: 'doesnotexist' }));
    see('remove-no-policy', await failure(lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 's3' }))));
    see('add-missing-alias', await add({ FunctionName: `${fn}:alias-doesnotexist` }));
    see('add-missing-version', await add({ Qualifier: '42' }));
    see('invalid-qualifier', await add({ Qualifier: 'invalid-qualifier-with-?-char' }));
    see('valid-qualifier-missing', await add({ Qualifier: 'valid-with-$-but-doesnotexist' }));
    await lambda.send(new AddPermissionCommand({ FunctionName: fn, ...s3 }));
    see('statement-exists', await add({}));
    see('remove-missing-function', await failure(lambda.send(new RemovePermissionCommand({ FunctionName: 'doesnotexist', StatementId: 's3' }))));
    see('remove-missing-alias', await failure(lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 's3', Qualifier: 'alias-doesnotexist' }))));
  },
};
