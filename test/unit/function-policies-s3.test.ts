// FunctionPolicies.allowsS3: the check S3 makes before it accepts a notification to a function,
// against statements as AddPermission stores them (Principal {Service: 's3.amazonaws.com'}).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FunctionPolicies } from '../../src/control/function-policies.js';
import { serviceStatementAllows } from '../../src/control/policy-evaluation.js';
import { parsePermissionRequest } from '../../src/control/policy-statement.js';
import type { PolicyStore, StoredPolicy } from '../../src/storage/policy-store.js';

const home = { region: 'us-east-1', accountId: '000000000000' };
const resource = 'arn:aws:lambda:us-east-1:000000000000:function:copy';
const bucketArn = 'arn:aws:s3:::uploads';
const s3Ctx = { action: 'lambda:InvokeFunction' as const, service: 's3.amazonaws.com', sourceArn: bucketArn, sourceAccount: home.accountId };
const statement = (body: Record<string, unknown>) =>
  parsePermissionRequest({ StatementId: 's', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', ...body }).build(resource);

test('service statements: the principal, the action, SourceArn (ArnLike) and SourceAccount', () => {
  assert.deepEqual(statement({}).Principal, { Service: 's3.amazonaws.com' });
  assert.ok(serviceStatementAllows(statement({}), s3Ctx));
  assert.ok(serviceStatementAllows(statement({ SourceArn: bucketArn }), s3Ctx));
  assert.ok(serviceStatementAllows(statement({ SourceArn: 'arn:aws:s3:::upl*' }), s3Ctx));
  assert.ok(serviceStatementAllows(statement({ SourceArn: bucketArn, SourceAccount: '000000000000' }), s3Ctx));
  assert.ok(serviceStatementAllows(statement({ Principal: '*' }), s3Ctx));
  assert.ok(serviceStatementAllows(statement({ Action: 'lambda:*' }), s3Ctx));
  assert.ok(!serviceStatementAllows(statement({ SourceArn: 'arn:aws:s3:::other' }), s3Ctx));
  assert.ok(!serviceStatementAllows(statement({ SourceAccount: '111122223333' }), s3Ctx));
  assert.ok(!serviceStatementAllows(statement({ Principal: 'sns.amazonaws.com' }), s3Ctx));
  assert.ok(!serviceStatementAllows(statement({ Principal: '000000000000' }), s3Ctx));
  assert.ok(!serviceStatementAllows(statement({ Action: 'lambda:GetFunction' }), s3Ctx));
  assert.ok(!serviceStatementAllows(statement({ EventSourceToken: 'x' }), s3Ctx)); // a condition S3 cannot meet
});

class MemoryPolicyStore implements PolicyStore {
  readonly policies = new Map<string, StoredPolicy>();
  async get(name: string, qualifier: string) {
    return this.policies.get(`${name}:${qualifier}`);
  }
  async put(name: string, qualifier: string, policy: StoredPolicy) {
    this.policies.set(`${name}:${qualifier}`, policy);
  }
  async delete(name: string, qualifier: string) {
    this.policies.delete(`${name}:${qualifier}`);
  }
  async deleteFunction() {}
}

test('allowsS3 reads the policy of the function, or of the version or alias named', async () => {
  const store = new MemoryPolicyStore();
  const policies = new FunctionPolicies({
    store,
    home,
    arnOf: (name, q) => `arn:aws:lambda:us-east-1:000000000000:function:${name}${q ? `:${q}` : ''}`,
    functionRecord: () => ({ revisionId: 'r' }) as never,
    alias: () => ({ revisionId: 'a' }) as never,
  });
  assert.equal(await policies.allowsS3('copy', undefined, bucketArn), false); // no policy at all
  await policies.add({ name: 'copy' }, { StatementId: 's3-uploads', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: bucketArn });
  assert.equal(await policies.allowsS3('copy', undefined, bucketArn), true);
  assert.equal(await policies.allowsS3('copy', '$LATEST', bucketArn), true);
  assert.equal(await policies.allowsS3('copy', undefined, 'arn:aws:s3:::elsewhere'), false);
  assert.equal(await policies.allowsS3('copy', 'live', bucketArn), false); // the alias has its own policy
  await policies.add({ name: 'copy', qualifier: 'live' }, { StatementId: 's3-uploads', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' });
  assert.equal(await policies.allowsS3('copy', 'live', bucketArn), true);
  assert.equal(await policies.allowsS3('copy', 'bad qualifier!', bucketArn), false);
});
