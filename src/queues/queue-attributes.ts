// SQS queue attributes: which can be set and their ranges, the defaults, and the computed ones
// GetQueueAttributes adds (counts, timestamps, ARN). Values are strings, as on the wire.
import { GustError } from '../errors.js';

export const QUEUE_DEFAULTS: Readonly<Record<string, string>> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const FIFO_DEFAULTS: Readonly<Record<string, string>> = { ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' };

const RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 262144],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

const BOOLEANS = ['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled'];
const FREE_TEXT = ['Policy', 'KmsMasterKeyId', 'RedrivePolicy', 'RedriveAllowPolicy', 'DeduplicationScope', 'FifoThroughputLimit'];

/** What GetQueueAttributes computes rather than stores. */
export const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn',
];

export const isSettable = (name: string) => name in RANGES || BOOLEANS.includes(name) || FREE_TEXT.includes(name);
export const isKnownAttribute = (name: string) => isSettable(name) || COMPUTED_ATTRIBUTES.includes(name) || name === 'All';

const invalidValue = (name: string, reason = '') => new GustError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`);

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export function parseRedrivePolicy(text: string): RedrivePolicy | undefined {
  if (text === '') return undefined;
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  const max = Number(value?.maxReceiveCount);
  if (typeof value?.deadLetterTargetArn !== 'string' || !/^arn:aws:sqs:[^:]*:[^:]*:[\w.-]+$/.test(value.deadLetterTargetArn)) {
    throw invalidValue('RedrivePolicy', 'Invalid value for deadLetterTargetArn.');
  }
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalidValue('RedrivePolicy', 'Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  return { deadLetterTargetArn: value.deadLetterTargetArn, maxReceiveCount: max };
}

function checkRedriveAllow(text: string): void {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidValue('RedriveAllowPolicy', 'Redrive allow policy is not a valid JSON map.');
  }
  if (!['allowAll', 'denyAll', 'byQueue'].includes(value?.redrivePermission)) throw invalidValue('RedriveAllowPolicy', 'redrivePermission must be allowAll, denyAll or byQueue.');
  const arns = value.sourceQueueArns;
  if (value.redrivePermission === 'byQueue' && (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || arns.some((a: unknown) => typeof a !== 'string'))) {
    throw invalidValue('RedriveAllowPolicy', 'byQueue needs sourceQueueArns: 1 to 10 queue ARNs.');
  }
  if (value.redrivePermission !== 'byQueue' && arns !== undefined) throw invalidValue('RedriveAllowPolicy', 'sourceQueueArns is only for byQueue.');
}

/**
 * Checks attributes a client sets (CreateQueue or SetQueueAttributes) and returns them normalised
 * (RedrivePolicy as compact JSON with a number). Unknown names: InvalidAttributeName.
 */
export function checkSettable(given: Record<string, string>, fifo: boolean, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(given)) {
    if (!isSettable(name)) throw new GustError('InvalidAttributeName', `Unknown Attribute ${name.slice(0, 100)}.`);
    const value = String(raw);
    if (name in RANGES) {
      const [min, max] = RANGES[name];
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw invalidValue(name, `Must be an integer from ${min} to ${max}.`);
      out[name] = String(Number(value));
    } else if (BOOLEANS.includes(name)) {
      if (!/^(true|false)$/i.test(value)) throw invalidValue(name, 'Must be true or false.');
      out[name] = value.toLowerCase();
    } else if (name === 'RedrivePolicy') {
      const policy = parseRedrivePolicy(value);
      out[name] = policy ? JSON.stringify(policy) : '';
    } else if (name === 'RedriveAllowPolicy') {
      checkRedriveAllow(value);
      out[name] = value;
    } else out[name] = value;
  }
  if (!creating && 'FifoQueue' in out) throw new GustError('InvalidAttributeName', 'Unknown Attribute FifoQueue: it is set when a queue is created.');
  if (!fifo && (out.ContentBasedDeduplication === 'true' || out.FifoQueue === 'true')) throw new GustError('InvalidAttributeName', 'Unknown Attribute ContentBasedDeduplication: only FIFO queues have it.');
  return out;
}

/** The stored attributes of a queue, its defaults filled in. */
export function effectiveAttributes(stored: Record<string, string>, fifo: boolean): Record<string, string> {
  const out: Record<string, string> = { ...QUEUE_DEFAULTS, ...(fifo ? { FifoQueue: 'true', ...FIFO_DEFAULTS } : {}), ...stored };
  if (out.RedrivePolicy === '') delete out.RedrivePolicy;
  delete out.FifoQueue;
  return fifo ? { ...out, FifoQueue: 'true' } : out;
}

export const numberAttribute = (attributes: Record<string, string>, name: string) => Number(attributes[name] ?? QUEUE_DEFAULTS[name]);
