// Turns AddPermission's parameters into the policy statement Lambda stores and returns: the
// principal in IAM's form, the optional fields as conditions, every field checked against
// Lambda's patterns first so that bad input changes nothing.
import { GustError, invalidParameter } from '../errors.js';
import type { PolicyStatement } from '../storage/policy-store.js';

const STATEMENT_ID = /^[a-zA-Z0-9-_]+$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const ARN = /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d)?:(\d{12})?:(.*)$/;
const SOURCE_ACCOUNT = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const EVENT_SOURCE_TOKEN = /^[a-zA-Z0-9._-]{0,256}$/;
const URL_AUTH_TYPES = ['NONE', 'AWS_IAM'];
/** IAM users and roles, and the session a role is assumed in (how a function's own calls appear). */
const IAM_PRINCIPAL = /^arn:aws[a-zA-Z-]*:(iam::\d{12}:(root|(user|role)\/[\w+=,.@/-]{1,512})|sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{1,64})$/;

function validation(field: string, value: unknown, constraint: string): GustError {
  const shown = String(value).slice(0, 200);
  return new GustError('ValidationException', `1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string.`);
  return value;
}

function requiredString(body: Record<string, unknown>, key: string, field: string): string {
  const value = optionalString(body, key);
  if (value === undefined) throw new GustError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function matching(value: string | undefined, pattern: RegExp, field: string): string | undefined {
  if (value !== undefined && !pattern.test(value)) throw validation(field, value, `Member must satisfy regular expression pattern: ${pattern.source.slice(1, -1)}`);
  return value;
}

/** The Principal element for AddPermission's Principal parameter, as Lambda writes it. */
function principalElement(principal: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(principal)) return { Service: principal };
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (IAM_PRINCIPAL.test(principal)) return { AWS: principal };
  throw invalidParameter('The provided principal was invalid. Please check the principal and try again.');
}

export interface PermissionRequest {
  statementId: string;
  revisionId?: string;
  build(resourceArn: string): PolicyStatement;
}

/** Checks AddPermission's body; `build` then makes the statement for the resource it names. */
export function parsePermissionRequest(body: Record<string, unknown>): PermissionRequest {
  const statementId = requiredString(body, 'StatementId', 'statementId');
  // AWS prints the pattern without its length bound; the length has its own message.
  if (statementId.length > 100) throw validation('statementId', statementId, 'Member must have length less than or equal to 100');
  if (!STATEMENT_ID.test(statementId)) throw validation('statementId', statementId, 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
  const action = matching(requiredString(body, 'Action', 'action'), ACTION, 'action')!;
  const principal = requiredString(body, 'Principal', 'principal');
  if (!/^[^\s]+$/.test(principal)) throw validation('principal', principal, 'Member must satisfy regular expression pattern: [^\\s]+');
  const sourceArn = matching(optionalString(body, 'SourceArn'), ARN, 'sourceArn');
  const sourceAccount = matching(optionalString(body, 'SourceAccount'), SOURCE_ACCOUNT, 'sourceAccount');
  const orgId = matching(optionalString(body, 'PrincipalOrgID'), ORG_ID, 'principalOrgID');
  const eventSourceToken = matching(optionalString(body, 'EventSourceToken'), EVENT_SOURCE_TOKEN, 'eventSourceToken');
  const urlAuthType = optionalString(body, 'FunctionUrlAuthType');
  if (urlAuthType !== undefined && !URL_AUTH_TYPES.includes(urlAuthType)) {
    throw validation('functionUrlAuthType', urlAuthType, `Member must satisfy enum value set: [${URL_AUTH_TYPES.join(', ')}]`);
  }
  const viaUrl = body.InvokedViaFunctionUrl;
  if (viaUrl !== undefined && viaUrl !== null && typeof viaUrl !== 'boolean') throw invalidParameter('InvokedViaFunctionUrl must be a boolean.');
  const revisionId = optionalString(body, 'RevisionId');
  const principalElementValue = principalElement(principal);

  // The order of the condition keys is the order Lambda writes them in.
  const stringEquals: Record<string, string> = {};
  if (sourceAccount !== undefined) stringEquals['AWS:SourceAccount'] = sourceAccount;
  if (urlAuthType !== undefined) stringEquals['lambda:FunctionUrlAuthType'] = urlAuthType;
  if (orgId !== undefined) stringEquals['aws:PrincipalOrgID'] = orgId;
  if (eventSourceToken !== undefined) stringEquals['lambda:EventSourceToken'] = eventSourceToken;
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(stringEquals).length > 0) condition.StringEquals = stringEquals;
  if (sourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
  if (viaUrl === true) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };

  return {
    statementId,
    revisionId,
    build: (resourceArn) => ({
      Sid: statementId,
      Effect: 'Allow',
      Principal: principalElementValue,
      Action: action,
      Resource: resourceArn,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    }),
  };
}
