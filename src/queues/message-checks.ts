// What SQS accepts in a message: the body's characters and size, message attributes' names,
// types and values, and FIFO's group and deduplication ids. Each check throws the error SQS
// answers; a batch turns it into a failed entry.
import { GustError } from '../errors.js';
import { createHash, randomUUID } from 'node:crypto';
import type { NewQueueMessage } from '../storage/queue-store.js';
import { attributeSize, type AttributeValue } from './message-md5.js';
import { numberAttribute } from './queue-attributes.js';

/** What a client sends for one message (SendMessage, or a batch entry), unchecked. */
export interface SendInput {
  body: unknown;
  delaySeconds?: number;
  messageAttributes?: unknown;
  /** MessageSystemAttributes: AWSTraceHeader only. */
  systemAttributes?: unknown;
  groupId?: unknown;
  dedupId?: unknown;
}

export interface PreparedMessage {
  message: NewQueueMessage & { body: string; messageAttributes?: Record<string, AttributeValue>; systemAttributes?: Record<string, AttributeValue> };
  /** What counts toward the size limits: the body and the attributes. */
  bytes: number;
}

/** #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (lone surrogates are not). */
const ALLOWED = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

export function checkBody(body: unknown): string {
  if (body === undefined || body === null || body === '') throw new GustError('MissingParameter', 'The request must contain the parameter MessageBody.');
  if (typeof body !== 'string') throw new GustError('InvalidParameterValue', 'MessageBody must be a string.');
  if (!ALLOWED.test(body)) throw new GustError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
  return body;
}

const NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;

/** Validates message attributes; returns them as stored, and the bytes they count toward the limit. */
export function checkMessageAttributes(raw: unknown, what = 'MessageAttribute'): { attributes?: Record<string, AttributeValue>; size: number } {
  if (raw === undefined || raw === null) return { size: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new GustError('InvalidParameterValue', `${what}s must be a map.`);
  const entries = Object.entries(raw as Record<string, any>);
  if (entries.length === 0) return { size: 0 };
  if (entries.length > 10) throw new GustError('InvalidParameterValue', `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  const attributes: Record<string, AttributeValue> = {};
  let size = 0;
  for (const [name, v] of entries) {
    if (!NAME.test(name) || /^(aws\.|amazon\.)/i.test(name)) throw new GustError('InvalidParameterValue', `${what} name '${name.slice(0, 100)}' is invalid: up to 256 letters, digits, _ - and . (not at either end, not twice in a row, not starting with AWS. or Amazon.).`);
    const type = v?.DataType;
    if (typeof type !== 'string' || !/^(String|Number|Binary)(\.[A-Za-z0-9_.-]{1,255})?$/.test(type)) {
      throw new GustError('InvalidParameterValue', `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    const value: AttributeValue = { DataType: type };
    if (type.startsWith('Binary')) {
      if (typeof v.BinaryValue !== 'string' || v.BinaryValue === '') throw new GustError('InvalidParameterValue', `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v.BinaryValue)) throw new GustError('InvalidParameterValue', `The message attribute '${name}' has a BinaryValue that is not base64.`);
      value.BinaryValue = v.BinaryValue;
    } else {
      if (typeof v.StringValue !== 'string' || v.StringValue === '') throw new GustError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type.split('.')[0]}'.`);
      if (!ALLOWED.test(v.StringValue)) throw new GustError('InvalidParameterValue', `Message attribute '${name}' contains invalid characters.`);
      if (type.startsWith('Number') && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.StringValue)) {
        throw new GustError('InvalidParameterValue', `Could not cast message attribute '${name}' value to number.`);
      }
      value.StringValue = v.StringValue;
    }
    attributes[name] = value;
    size += attributeSize(name, value);
  }
  return { attributes, size };
}

/** MessageGroupId / MessageDeduplicationId: 1-128 printable ASCII characters. */
export function checkFifoId(value: unknown, name: 'MessageGroupId' | 'MessageDeduplicationId'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7E]{1,128}$/.test(value)) throw new GustError('InvalidParameterValue', `Value ${String(value).slice(0, 130)} for parameter ${name} is invalid. Reason: It must be 1 to 128 printable ASCII characters.`);
  return value;
}

export function checkInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new GustError('InvalidParameterValue', `Value ${String(value).slice(0, 50)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`);
  }
  return n;
}

/** Checks one message against its queue; throws the error SQS answers for it, or returns the message to store. */
export function prepareMessage(q: { fifo: boolean; effective: Record<string, string> }, input: SendInput, now: number, senderId: string): PreparedMessage {
  const body = checkBody(input.body);
  const { attributes, size } = checkMessageAttributes(input.messageAttributes);
  const system = checkMessageAttributes(input.systemAttributes, 'MessageSystemAttribute');
  for (const key of Object.keys(system.attributes ?? {})) {
    if (key !== 'AWSTraceHeader') throw new GustError('InvalidParameterValue', `Message system attribute name '${key.slice(0, 100)}' is invalid.`);
  }
  const max = numberAttribute(q.effective, 'MaximumMessageSize');
  const bytes = Buffer.byteLength(body) + size;
  if (bytes > max) throw new GustError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
  let groupId = checkFifoId(input.groupId, 'MessageGroupId');
  let dedupId = checkFifoId(input.dedupId, 'MessageDeduplicationId');
  if (q.fifo) {
    if (groupId === undefined) throw new GustError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
    if (input.delaySeconds) throw new GustError('InvalidParameterValue', `Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
    if (dedupId === undefined) {
      if (q.effective.ContentBasedDeduplication !== 'true') {
        throw new GustError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      dedupId = createHash('sha256').update(body, 'utf8').digest('hex');
    }
  } else if (dedupId !== undefined) {
    throw new GustError('InvalidParameterValue', 'The request include parameter MessageDeduplicationId that is not valid for this queue type');
  } else if (groupId !== undefined && groupId === '') groupId = undefined;
  const delay = input.delaySeconds ?? numberAttribute(q.effective, 'DelaySeconds');
  const message = {
    messageId: randomUUID(),
    body,
    messageAttributes: attributes,
    systemAttributes: system.attributes,
    senderId,
    groupId,
    dedupId,
    sentAt: now,
    visibleAt: now + delay * 1000,
  };
  return { message, bytes };
}
