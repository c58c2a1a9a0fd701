// SQS in a project: AWS::SQS::Queue resources become queues Gust creates, and a function's SQS
// events (serverless `sqs:`, SAM `Type: SQS`) become event-source mappings. Both readers share
// this, so the two project formats name queues and read settings the same way.
import { CliError, EXIT } from '../client.js';
import { queueArn, type ProjectQueue, type QueueEvent } from './project.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** AWS::SQS::Queue properties that are SQS attributes of the same name. */
const ATTRIBUTE_PROPERTIES = ['DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'RedrivePolicy', 'RedriveAllowPolicy'];
/** Accepted and meaningless here (encryption at rest is the disk's). */
const IGNORED_PROPERTIES = new Set(['QueueName', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', 'Tags']);

/** The queue's name: QueueName, or the stack's name and the logical id (CloudFormation adds a random suffix; Gust keeps names stable across deploys). */
export function declaredQueueName(stackId: string, logicalId: string, props: Obj): string {
  if (props.QueueName !== undefined) return String(props.QueueName);
  return `${stackId}-${logicalId}${props.FifoQueue === true || props.FifoQueue === 'true' ? '.fifo' : ''}`.slice(0, 80);
}

/** An evaluated AWS::SQS::Queue resource as the queue to create. */
export function projectQueue(name: string, props: Obj, where: string, unsupported: string[]): ProjectQueue {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (ATTRIBUTE_PROPERTIES.includes(key)) attributes[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    else if (!IGNORED_PROPERTIES.has(key)) unsupported.push(`${where}.${key}`);
  }
  return { name, attributes };
}

/** Queues that others name as their dead-letter queue come first: each must exist before a queue points at it. */
export function inCreationOrder(queues: ProjectQueue[], region: string, accountId: string): ProjectQueue[] {
  const targets = new Set(queues.map((q) => deadLetterTarget(q.attributes.RedrivePolicy)));
  const isTarget = (q: ProjectQueue) => targets.has(queueArn(region, accountId, q.name));
  return [...queues.filter(isTarget), ...queues.filter((q) => !isTarget(q))];
}

/** The dead-letter queue a RedrivePolicy names; a policy that is not JSON is left for CreateQueue to refuse. */
function deadLetterTarget(redrivePolicy: string | undefined): string | undefined {
  try {
    return redrivePolicy ? String(JSON.parse(redrivePolicy).deadLetterTargetArn) : undefined;
  } catch {
    return undefined;
  }
}

/** What Ref and Fn::GetAtt give for a queue: its URL, and its Arn, QueueName or QueueUrl. */
export function queueAttribute(name: string, attribute: string | undefined, at: { region: string; accountId: string; endpoint: string }): string | undefined {
  const url = `${at.endpoint.replace(/\/+$/, '')}/${at.accountId}/${name}`;
  if (attribute === undefined || attribute === 'QueueUrl') return url;
  if (attribute === 'Arn') return queueArn(at.region, at.accountId, name);
  if (attribute === 'QueueName') return name;
  return undefined;
}

function wholeNumber(value: unknown, where: string, file: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${file}: ${where} must be a whole number, got '${String(value)}'.`, EXIT.usage);
  return n;
}

function arnOf(value: unknown, where: string, file: string): string {
  if (typeof value !== 'string' || !/^arn:aws:sqs:[^:]*:[^:]*:[^:]+$/.test(value)) {
    throw new CliError(`${file}: ${where} must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME, or a reference to a queue the project declares), got ${JSON.stringify(value)}.`, EXIT.usage);
  }
  return value;
}

/** SAM `Type: SQS` properties, evaluated. */
export function samQueueEvent(p: Obj, where: string): QueueEvent {
  const file = 'template.yaml';
  const filters: Obj[] = Array.isArray(p.FilterCriteria?.Filters) ? p.FilterCriteria.Filters : [];
  return {
    queueArn: arnOf(p.Queue, `${where}.Properties.Queue`, file),
    batchSize: wholeNumber(p.BatchSize, `${where}.Properties.BatchSize`, file),
    maximumBatchingWindow: wholeNumber(p.MaximumBatchingWindowInSeconds, `${where}.Properties.MaximumBatchingWindowInSeconds`, file),
    enabled: p.Enabled !== false && p.Enabled !== 'false',
    functionResponseTypes: Array.isArray(p.FunctionResponseTypes) ? p.FunctionResponseTypes.map(String) : [],
    filterPatterns: filters.map((f) => (typeof f.Pattern === 'string' ? f.Pattern : JSON.stringify(f.Pattern))),
    maximumConcurrency: wholeNumber(p.ScalingConfig?.MaximumConcurrency, `${where}.Properties.ScalingConfig.MaximumConcurrency`, file),
  };
}

/** Serverless `sqs:` event: an ARN, or `{ arn, batchSize, maximumBatchingWindow, enabled, functionResponseType, filterPatterns, maximumConcurrency }`. */
export function serverlessQueueEvent(spec: unknown, where: string): QueueEvent {
  const file = 'serverless.yml';
  const s: Obj = isObj(spec) ? spec : { arn: spec };
  return {
    queueArn: arnOf(s.arn, `${where}.arn`, file),
    batchSize: wholeNumber(s.batchSize, `${where}.batchSize`, file),
    maximumBatchingWindow: wholeNumber(s.maximumBatchingWindow, `${where}.maximumBatchingWindow`, file),
    enabled: s.enabled !== false && s.enabled !== 'false',
    functionResponseTypes: s.functionResponseType ? [String(s.functionResponseType)] : [],
    filterPatterns: (Array.isArray(s.filterPatterns) ? s.filterPatterns : []).map((f: unknown) => (typeof f === 'string' ? f : JSON.stringify(f))),
    maximumConcurrency: wholeNumber(s.maximumConcurrency, `${where}.maximumConcurrency`, file),
  };
}
