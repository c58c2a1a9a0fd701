// The SQS operations over the JSON protocol's shapes (botocore's sqs/2012-11-05): input as the
// JSON body has it, output as the JSON answer has it. The Query protocol converts to and from
// these shapes (sqs-query.ts), so each operation is written once.
import { randomUUID } from 'node:crypto';
import { GustError } from '../../errors.js';
import { checkInteger } from '../../queues/message-checks.js';
import { md5Hex as createMd5, md5OfAttributes, type AttributeValue } from '../../queues/message-md5.js';
import { COMPUTED_ATTRIBUTES, isKnownAttribute } from '../../queues/queue-attributes.js';
import { sequenceNumber, type Queues, type ReceivedMessage, type SentMessage } from '../../queues/queues.js';
import { runBatch } from './sqs-batch.js';

type Params = Record<string, any>;
export type SqsOperation = (p: Params, signal: AbortSignal) => Promise<Params>;

const stringMap = (value: unknown, what: string): Record<string, string> => {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new GustError('InvalidParameterValue', `${what} must be a map of strings.`);
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, String(v)]));
};
const stringList = (value: unknown, what: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new GustError('InvalidParameterValue', `${what} must be a list of strings.`);
  return value;
};

const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber', 'AWSTraceHeader'];

function sentShape(s: SentMessage): Params {
  return {
    MessageId: s.messageId,
    MD5OfMessageBody: s.md5OfBody,
    ...(s.md5OfMessageAttributes ? { MD5OfMessageAttributes: s.md5OfMessageAttributes } : {}),
    ...(s.md5OfMessageSystemAttributes ? { MD5OfMessageSystemAttributes: s.md5OfMessageSystemAttributes } : {}),
    ...(s.sequenceNumber ? { SequenceNumber: s.sequenceNumber } : {}),
  };
}

function messageShape(m: ReceivedMessage, systemNames: string[], attributeNames: string[]): Params {
  const all = systemNames.includes('All');
  const system: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  if (m.groupId !== undefined) system.MessageGroupId = m.groupId;
  if (m.dedupId !== undefined) Object.assign(system, { MessageDeduplicationId: m.dedupId, SequenceNumber: sequenceNumber(m.seq) });
  const trace = (m.systemAttributes as Record<string, AttributeValue> | undefined)?.AWSTraceHeader?.StringValue;
  if (trace !== undefined) system.AWSTraceHeader = trace;
  const attributes = Object.fromEntries(Object.entries(system).filter(([k]) => all || systemNames.includes(k)));
  const wantAll = attributeNames.includes('All') || attributeNames.includes('.*');
  const given = (m.messageAttributes ?? {}) as Record<string, AttributeValue>;
  const chosen = Object.fromEntries(
    Object.entries(given).filter(([k]) => wantAll || attributeNames.some((n) => (n.endsWith('.*') ? k.startsWith(n.slice(0, -1)) : n === k))),
  );
  const md5 = md5OfAttributes(chosen);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: createMd5(m.body),
    Body: m.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(md5 ? { MD5OfMessageAttributes: md5, MessageAttributes: chosen } : {}),
  };
}

