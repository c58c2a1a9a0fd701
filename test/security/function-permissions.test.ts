// Functions acting on each other: a function's own key invokes only what a resource policy grants
// it (AddPermission / GetPolicy / RemovePermission, as on Lambda), an ungranted caller gets
// neither a run nor a log tail, and one caller's Idempotency-Key never swallows another's event.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { signRequest } from '../../src/api/sigv4.js';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);
const ACCOUNT = '000000000000';
const arn = (name: string, qualifier?: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

let gust: GustProcess;
let admin: LambdaClient;
/** The key the function `insider` runs with, used from outside as its code could use it inside. */
let insider: LambdaClient;
let insiderCredentials: { accessKeyId: string; secretAccessKey: string };

async function create(name: string, fixture: string, role: string, extra: Record<string, unknown> = {}) {
  const python = fixture.startsWith('python');
  await admin.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: python ? 'python3.11' : 'nodejs20.x',
      Handler: python ? 'app.handler' : 'index.handler',
      Role: role,
      Code: { ZipFile: await fixtureZip(fixture) },
      ...extra,
    }),
  );
}

/** Rejects with the AWS error the SDK parsed; returns its name and message. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

before(async () => {
  gust = await startGust();
  admin = lambdaClient(gust);
  await create('target', 'node-hello', roleArn('target-role'));
  await create('caller', 'python-boto3', roleArn('caller-role'), { Timeout: 20 });
  await create('insider', 'node-own-credentials', roleArn('insider-role'));
  insiderCredentials = decode((await admin.send(new InvokeCommand({ FunctionName: 'insider' }))).Payload);
  assert.match(insiderCredentials.accessKeyId, /^GKIF/);
  insider = new LambdaClient({ endpoint: gust.url, region: 'us-east-1', credentials: insiderCredentials, maxAttempts: 1 });
});
after(async () => gust.stop());

describe('the policy API', () => {
  test('AddPermission, GetPolicy and RemovePermission round-trip with the document Lambda returns', async () => {
    await create('policy-rt', 'node-hello', roleArn('x'));
    const none = await failure(admin.send(new GetPolicyCommand({ FunctionName: 'policy-rt' })));
    assert.deepEqual(none, { name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.', status: 404 });

    const s3 = await admin.send(
      new AddPermissionCommand({ FunctionName: 'policy-rt', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bucket-1' }),
    );
    assert.equal(s3.$metadata.httpStatusCode, 201);
    const s3Statement = {
      Sid: 's3',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: arn('policy-rt'),
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket-1' } },
    };
    assert.deepEqual(JSON.parse(s3.Statement!), s3Statement);
    const account = JSON.parse(
      (await admin.send(new AddPermissionCommand({ FunctionName: 'policy-rt', StatementId: 'account-id', Action: 'lambda:InvokeFunction', Principal: ACCOUNT }))).Statement!,
    );
    assert.deepEqual(account.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
    assert.equal(account.Condition, undefined);
    const url = JSON.parse(
      (
        await admin.send(
          new AddPermissionCommand({
            FunctionName: arn('policy-rt'),
            StatementId: 'urlPermission',
            Action: 'lambda:InvokeFunctionUrl',
            Principal: '*',
            SourceAccount: ACCOUNT,
            PrincipalOrgID: 'o-1234567890',
            FunctionUrlAuthType: 'NONE',
            SourceArn: 'arn:aws:s3:::bucket-2',
          }),
        )
      ).Statement!,
    );
    assert.equal(url.Principal, '*');
    assert.deepEqual(url.Condition, {
      StringEquals: { 'AWS:SourceAccount': ACCOUNT, 'lambda:FunctionUrlAuthType': 'NONE', 'aws:PrincipalOrgID': 'o-1234567890' },
      ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket-2' },
    });

    const got = await admin.send(new GetPolicyCommand({ FunctionName: 'policy-rt' }));
    assert.equal(typeof got.Policy, 'string', 'the policy travels as a JSON string');
    const doc = JSON.parse(got.Policy!);
    assert.deepEqual(Object.keys(doc), ['Version', 'Id', 'Statement']);
    assert.equal(doc.Version, '2012-10-17');
    assert.equal(doc.Id, 'default');
    assert.deepEqual(doc.Statement[0], s3Statement);
    assert.deepEqual(doc.Statement.map((s: { Sid: string }) => s.Sid), ['s3', 'account-id', 'urlPermission']);
    assert.match(got.RevisionId!, /^[0-9a-f-]{36}$/);

    const conflict = await failure(admin.send(new AddPermissionCommand({ FunctionName: 'policy-rt', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: '*' })));
    assert.deepEqual(conflict, {
      name: 'ResourceConflictException',
      message: 'The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.',
      status: 409,
    });
    const stale = await failure(
      admin.send(new AddPermissionCommand({ FunctionName: 'policy-rt', StatementId: 'late', Action: 'lambda:InvokeFunction', Principal: '*', RevisionId: 'not-the-revision' })),
    );
    assert.equal(stale.name, 'PreconditionFailedException');
    assert.equal(stale.status, 412);
    await admin.send(new AddPermissionCommand({ FunctionName: 'policy-rt', StatementId: 'late', Action: 'lambda:*', Principal: '*', RevisionId: got.RevisionId }));
    const after = await admin.send(new GetPolicyCommand({ FunctionName: 'policy-rt' }));
    assert.notEqual(after.RevisionId, got.RevisionId, 'every change makes a new revision');

    const staleRemove = await failure(admin.send(new RemovePermissionCommand({ FunctionName: 'policy-rt', StatementId: 'late', RevisionId: got.RevisionId })));
    assert.equal(staleRemove.name, 'PreconditionFailedException');
    const missingSid = await failure(admin.send(new RemovePermissionCommand({ FunctionName: 'policy-rt', StatementId: 'non-existent' })));
    assert.deepEqual(missingSid, { name: 'ResourceNotFoundException', message: 'Statement non-existent is not found in resource policy.', status: 404 });
    for (const sid of ['late', 's3', 'account-id', 'urlPermission']) {
      const removed = await admin.send(new RemovePermissionCommand({ FunctionName: 'policy-rt', StatementId: sid }));
      assert.equal(removed.$metadata.httpStatusCode, 204);
    }
    assert.equal((await failure(admin.send(new GetPolicyCommand({ FunctionName: 'policy-rt' })))).message, 'The resource you requested does not exist.');
    const noPolicy = await failure(admin.send(new RemovePermissionCommand({ FunctionName: 'policy-rt', StatementId: 's3' })));
    assert.deepEqual(noPolicy, { name: 'ResourceNotFoundException', message: 'No policy is associated with the given resource.', status: 404 });
  });

  test('bad input gets Lambda\'s errors and changes nothing', async () => {
    await create('policy-bad', 'node-hello', roleArn('x'));
    const add = (input: Partial<ConstructorParameters<typeof AddPermissionCommand>[0]>) =>
      failure(admin.send(new AddPermissionCommand({ FunctionName: 'policy-bad', StatementId: 'ok', Action: 'lambda:InvokeFunction', Principal: '*', ...input })));
    assert.deepEqual(await add({ Principal: 'invalid.nonaws.com' }), {
      name: 'InvalidParameterValueException',
      message: 'The provided principal was invalid. Please check the principal and try again.',
      status: 400,
    });
    const badSid = await add({ StatementId: 'example.com' });
    assert.equal(badSid.name, 'ValidationException');
    assert.match(badSid.message, /at 'statementId' failed to satisfy constraint/);
    assert.equal((await add({ Action: 'lambda:Invoke-Function' })).name, 'ValidationException');
    assert.equal((await add({ SourceAccount: '12' })).name, 'ValidationException');
    assert.equal((await add({ FunctionUrlAuthType: 'MAYBE' as 'NONE' })).name, 'ValidationException');
    assert.deepEqual(await add({ Qualifier: '$LATEST' }), { name: 'InvalidParameterValueException', message: 'We currently do not support adding policies for $LATEST.', status: 400 });
    assert.deepEqual(await add({ FunctionName: 'policy-bad:1', Qualifier: '2' }), {
      name: 'InvalidParameterValueException',
      message: 'The derived qualifier from the function name does not match the specified qualifier.',
      status: 400,
    });
    assert.deepEqual(await add({ FunctionName: 'doesnotexist' }), { name: 'ResourceNotFoundException', message: `Function not found: ${arn('doesnotexist')}`, status: 404 });
    assert.deepEqual(await add({ Qualifier: '42' }), { name: 'ResourceNotFoundException', message: `Function not found: ${arn('policy-bad', '42')}`, status: 404 });
    assert.deepEqual(await add({ Qualifier: 'alias-doesnotexist' }), {
      name: 'ResourceNotFoundException',
      message: `Cannot find alias arn: ${arn('policy-bad', 'alias-doesnotexist')}`,
      status: 404,
    });
    const removeMissing = await failure(admin.send(new RemovePermissionCommand({ FunctionName: 'doesnotexist', StatementId: 'ok' })));
    assert.deepEqual(removeMissing, { name: 'ResourceNotFoundException', message: `No policy found for: ${arn('doesnotexist')}`, status: 404 });
    assert.equal((await failure(admin.send(new GetPolicyCommand({ FunctionName: 'doesnotexist' })))).message, 'The resource you requested does not exist.');
    const tooBig = await failure(
      (async () => {
        for (let i = 0; i < 200; i++) {
          await admin.send(new AddPermissionCommand({ FunctionName: 'policy-bad', StatementId: `s${i}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::bucket-${'x'.repeat(40)}-${i}` }));
        }
      })(),
    );
    assert.equal(tooBig.name, 'PolicyLengthExceededException');
    const doc = JSON.parse((await admin.send(new GetPolicyCommand({ FunctionName: 'policy-bad' }))).Policy!);
    assert.ok(Buffer.byteLength(JSON.stringify(doc)) <= 20 * 1024, 'the statement over the limit was not stored');
  });

  test('each version and alias has its own policy, which goes with it', async () => {
    await create('policy-q', 'node-hello', roleArn('x'));
    const { Version } = await admin.send(new PublishVersionCommand({ FunctionName: 'policy-q' }));
    await admin.send(new CreateAliasCommand({ FunctionName: 'policy-q', Name: 'live', FunctionVersion: Version }));
    const onAlias = JSON.parse((await admin.send(new AddPermissionCommand({ FunctionName: 'policy-q', Qualifier: 'live', StatementId: 'a', Action: 'lambda:InvokeFunction', Principal: ACCOUNT }))).Statement!);
    assert.equal(onAlias.Resource, arn('policy-q', 'live'));
    const onVersion = JSON.parse((await admin.send(new AddPermissionCommand({ FunctionName: `policy-q:${Version}`, StatementId: 'a', Action: 'lambda:InvokeFunction', Principal: ACCOUNT }))).Statement!);
    assert.equal(onVersion.Resource, arn('policy-q', Version));
    assert.equal((await failure(admin.send(new GetPolicyCommand({ FunctionName: 'policy-q' })))).name, 'ResourceNotFoundException', 'the function itself has no policy');
    assert.equal(JSON.parse((await admin.send(new GetPolicyCommand({ FunctionName: 'policy-q', Qualifier: 'live' }))).Policy!).Statement[0].Resource, arn('policy-q', 'live'));

    await admin.send(new DeleteAliasCommand({ FunctionName: 'policy-q', Name: 'live' }));
    await admin.send(new CreateAliasCommand({ FunctionName: 'policy-q', Name: 'live', FunctionVersion: Version }));
    assert.equal((await failure(admin.send(new GetPolicyCommand({ FunctionName: 'policy-q', Qualifier: 'live' })))).name, 'ResourceNotFoundException', 'a new alias does not inherit grants');

    await admin.send(new AddPermissionCommand({ FunctionName: 'policy-q', StatementId: 'fn', Action: 'lambda:InvokeFunction', Principal: ACCOUNT }));
    await admin.send(new DeleteFunctionCommand({ FunctionName: 'policy-q' }));
    await create('policy-q', 'node-hello', roleArn('x'));
    assert.equal((await failure(admin.send(new GetPolicyCommand({ FunctionName: 'policy-q' })))).name, 'ResourceNotFoundException', 'deleted with the function');
  });

  test('boto3 reads and writes the same policy', async () => {
    await create('policy-boto3', 'node-hello', roleArn('x'));
    const script = `
import boto3, json
c = boto3.client("lambda")
added = c.add_permission(FunctionName="policy-boto3", StatementId="from-boto3", Action="lambda:InvokeFunction", Principal="events.amazonaws.com", SourceArn="arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly")
policy = c.get_policy(FunctionName="policy-boto3")
print(json.dumps({"status": added["ResponseMetadata"]["HTTPStatusCode"], "statement": json.loads(added["Statement"]), "policy": json.loads(policy["Policy"]), "revision": policy["RevisionId"]}))
`;
    const { stdout } = await run('python3', ['-c', script], { env: gust.awsEnv() });
    const out = JSON.parse(stdout);
    assert.equal(out.status, 201);
    assert.deepEqual(out.statement.Principal, { Service: 'events.amazonaws.com' });
    assert.deepEqual(out.policy.Statement, [out.statement]);
    assert.ok(out.revision);
  });
});

describe('what a function\'s own key may invoke', () => {
  test('a function calling another through boto3 is denied until a policy grants it, and again once the grant is removed', async () => {
    const call = async () => decode((await admin.send(new InvokeCommand({ FunctionName: 'caller', Payload: Buffer.from('{"target":"target"}') }))).Payload);
    const denied = await call();
    assert.equal(denied.error, 'AccessDeniedException');
    assert.match(denied.message, /assumed-role\/caller-role\/caller is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:target/);

    // Grants that name someone else do not let `caller` in.
    await admin.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'from-s3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
    await admin.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'from-insider', Action: 'lambda:InvokeFunction', Principal: ACCOUNT, SourceArn: arn('insider') }));
    await admin.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'other-account', Action: 'lambda:InvokeFunction', Principal: '111122223333' }));
    await admin.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'url-only', Action: 'lambda:InvokeFunctionUrl', Principal: ACCOUNT, SourceArn: arn('caller') }));
    assert.equal((await call()).error, 'AccessDeniedException');

    await admin.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'from-caller', Action: 'lambda:InvokeFunction', Principal: ACCOUNT, SourceArn: arn('caller') }));
    const granted = await call();
    assert.equal(granted.inner.hello, 'from-python');

    await admin.send(new RemovePermissionCommand({ FunctionName: 'target', StatementId: 'from-caller' }));
    assert.equal((await call()).error, 'AccessDeniedException');

    // The caller's execution role as principal grants every function that runs with that role.
    await admin.send(new AddPermissionCommand({ FunctionName: 'target', StatementId: 'caller-role', Action: 'lambda:InvokeFunction', Principal: roleArn('caller-role') }));
    assert.equal((await call()).inner.hello, 'from-python');
    await admin.send(new RemovePermissionCommand({ FunctionName: 'target', StatementId: 'caller-role' }));
    for (const sid of ['from-s3', 'from-insider', 'other-account', 'url-only']) await admin.send(new RemovePermissionCommand({ FunctionName: 'target', StatementId: sid }));
  });

  test('an ungranted key gets no run and no log tail, nor any other operation; a granted one gets the tail as on Lambda', async () => {
    await create('secretive', 'node-hello', roleArn('x'), { Environment: { Variables: { SECRET: 'hunter2' } } });
    const tail = () => insider.send(new InvokeCommand({ FunctionName: 'secretive', LogType: 'Tail', Payload: Buffer.from('{"name":"peek"}') }));
    const denied = await failure(tail());
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.status, 403);
    assert.equal((await failure(insider.send(new InvokeCommand({ FunctionName: arn('secretive') })))).name, 'AccessDeniedException', 'by ARN too');
    assert.equal((await failure(insider.send(new InvokeCommand({ FunctionName: 'does-not-exist' })))).name, 'AccessDeniedException', 'a missing function is not revealed');
    assert.equal((await failure(insider.send(new ListFunctionsCommand({})))).name, 'AccessDeniedException');
    const selfGrant = await failure(insider.send(new AddPermissionCommand({ FunctionName: 'secretive', StatementId: 'me', Action: 'lambda:InvokeFunction', Principal: '*' })));
    assert.equal(selfGrant.name, 'AccessDeniedException', 'a function cannot grant itself');
    assert.equal((await failure(insider.send(new GetPolicyCommand({ FunctionName: 'target' })))).name, 'AccessDeniedException');

    // The role session ARN Lambda gives the function's calls names exactly that one function.
    await admin.send(
      new AddPermissionCommand({ FunctionName: 'secretive', StatementId: 'insider-session', Action: 'lambda:InvokeFunction', Principal: `arn:aws:sts::${ACCOUNT}:assumed-role/insider-role/insider` }),
    );
    const granted = await tail();
    assert.equal(decode(granted.Payload).hello, 'peek');
    assert.match(Buffer.from(granted.LogResult!, 'base64').toString(), /hello from node/);
  });

  test('a CloudWatch Logs call sent to a granted Invoke path is still refused', async () => {
    await create('logged', 'node-hello', roleArn('x'));
    await admin.send(new AddPermissionCommand({ FunctionName: 'logged', StatementId: 'insider', Action: 'lambda:InvokeFunction', Principal: '*', SourceArn: arn('insider') }));
    const url = `${gust.url}/2015-03-31/functions/logged/invocations`;
    const body = '{"logGroupName":"/aws/lambda/target"}';
    const headers = { 'x-amz-target': 'Logs_20140328.FilterLogEvents', 'content-type': 'application/x-amz-json-1.1' };
    const res = await fetch(url, { method: 'POST', body, headers: { ...headers, ...signRequest({ method: 'POST', url, headers, body, ...insiderCredentials, region: 'us-east-1', service: 'logs' }) } });
    assert.equal((await res.json()).__type, 'AccessDeniedException');
  });

  test('a function’s own key may use S3 objects but not administer buckets', async () => {
    const s3 = (credentials: { accessKeyId: string; secretAccessKey: string }) => new S3Client({ endpoint: gust.url, region: 'us-east-1', forcePathStyle: true, credentials });
    const owner = s3(gust.credentials);
    const inside = s3(insiderCredentials);
    await owner.send(new CreateBucketCommand({ Bucket: 'insider-data' }));
    await inside.send(new PutObjectCommand({ Bucket: 'insider-data', Key: 'k', Body: 'from the function' }));
    assert.equal(await (await owner.send(new GetObjectCommand({ Bucket: 'insider-data', Key: 'k' }))).Body!.transformToString(), 'from the function');
    for (const command of [
      new CreateBucketCommand({ Bucket: 'insider-own' }),
      new DeleteBucketCommand({ Bucket: 'insider-data' }),
      new PutBucketNotificationConfigurationCommand({ Bucket: 'insider-data', NotificationConfiguration: {} }),
    ]) {
      const err = await failure(inside.send(command as never));
      assert.equal(err.name, 'AccessDenied', command.constructor.name);
    }
  });

  test('a grant on an alias covers calls to that alias only', async () => {
    await create('aliased', 'node-hello', roleArn('x'));
    const { Version } = await admin.send(new PublishVersionCommand({ FunctionName: 'aliased' }));
    await admin.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'prod', FunctionVersion: Version }));
    await admin.send(new AddPermissionCommand({ FunctionName: 'aliased', Qualifier: 'prod', StatementId: 'insider', Action: 'lambda:InvokeFunction', Principal: '*', SourceArn: arn('insider') }));
    assert.equal(decode((await insider.send(new InvokeCommand({ FunctionName: 'aliased', Qualifier: 'prod' }))).Payload).hello, 'world');
    assert.equal(decode((await insider.send(new InvokeCommand({ FunctionName: 'aliased:prod' }))).Payload).hello, 'world');
    assert.equal((await failure(insider.send(new InvokeCommand({ FunctionName: 'aliased' })))).name, 'AccessDeniedException');
    assert.equal((await failure(insider.send(new InvokeCommand({ FunctionName: 'aliased', Qualifier: Version })))).name, 'AccessDeniedException');
  });

  test('an AWS_IAM function URL opens to a function key only with lambda:InvokeFunctionUrl granted', async () => {
    await create('url-target', 'http-v2', roleArn('x'));
    const { FunctionUrl } = await admin.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-target', AuthType: 'AWS_IAM' }));
    const get = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const url = FunctionUrl!;
      const headers = signRequest({ method: 'GET', url, headers: {}, body: '', ...credentials, region: 'us-east-1', service: 'lambda' });
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await get(gust.credentials), 201, 'the admin key may (the function answers 201)');
    assert.equal(await get(insiderCredentials), 403);
    await admin.send(new AddPermissionCommand({ FunctionName: 'url-target', StatementId: 'invoke-only', Action: 'lambda:InvokeFunction', Principal: roleArn('insider-role') }));
    assert.equal(await get(insiderCredentials), 403, 'lambda:InvokeFunction does not cover the URL');
    await admin.send(
      new AddPermissionCommand({ FunctionName: 'url-target', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: roleArn('insider-role'), FunctionUrlAuthType: 'AWS_IAM' }),
    );
    assert.equal(await get(insiderCredentials), 201);
  });
});

test('an Idempotency-Key is kept per caller: a function cannot squat the admin\'s key and drop its event', async () => {
  await create('queued', 'node-hello', roleArn('x'));
  await admin.send(new AddPermissionCommand({ FunctionName: 'queued', StatementId: 'insider', Action: 'lambda:InvokeFunction', Principal: ACCOUNT, SourceArn: arn('insider') }));
  const url = `${gust.url}/2015-03-31/functions/queued/invocations`;
  const send = async (credentials: { accessKeyId: string; secretAccessKey: string }, key: string, body: string) => {
    const headers = { 'x-amz-invocation-type': 'Event', 'idempotency-key': key };
    const res = await fetch(url, { method: 'POST', body, headers: { ...headers, ...signRequest({ method: 'POST', url, headers, body, ...credentials, region: 'us-east-1', service: 'lambda' }) } });
    assert.equal(res.status, 202);
    return res.headers.get('x-amzn-requestid')!;
  };
  const squatted = await send(insiderCredentials, 'order-7', '{"name":"squatter"}');
  const adminEvent = await send(gust.credentials, 'order-7', '{"name":"admin"}');
  assert.notEqual(adminEvent, squatted, "the admin's event is queued, not taken for the function's");
  assert.equal(await send(gust.credentials, 'order-7', '{"name":"admin"}'), adminEvent, 'a repeat by the same caller is still a duplicate');
  assert.equal(await send(insiderCredentials, 'order-7', '{"name":"squatter"}'), squatted);

  const logs = logsClient(gust);
  const ran = await until("the admin's event to run", async () => {
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/queued', filterPattern: '"hello from node"' })).catch(() => ({ events: [] }));
    const names = new Set((found.events ?? []).map((e) => /"name":"(\w+)"/.exec(e.message ?? '')?.[1]));
    return names.has('admin') && names.has('squatter') ? names : undefined;
  });
  assert.ok(ran.has('admin'));
});
