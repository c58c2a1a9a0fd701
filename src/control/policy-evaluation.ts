// Decides whether a statement of a function's resource policy lets a calling function invoke it.
// Gust has no IAM: a function's own key is the function acting as its execution role, and the
// function it is counts as the call's source (AWS:SourceArn). Anything unknown denies.
import type { PolicyStatement } from '../storage/policy-store.js';

export type InvokeAction = 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';

/** Who calls, as the condition keys and principals of a policy can name it. */
export interface CallerIdentity {
  accountId: string;
  /** The calling function's unqualified ARN: the call's AWS:SourceArn. */
  functionArn: string;
  /** Its execution role (`arn:aws:iam::ACCOUNT:role/NAME`), as configured. */
  roleArn?: string;
  /** The role session a function's calls appear as on Lambda: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION`. */
  sessionArn?: string;
}

export interface InvokeRequestContext {
  action: InvokeAction;
  caller: CallerIdentity;
  /** Set for a call through a function URL: the URL's AuthType. */
  functionUrlAuthType?: 'NONE' | 'AWS_IAM';
}

/** The role session ARN Lambda gives a function's calls, or undefined for a role it cannot parse. */
export function sessionArnOf(roleArn: string, functionName: string): string | undefined {
  const m = /^arn:(aws[a-zA-Z-]*):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${functionName}` : undefined;
}

/** IAM's `*` and `?` wildcards; everything else matches literally and case-sensitively. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** ArnLike: each of the six colon-separated parts is matched on its own. */
function arnLike(pattern: string, value: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return parts.length < 6 ? null : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  return p !== null && v !== null && p.every((part, i) => globMatches(part, v[i]));
}

function principalMatches(principal: PolicyStatement['Principal'], caller: CallerIdentity): boolean {
  if (principal === '*') return true;
  // A service principal (s3.amazonaws.com, …) names an AWS service, which a function never is.
  if (!('AWS' in principal)) return false;
  const arn = principal.AWS;
  return arn === `arn:aws:iam::${caller.accountId}:root` || arn === caller.roleArn || arn === caller.sessionArn;
}

function actionMatches(granted: string, action: InvokeAction): boolean {
  const g = granted.toLowerCase();
  return g === '*' || g === 'lambda:*' || g === action.toLowerCase();
}

/** The value a condition key has for this call; undefined when the call does not carry it. */
function contextValue(key: string, ctx: InvokeRequestContext): string | undefined {
  switch (key.toLowerCase()) {
    case 'aws:sourcearn':
      return ctx.caller.functionArn;
    case 'aws:sourceaccount':
      return ctx.caller.accountId;
    case 'lambda:functionurlauthtype':
      return ctx.functionUrlAuthType;
    case 'lambda:invokedviafunctionurl':
      return String(ctx.functionUrlAuthType !== undefined);
    default:
      // aws:PrincipalOrgID (Gust has no organizations), lambda:EventSourceToken (Alexa), others.
      return undefined;
  }
}

function conditionHolds(operator: string, actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  switch (operator) {
    case 'StringEquals':
      return actual === expected;
    case 'StringLike':
      return globMatches(expected, actual);
    case 'ArnLike':
      return arnLike(expected, actual);
    case 'ArnEquals':
      return actual === expected;
    case 'Bool':
      return actual === expected.toLowerCase();
    default:
      return false;
  }
}

/** True when the statement allows this call. */
export function statementAllows(statement: PolicyStatement, ctx: InvokeRequestContext): boolean {
  if (statement.Effect !== 'Allow' || !actionMatches(statement.Action, ctx.action) || !principalMatches(statement.Principal, ctx.caller)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, contextValue(key, ctx), expected)),
  );
}

/** A call made by an AWS service on a resource's behalf: S3 invoking a function for a bucket. */
export interface ServiceRequestContext {
  action: InvokeAction;
  /** The service principal, e.g. `s3.amazonaws.com`. */
  service: string;
  /** The resource the service acts for (AWS:SourceArn), e.g. `arn:aws:s3:::BUCKET`. */
  sourceArn: string;
  /** The account that owns it (AWS:SourceAccount). */
  sourceAccount: string;
}

function serviceContextValue(key: string, ctx: ServiceRequestContext): string | undefined {
  switch (key.toLowerCase()) {
    case 'aws:sourcearn':
      return ctx.sourceArn;
    case 'aws:sourceaccount':
      return ctx.sourceAccount;
    default:
      return undefined;
  }
}

/** True when the statement lets the service invoke; a statement naming an IAM principal never does. */
export function serviceStatementAllows(statement: PolicyStatement, ctx: ServiceRequestContext): boolean {
  const principal = statement.Principal;
  const principalOk = principal === '*' || ('Service' in principal && principal.Service.toLowerCase() === ctx.service.toLowerCase());
  if (statement.Effect !== 'Allow' || !actionMatches(statement.Action, ctx.action) || !principalOk) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, serviceContextValue(key, ctx), expected)),
  );
}