export function sqsOperations(queues: Queues): Record<string, SqsOperation> {
  const nameOf = (p: Params) => queues.nameOfUrl(p.QueueUrl);
  return {
    CreateQueue: async (p) => ({ QueueUrl: await queues.create(p.QueueName, stringMap(p.Attributes, 'Attributes'), stringMap(p.tags, 'tags')) }),
    DeleteQueue: async (p) => (await queues.delete(nameOf(p)), {}),
    GetQueueUrl: async (p) => {
      if (typeof p.QueueName !== 'string' || p.QueueName === '') throw new GustError('MissingParameter', 'The request must contain the parameter QueueName.');
      await queues.require(p.QueueName);
      return { QueueUrl: queues.urlOf(p.QueueName) };
    },
    ListQueues: async (p) => {
      const prefix = typeof p.QueueNamePrefix === 'string' ? p.QueueNamePrefix : '';
      const paged = p.MaxResults !== undefined && p.MaxResults !== null;
      const max = checkInteger(p.MaxResults, 'MaxResults', 1, 1000) ?? 1000;
      const after = typeof p.NextToken === 'string' ? Buffer.from(p.NextToken, 'base64url').toString('utf8') : '';
      const names = await queues.store.listQueues(prefix, after, max + 1);
      const page = names.slice(0, max);
      return {
        ...(page.length > 0 ? { QueueUrls: page.map((n) => queues.urlOf(n)) } : {}),
        ...(paged && names.length > max ? { NextToken: Buffer.from(page[page.length - 1]).toString('base64url') } : {}),
      };
    },
    GetQueueAttributes: async (p) => {
      const names = stringList(p.AttributeNames, 'AttributeNames');
      for (const n of names) if (!isKnownAttribute(n)) throw new GustError('InvalidAttributeName', `Unknown Attribute ${n.slice(0, 100)}.`);
      const name = nameOf(p);
      const q = await queues.require(name);
      const counts = await queues.counts(name);
      const computed: Record<string, string> = {
        ApproximateNumberOfMessages: String(counts.visible),
        ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
        ApproximateNumberOfMessagesDelayed: String(counts.delayed),
        CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
        LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
        QueueArn: queues.arnOf(name),
      };
      const all: Record<string, string> = { ...q.effective, ...computed };
      const wanted = names.includes('All') ? Object.keys(all) : names;
      const attributes = Object.fromEntries(wanted.filter((n) => all[n] !== undefined).map((n) => [n, all[n]]));
      return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
    },
    SetQueueAttributes: async (p) => {
      const attributes = stringMap(p.Attributes, 'Attributes');
      for (const n of Object.keys(attributes)) if (COMPUTED_ATTRIBUTES.includes(n)) throw new GustError('InvalidAttributeName', `Unknown Attribute ${n}.`);
      await queues.setAttributes(nameOf(p), attributes);
      return {};
    },
    PurgeQueue: async (p) => (await queues.purge(nameOf(p)), {}),
    TagQueue: async (p) => {
      const name = nameOf(p);
      const q = await queues.require(name);
      await queues.store.updateQueue(name, { tags: { ...q.tags, ...stringMap(p.Tags, 'Tags') } }, queues.now());
      return {};
    },
    UntagQueue: async (p) => {
      const name = nameOf(p);
      const q = await queues.require(name);
      const tags = { ...q.tags };
      for (const key of stringList(p.TagKeys, 'TagKeys')) delete tags[key];
      await queues.store.updateQueue(name, { tags }, queues.now());
      return {};
    },
    ListQueueTags: async (p) => {
      const q = await queues.require(nameOf(p));
      return Object.keys(q.tags).length > 0 ? { Tags: q.tags } : {};
    },
    SendMessage: async (p) => {
      const [result] = await queues.send(nameOf(p), [sendInput(p)]);
      if (result instanceof GustError) throw result;
      return sentShape(result);
    },
    SendMessageBatch: async (p) =>
      runBatch(p.Entries, async (entries) => {
        const results = await queues.send(nameOf(p), entries.map(sendInput), { wholeBatchLimit: true });
        return results.map((r) => (r instanceof GustError ? r : sentShape(r)));
      }, () => queues.require(nameOf(p))),
    ReceiveMessage: async (p, signal) => {
      const max = checkInteger(p.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10) ?? 1;
      const waitSeconds = checkInteger(p.WaitTimeSeconds, 'WaitTimeSeconds', 0, 20);
      const visibilityTimeout = checkInteger(p.VisibilityTimeout, 'VisibilityTimeout', 0, 43200);
      const systemNames = [...stringList(p.AttributeNames, 'AttributeNames'), ...stringList(p.MessageSystemAttributeNames, 'MessageSystemAttributeNames')];
      for (const n of systemNames) if (n !== 'All' && !SYSTEM_ATTRIBUTES.includes(n) && !isKnownAttribute(n)) throw new GustError('InvalidAttributeName', `Unknown Attribute ${n.slice(0, 100)}.`);
      const attributeNames = stringList(p.MessageAttributeNames, 'MessageAttributeNames');
      const messages = await queues.receive(nameOf(p), { max, waitSeconds, visibilityTimeout, signal });
      return messages.length > 0 ? { Messages: messages.map((m) => messageShape(m, systemNames, attributeNames)) } : {};
    },
    DeleteMessage: async (p) => (await queues.deleteMessage(nameOf(p), p.ReceiptHandle), {}),
    DeleteMessageBatch: async (p) =>
      runBatch(p.Entries, (entries) => each(entries, (e) => queues.deleteMessage(nameOf(p), e.ReceiptHandle)), () => queues.require(nameOf(p))),
    ChangeMessageVisibility: async (p) => {
      const seconds = checkInteger(p.VisibilityTimeout, 'VisibilityTimeout', 0, 43200);
      if (seconds === undefined) throw new GustError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
      await queues.changeVisibility(nameOf(p), p.ReceiptHandle, seconds);
      return {};
    },
    ChangeMessageVisibilityBatch: async (p) =>
      runBatch(
        p.Entries,
        (entries) =>
          each(entries, async (e) => {
            const seconds = checkInteger(e.VisibilityTimeout, 'VisibilityTimeout', 0, 43200) ?? 0;
            await queues.changeVisibility(nameOf(p), e.ReceiptHandle, seconds);
          }),
        () => queues.require(nameOf(p)),
      ),
    ListDeadLetterSourceQueues: async (p) => {
      const name = nameOf(p);
      await queues.require(name);
      return { queueUrls: (await queues.deadLetterSources(name)).map((n) => queues.urlOf(n)) };
    },
    StartMessageMoveTask: async (p) => {
      const source = typeof p.SourceArn === 'string' ? queues.nameOfArn(p.SourceArn) : undefined;
      if (source === undefined || !(await queues.store.getQueue(source))) throw new GustError('ResourceNotFoundException', 'The resource that you specified for the SourceArn parameter doesn\'t exist.');
      const sources = await queues.deadLetterSources(source);
      if (sources.length === 0) throw new GustError('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
      let destination = sources[0];
      if (p.DestinationArn !== undefined && p.DestinationArn !== null) {
        const d = typeof p.DestinationArn === 'string' ? queues.nameOfArn(p.DestinationArn) : undefined;
        if (d === undefined || !(await queues.store.getQueue(d))) throw new GustError('ResourceNotFoundException', 'The resource that you specified for the DestinationArn parameter doesn\'t exist.');
        destination = d;
      }
      const toMove = await queues.store.count(source);
      const startedAt = queues.now();
      // Gust moves the whole backlog at once, in one transaction: the task is complete when it answers.
      const moved = await queues.store.moveMessages(source, destination, toMove, startedAt);
      if (moved > 0) queues.notifier.notify(destination);
      const handle = Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: p.SourceArn })).toString('base64url');
      await queues.store.putMoveTask(handle, source, {
        Status: 'COMPLETED',
        SourceArn: p.SourceArn,
        DestinationArn: queues.arnOf(destination),
        ...(p.MaxNumberOfMessagesPerSecond ? { MaxNumberOfMessagesPerSecond: p.MaxNumberOfMessagesPerSecond } : {}),
        ApproximateNumberOfMessagesMoved: moved,
        ApproximateNumberOfMessagesToMove: toMove,
        StartedTimestamp: startedAt,
      }, startedAt);
      return { TaskHandle: handle };
    },
    ListMessageMoveTasks: async (p) => {
      const source = typeof p.SourceArn === 'string' ? queues.nameOfArn(p.SourceArn) : undefined;
      if (source === undefined || !(await queues.store.getQueue(source))) throw new GustError('ResourceNotFoundException', 'The resource that you specified for the SourceArn parameter doesn\'t exist.');
      const max = checkInteger(p.MaxResults, 'MaxResults', 1, 10) ?? 1;
      return { Results: (await queues.store.listMoveTasks(source)).slice(0, max).map((t) => t.task) };
    },
    CancelMessageMoveTask: async () => {
      throw new GustError('ResourceNotFoundException', 'The task does not exist or is not running: Gust completes a message move task when it starts it.');
    },
  };
}

function sendInput(p: Params) {
  return {
    body: p.MessageBody,
    delaySeconds: checkInteger(p.DelaySeconds, 'DelaySeconds', 0, 900),
    messageAttributes: p.MessageAttributes,
    systemAttributes: p.MessageSystemAttributes,
    groupId: p.MessageGroupId,
    dedupId: p.MessageDeduplicationId,
  };
}

/** Runs `work` per entry; an entry's GustError becomes its failure, anything else propagates. */
async function each(entries: Params[], work: (e: Params) => Promise<void>): Promise<(Params | GustError)[]> {
  const out: (Params | GustError)[] = [];
  for (const e of entries) {
    try {
      await work(e);
      out.push({});
    } catch (err) {
      if (!(err instanceof GustError)) throw err;
      if (err.code === 'QueueDoesNotExist') throw err;
      out.push(err);
    }
  }
  return out;
}
