// The policy evaluation a function's own key meets: principals, actions and conditions as IAM
// reads them, and anything Gust cannot evaluate (an organization, an Alexa token) denies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionArnOf, statementAllows, type InvokeRequestContext } from '../../src/control/policy-evaluation.js';
import { parsePermissionRequest } from '../../src/control/policy-statement.js';

const caller = {
  accountId: '000000000000',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders-worker',
  roleArn: 'arn:aws:iam::000000000000:role/service/worker-role',
  sessionArn: 'arn:aws:sts::000000000000:assumed-role/worker-role/orders-worker',
};
const invoke: InvokeRequestContext = { action: 'lambda:InvokeFunction', caller };
const resource = 'arn:aws:lambda:us-east-1:000000000000:function:target';
const allows = (body: Record<string, unknown>, ctx = invoke) =>
  statementAllows(parsePermissionRequest({ StatementId: 's', Action: 'lambda:InvokeFunction', ...body }).build(resource), ctx);

test('the role session a function calls as', () => {
  assert.equal(sessionArnOf(caller.roleArn, 'orders-worker'), caller.sessionArn);
  assert.equal(sessionArnOf('not-an-arn', 'f'), undefined);
});

test('principals: everyone, the account, the role, the session; never a service or another account', () => {
  assert.ok(allows({ Principal: '*' }));
  assert.ok(allows({ Principal: '000000000000' }));
  assert.ok(allows({ Principal: caller.roleArn }));
  assert.ok(allows({ Principal: caller.sessionArn }));
  assert.ok(!allows({ Principal: 'arn:aws:iam::000000000000:role/other-role' }));
  assert.ok(!allows({ Principal: 'arn:aws:sts::000000000000:assumed-role/worker-role/another-function' }));
  assert.ok(!allows({ Principal: 's3.amazonaws.com' }));
  assert.ok(!allows({ Principal: '111122223333' }));
});

test('actions: exact (case-insensitive), lambda:* and *; InvokeFunctionUrl is another action', () => {
  assert.ok(allows({ Principal: '*', Action: 'lambda:invokefunction' }));
  assert.ok(allows({ Principal: '*', Action: 'lambda:*' }));
  assert.ok(allows({ Principal: '*', Action: '*' }));
  assert.ok(!allows({ Principal: '*', Action: 'lambda:GetFunction' }));
  assert.ok(!allows({ Principal: '*', Action: 'lambda:InvokeFunctionUrl' }));
  const url: InvokeRequestContext = { action: 'lambda:InvokeFunctionUrl', caller, functionUrlAuthType: 'AWS_IAM' };
  assert.ok(allows({ Principal: '*', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'AWS_IAM' }, url));
  assert.ok(!allows({ Principal: '*', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' }, url));
  assert.ok(!allows({ Principal: '*', FunctionUrlAuthType: 'AWS_IAM' }), 'an Invoke call has no URL auth type');
  assert.ok(!allows({ Principal: '*', Action: 'lambda:*', InvokedViaFunctionUrl: true }));
  assert.ok(allows({ Principal: '*', Action: 'lambda:*', InvokedViaFunctionUrl: true }, url));
});

test('conditions: SourceArn with ArnLike wildcards, SourceAccount; unknown keys deny', () => {
  assert.ok(allows({ Principal: '000000000000', SourceArn: caller.functionArn }));
  assert.ok(allows({ Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders-*' }));
  assert.ok(allows({ Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders-worke?' }));
  assert.ok(!allows({ Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders' }));
  assert.ok(!allows({ Principal: '000000000000', SourceArn: 'arn:aws:lambda:us-east-1:000000000000:*:orders-worker-x' }));
  assert.ok(!allows({ Principal: '000000000000', SourceArn: 'arn:aws:s3:::orders-worker' }));
  assert.ok(allows({ Principal: '*', SourceAccount: '000000000000' }));
  assert.ok(!allows({ Principal: '*', SourceAccount: '111122223333' }));
  assert.ok(!allows({ Principal: '*', PrincipalOrgID: 'o-1234567890' }));
  assert.ok(!allows({ Principal: '*', EventSourceToken: 'amzn1.ask.skill.x' }));
  const odd = { Sid: 's', Effect: 'Allow' as const, Principal: '*' as const, Action: '*', Resource: resource, Condition: { NumericLessThan: { 'aws:SourceAccount': '1' } } };
  assert.ok(!statementAllows(odd, invoke), 'an operator Gust does not know denies');
});
