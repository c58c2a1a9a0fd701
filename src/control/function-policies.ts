// Lambda's resource-based policies: AddPermission, GetPolicy and RemovePermission, one policy per
// function, version or alias, and the check that a function's own key may invoke only what a
// policy grants it. Admin keys are not subject to policies (they are the operator).
import { randomUUID } from 'node:crypto';
import { GustError, invalidParameter } from '../errors.js';
import type { AliasRecord } from '../storage/alias-store.js';
import type { PolicyStatement, PolicyStore } from '../storage/policy-store.js';
import { parseFunctionName, type FunctionRef } from './function-names.js';
import { LATEST, type FunctionRecord } from './function-record.js';
import { serviceStatementAllows, sessionArnOf, statementAllows, type CallerIdentity, type InvokeAction } from './policy-evaluation.js';
import { parsePermissionRequest } from './policy-statement.js';

/** Lambda's limit on the size of a function's policy document. */
const MAX_POLICY_BYTES = 20 * 1024;
const QUALIFIER = /^(\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]{1,128})$/;
const STATEMENT_ID = /^[a-zA-Z0-9-_.]{1,100}$/;
const VERSION = /^[0-9]+$/;
const NO_SUCH_RESOURCE = 'The resource you requested does not exist.';

export interface FunctionPoliciesDeps {
  store: PolicyStore;
  home: { region: string; accountId: string };
  arnOf(name: string, qualifier?: string): string;
  functionRecord(name: string, version: string): Promise<FunctionRecord | undefined> | FunctionRecord | undefined;
  alias(name: string, alias: string): Promise<AliasRecord | undefined> | AliasRecord | undefined;
}

/** How a call reaches the function: through Invoke, or through a function URL of that AuthType. */
export type InvokeVia = { action: 'lambda:InvokeFunction' } | { action: 'lambda:InvokeFunctionUrl'; functionUrlAuthType: 'NONE' | 'AWS_IAM' };

const notFound = (message: string) => new GustError('ResourceNotFoundException', message);
const policyDocument = (statements: PolicyStatement[]) => ({ Version: '2012-10-17', Id: 'default', Statement: statements });

/** A version, or a qualifier that cannot be an alias's name ('$' in it), is a missing function; else a missing alias. */
const missingQualifierMessage = (qualifier: string, arn: string) =>
  VERSION.test(qualifier) || !/^[a-zA-Z0-9_-]+$/.test(qualifier) ? `Function not found: ${arn}` : `Cannot find alias arn: ${arn}`;

export class FunctionPolicies {
  constructor(private readonly deps: FunctionPoliciesDeps) {}

