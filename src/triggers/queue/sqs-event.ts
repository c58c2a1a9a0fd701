// The event Lambda hands a function for an SQS batch (Records[] with messageId, receiptHandle,
// body, attributes, messageAttributes, md5OfBody, eventSource, eventSourceARN, awsRegion), the
// record event filtering sees, and the reading of a ReportBatchItemFailures response.
import { md5Hex, type AttributeValue } from '../../queues/message-md5.js';
import type { ReceivedMessage } from '../../queues/queues.js';

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export function sqsRecord(m: ReceivedMessage, queueArn: string, region: string, fifo: boolean): SqsRecord {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    SenderId: m.senderId,
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  const system = (m.systemAttributes ?? {}) as Record<string, AttributeValue>;
  if (system.AWSTraceHeader?.StringValue) attributes.AWSTraceHeader = system.AWSTraceHeader.StringValue;
  if (fifo) {
    attributes.SequenceNumber = String(m.seq).padStart(20, '0');
    if (m.groupId !== undefined && m.groupId !== null) attributes.MessageGroupId = m.groupId;
    if (m.dedupId !== undefined && m.dedupId !== null) attributes.MessageDeduplicationId = m.dedupId;
  }
  const messageAttributes: SqsRecord['messageAttributes'] = {};
  for (const [name, a] of Object.entries((m.messageAttributes ?? {}) as Record<string, AttributeValue>)) {
    messageAttributes[name] = {
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: a.DataType,
    };
  }
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes,
    messageAttributes,
    md5OfBody: md5Hex(m.body),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** What event filtering matches against: the record, with a JSON body parsed. */
export function filterView(r: SqsRecord): Record<string, unknown> {
  let body: unknown = r.body;
  try {
    const parsed = JSON.parse(r.body);
    if (typeof parsed === 'object' && parsed !== null) body = parsed;
  } catch {
    // not JSON: matched as the string it is
  }
  return { ...r, body };
}

/**
 * The messages a ReportBatchItemFailures response says failed: [] for success (an empty or null
 * list, an empty answer); 'all' when the response is not one Lambda accepts (then the whole batch
 * failed, as Lambda treats it).
 */
export function failedItems(payload: Buffer | undefined, batchIds: ReadonlySet<string>): string[] | 'all' {
  const text = payload?.toString('utf8').trim() ?? '';
  if (text === '' || text === 'null') return [];
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return 'all';
  }
  if (response === null || typeof response !== 'object' || Array.isArray(response)) return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return [];
  if (!Array.isArray(failures)) return 'all';
  const ids: string[] = [];
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    ids.push(id);
  }
  return ids;
}
