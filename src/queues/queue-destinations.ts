// Gust's queues as targets of Lambda's asynchronous invocation: OnSuccess/OnFailure destinations
// and DeadLetterConfig may name a queue's ARN. The built-in dead-letter store is the queue
// `gust-dead-letters`, created on first use; `gust dlq` reads it through QueueDeadLetterStore.
import { GustError } from '../errors.js';
import type { DeadLetter, DeadLetterStore } from '../storage/dead-letter-store.js';
import { DEAD_LETTER_LIST_LIMIT } from '../storage/dead-letter-store.js';
import type { AttributeValue } from './message-md5.js';
import type { Queues } from './queues.js';

export const DEAD_LETTER_QUEUE = 'gust-dead-letters';
/** SQS's longest retention (14 days): dead letters wait for an operator. */
const DEAD_LETTER_RETENTION = '1209600';

const text = (value: string): AttributeValue => ({ DataType: 'String', StringValue: value });

export class QueueDestinations {
  constructor(private readonly queues: Queues) {}

  /** True when the ARN names one of Gust's queues (the dead-letter queue counts: it is made on first use). */
  async exists(arn: string): Promise<boolean> {
    const name = this.queues.nameOfArn(arn);
    return name !== undefined && (name === DEAD_LETTER_QUEUE || (await this.queues.store.getQueue(name)) !== undefined);
  }

  /** Sends one message to the queue an ARN names. */
  async send(arn: string, body: string, attributes?: Record<string, AttributeValue>): Promise<void> {
    const name = this.queues.nameOfArn(arn);
    if (name === undefined) throw new GustError('InvalidParameterValueException', `${arn.slice(0, 200)} is not a queue of this Gust.`);
    if (name === DEAD_LETTER_QUEUE && !(await this.queues.store.getQueue(name))) await this.queues.create(name, { MessageRetentionPeriod: DEAD_LETTER_RETENTION });
    const [result] = await this.queues.send(name, [{ body, messageAttributes: attributes }]);
    if (result instanceof GustError) throw result;
  }

  /** The attributes Lambda puts on a dead-letter message. */
  static deadLetterAttributes(requestId: string, errorMessage: string): Record<string, AttributeValue> {
    return { RequestID: text(requestId), ErrorCode: text('200'), ErrorMessage: text(errorMessage.slice(0, 1000) || 'failed') };
  }
}

/**
 * `gust dlq` over the `gust-dead-letters` queue: each message is one dead letter, its id the
 * message's sequence number. Gust's own attributes say which function and event it came from.
 */
export class QueueDeadLetterStore implements DeadLetterStore {
  constructor(private readonly queues: Queues, private readonly destinations: QueueDestinations, private readonly arn: string) {}

  async add(d: Omit<DeadLetter, 'id' | 'createdAt'>): Promise<void> {
    const record = d.record as { source?: string; MessageAttributes?: { ErrorMessage?: string } };
    // DeadLetterConfig: the event itself, as Lambda sends it; a destination: Lambda's record.
    const isDlq = record?.source === 'DeadLetterConfig';
    const body = isDlq ? d.payload.toString('utf8') : JSON.stringify(d.record);
    await this.destinations.send(this.arn, body, {
      ...(isDlq ? QueueDestinations.deadLetterAttributes(d.requestId, record.MessageAttributes?.ErrorMessage ?? '') : {}),
      'gust-function': text(d.functionName),
      'gust-qualifier': text(d.qualifier),
      'gust-request-id': text(d.requestId),
      'gust-condition': text(d.condition),
      ...(isDlq ? { 'gust-record': text(JSON.stringify(d.record)) } : {}),
    });
  }

  async list(functionName?: string): Promise<DeadLetter[]> {
    if (!(await this.queues.store.getQueue(DEAD_LETTER_QUEUE))) return [];
    const messages = await this.queues.store.peek(DEAD_LETTER_QUEUE, 100_000);
    return messages
      .map((m) => this.toDeadLetter(m))
      .filter((d): d is DeadLetter => d !== undefined && (functionName === undefined || d.functionName === functionName))
      .slice(0, DEAD_LETTER_LIST_LIMIT);
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    return (await this.list()).find((d) => d.id === id);
  }

  async delete(id: number): Promise<void> {
    await this.queues.store.deleteBySeq(DEAD_LETTER_QUEUE, id);
  }

  private toDeadLetter(m: { seq: number; body: string; messageAttributes?: unknown; sentAt: number }): DeadLetter | undefined {
    const attrs = (m.messageAttributes ?? {}) as Record<string, AttributeValue>;
    const get = (key: string) => attrs[key]?.StringValue;
    const functionName = get('gust-function');
    if (functionName === undefined) return undefined; // sent by someone else: not a dead letter Gust can redrive
    const gustRecord = get('gust-record');
    let record: unknown;
    let payload: Buffer;
    if (gustRecord !== undefined) {
      record = JSON.parse(gustRecord);
      payload = Buffer.from(m.body);
    } else {
      record = JSON.parse(m.body);
      const requestPayload = (record as { requestPayload?: unknown }).requestPayload;
      payload = Buffer.from(typeof requestPayload === 'string' ? requestPayload : JSON.stringify(requestPayload ?? {}));
    }
    return { id: m.seq, functionName, qualifier: get('gust-qualifier') ?? '$LATEST', requestId: get('gust-request-id') ?? '', condition: get('gust-condition') ?? '', record, payload, createdAt: m.sentAt };
  }
}