  /** AddPermission: the new statement, as the JSON string Lambda answers with. */
  async add(ref: FunctionRef, body: Record<string, unknown>): Promise<string> {
    const request = parsePermissionRequest(body);
    const qualifier = this.qualifierOf(ref);
    if (ref.qualifier !== undefined && qualifier === LATEST) throw invalidParameter('We currently do not support adding policies for $LATEST.');
    if (!(await this.deps.functionRecord(ref.name, LATEST))) throw notFound(`Function not found: ${this.deps.arnOf(ref.name)}`);
    const targetRevision = await this.revisionOf(ref.name, qualifier);
    if (targetRevision === undefined) {
      throw notFound(missingQualifierMessage(qualifier, this.arn(ref.name, qualifier)));
    }
    const policy = await this.deps.store.get(ref.name, qualifier);
    // Until a function has a policy there is no policy revision to read: its own revision stands in.
    if (request.revisionId !== undefined && request.revisionId !== (policy?.revisionId ?? targetRevision)) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id');
    }
    if (policy?.statements.some((s) => s.Sid === request.statementId)) {
      throw new GustError('ResourceConflictException', `The statement id (${request.statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const statement = request.build(this.arn(ref.name, qualifier));
    const statements = [...(policy?.statements ?? []), statement];
    const size = Buffer.byteLength(JSON.stringify(policyDocument(statements)));
    if (size > MAX_POLICY_BYTES) {
      throw new GustError('PolicyLengthExceededException', `The final policy size (${size}) is bigger than the limit (${MAX_POLICY_BYTES}).`);
    }
    await this.deps.store.put(ref.name, qualifier, { revisionId: randomUUID(), statements });
    return JSON.stringify(statement);
  }

  /** GetPolicy: the policy document as a JSON string, and its revision. */
  async get(ref: FunctionRef): Promise<{ Policy: string; RevisionId: string }> {
    const qualifier = this.qualifierOf(ref);
    const policy = (await this.revisionOf(ref.name, qualifier)) === undefined ? undefined : await this.deps.store.get(ref.name, qualifier);
    if (!policy) throw notFound(NO_SUCH_RESOURCE);
    return { Policy: JSON.stringify(policyDocument(policy.statements)), RevisionId: policy.revisionId };
  }

  /** RemovePermission. */
  async remove(ref: FunctionRef, statementId: string, revisionId: string | undefined): Promise<void> {
    if (!STATEMENT_ID.test(statementId)) {
      throw new GustError('ValidationException', `1 validation error detected: Value '${statementId.slice(0, 200)}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`);
    }
    const qualifier = this.qualifierOf(ref);
    if (!(await this.deps.functionRecord(ref.name, LATEST))) throw notFound(`No policy found for: ${this.deps.arnOf(ref.name)}`);
    if ((await this.revisionOf(ref.name, qualifier)) === undefined) {
      throw notFound(missingQualifierMessage(qualifier, this.arn(ref.name, qualifier)));
    }
    const policy = await this.deps.store.get(ref.name, qualifier);
    if (!policy) throw notFound('No policy is associated with the given resource.');
    if (!policy.statements.some((s) => s.Sid === statementId)) throw notFound(`Statement ${statementId} is not found in resource policy.`);
    if (revisionId !== undefined && revisionId !== policy.revisionId) {
      throw new GustError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    await this.deps.store.put(ref.name, qualifier, { revisionId: randomUUID(), statements: policy.statements.filter((s) => s.Sid !== statementId) });
  }

  /** Drops the policy of a deleted version or alias, or all of a deleted function's. */
  async forget(name: string, qualifier?: string): Promise<void> {
    if (qualifier === undefined) await this.deps.store.deleteFunction(name);
    else await this.deps.store.delete(name, qualifier);
  }

  /**
   * Throws AccessDeniedException unless a statement in the target's policy (the function's own
   * for an unqualified call or $LATEST, else the version's or alias's) lets `callerFunction` in.
   * A target that does not exist has no policy: the caller learns nothing about it.
   */
  async authorizeInvoke(callerFunction: string, nameOrArn: string, qualifier: string | undefined, via: InvokeVia): Promise<void> {
    const ref = parseFunctionName(nameOrArn, this.deps.home);
    if (qualifier !== undefined && ref.qualifier !== undefined && qualifier !== ref.qualifier) {
      throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
    }
    const key = qualifier ?? ref.qualifier ?? LATEST;
    const caller = await this.callerIdentity(callerFunction);
    const ctx = { action: via.action as InvokeAction, caller, functionUrlAuthType: via.action === 'lambda:InvokeFunctionUrl' ? via.functionUrlAuthType : undefined };
    const policy = QUALIFIER.test(key) ? await this.deps.store.get(ref.name, key) : undefined;
    if (policy?.statements.some((s) => statementAllows(s, ctx))) return;
    throw new GustError(
      'AccessDeniedException',
      `User: ${caller.sessionArn ?? caller.functionArn} is not authorized to perform: ${via.action} on resource: ${this.arn(ref.name, key)} because no resource-based policy allows the ${via.action} action`,
    );
  }

  /**
   * S3's check before it accepts a notification to a function: does the policy of the function
   * (or of the version or alias named) let s3.amazonaws.com invoke it for this bucket?
   */
  async allowsS3(functionName: string, qualifier: string | undefined, bucketArn: string): Promise<boolean> {
    const key = qualifier ?? LATEST;
    if (!QUALIFIER.test(key)) return false;
    const policy = await this.deps.store.get(functionName, key);
    const ctx = { action: 'lambda:InvokeFunction' as const, service: 's3.amazonaws.com', sourceArn: bucketArn, sourceAccount: this.deps.home.accountId };
    return policy?.statements.some((s) => serviceStatementAllows(s, ctx)) ?? false;
  }

  private async callerIdentity(functionName: string): Promise<CallerIdentity> {
    const roleArn = (await this.deps.functionRecord(functionName, LATEST))?.role;
    return {
      accountId: this.deps.home.accountId,
      functionArn: this.deps.arnOf(functionName),
      roleArn,
      sessionArn: roleArn === undefined ? undefined : sessionArnOf(roleArn, functionName),
    };
  }

  /** The qualifier a policy is kept under: $LATEST for the function itself. */
  private qualifierOf(ref: FunctionRef): string {
    const qualifier = ref.qualifier ?? LATEST;
    if (!QUALIFIER.test(qualifier)) {
      throw new GustError('ValidationException', `1 validation error detected: Value '${qualifier.slice(0, 200)}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`);
    }
    return qualifier;
  }

  /** The RevisionId of the function, version or alias; undefined when it does not exist. */
  private async revisionOf(name: string, qualifier: string): Promise<string | undefined> {
    if (qualifier === LATEST || VERSION.test(qualifier)) return (await this.deps.functionRecord(name, qualifier))?.revisionId;
    return (await this.deps.alias(name, qualifier))?.revisionId;
  }

  private arn(name: string, qualifier: string): string {
    return this.deps.arnOf(name, qualifier === LATEST ? undefined : qualifier);
  }
}
