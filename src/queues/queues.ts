// The SQS-compatible queue service in Gust's own terms: queues, their attributes and tags, and
// messages sent, received (long polls woken by the notifier), deleted and made visible again,
// dead-lettered and moved back. The wire formats live in api/sqs/; the event-source mappings
// use this class directly (send, receive, deleteMessage, changeVisibility, waitForMessages).
import type { Clock } from '../clock.js';
import { GustError } from '../errors.js';
import type { QueueMessage, QueueRecord, QueueStore } from '../storage/queue-store.js';
import { prepareMessage, type PreparedMessage, type SendInput } from './message-checks.js';
import { md5Hex, md5OfAttributes, type AttributeValue } from './message-md5.js';
import { checkSettable, effectiveAttributes, numberAttribute, parseRedrivePolicy } from './queue-attributes.js';
import { QueueNotifier } from './queue-notifier.js';
import { newReceipt, parseReceipt, receiptHandle } from './receipt-handles.js';

export type { SendInput };

export interface QueueHome {
  region: string;
  accountId: string;
  /** Gust's endpoint, `http://host:port`: the base of queue URLs. */
  endpoint: () => string;
}

export interface SentMessage {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  md5OfMessageSystemAttributes?: string;
  /** FIFO only: the message's SequenceNumber. */
  sequenceNumber?: string;
}

export interface ReceivedMessage extends QueueMessage {
  receiptHandle: string;
}

/** The largest total of a batch, and of one message by default (SQS's 256 KB). */
export const MAX_BATCH_BYTES = 262144;
const DEDUP_WINDOW_MS = 5 * 60_000;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export const isFifoName = (name: string) => name.endsWith('.fifo');
export const sequenceNumber = (seq: number) => String(seq).padStart(20, '0');

const noQueue = () => new GustError('QueueDoesNotExist', 'The specified queue does not exist.');

export class Queues {
  readonly notifier: QueueNotifier;

  constructor(private readonly deps: { store: QueueStore; clock: Clock; home: QueueHome; notifier?: QueueNotifier }) {
    this.notifier = deps.notifier ?? new QueueNotifier(deps.clock);
  }

  now() {
    return this.deps.clock.now();
  }

  get store() {
    return this.deps.store;
  }

  urlOf(name: string) {
    return `${this.deps.home.endpoint()}/${this.deps.home.accountId}/${name}`;
  }

  arnOf(name: string) {
    return `arn:aws:sqs:${this.deps.home.region}:${this.deps.home.accountId}:${name}`;
  }

  /** The queue a QueueUrl names (any host: clients reach Gust by many names); its account must be ours. */
  nameOfUrl(url: unknown): string {
    if (url === undefined || url === null || url === '') throw new GustError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    if (typeof url !== 'string') throw new GustError('InvalidParameterValue', 'QueueUrl must be a string.');
    const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/\?.*$/, '');
    const parts = path.split('/').filter((p) => p !== '');
    if (parts.length === 1 && !url.includes('/')) return parts[0];
    if (parts.length !== 2 || parts[0] !== this.deps.home.accountId) throw noQueue();
    return parts[1];
  }

  nameOfArn(arn: string): string | undefined {
    const m = /^arn:aws:sqs:([^:]*):([^:]*):([\w.-]+)$/.exec(arn);
    return m && m[1] === this.deps.home.region && m[2] === this.deps.home.accountId ? m[3] : undefined;
  }

  async require(name: string): Promise<QueueRecord & { fifo: boolean; effective: Record<string, string> }> {
    const q = await this.deps.store.getQueue(name);
    if (!q) throw noQueue();
    const fifo = isFifoName(name);
    return { ...q, fifo, effective: effectiveAttributes(q.attributes, fifo) };
  }

  async create(name: unknown, attributes: Record<string, string> = {}, tags: Record<string, string> = {}): Promise<string> {
    if (typeof name !== 'string' || name === '') throw new GustError('MissingParameter', 'The request must contain the parameter QueueName.');
    const fifo = isFifoName(name);
    if (!QUEUE_NAME.test(fifo ? name.slice(0, -5) : name) || name.length > 80) {
      throw new GustError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    if (fifo !== (String(attributes.FifoQueue ?? 'false').toLowerCase() === 'true')) {
      throw new GustError('InvalidParameterValue', fifo ? 'The name of a FIFO queue must end with .fifo and it needs the attribute FifoQueue=true.' : 'The name of a FIFO queue must end with the .fifo suffix.');
    }
    const settable = checkSettable(attributes, fifo, true);
    delete settable.FifoQueue;
    await this.checkRedriveTarget(name, settable.RedrivePolicy, fifo);
    const now = this.deps.clock.now();
    if (await this.deps.store.createQueue({ name, attributes: settable, tags, createdAt: now, modifiedAt: now })) return this.urlOf(name);
    // Creating an existing queue succeeds when every attribute given has the value it has.
    const existing = await this.require(name);
    for (const [key, value] of Object.entries(settable)) {
      if (existing.effective[key] !== value) throw new GustError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${key}`);
    }
    return this.urlOf(name);
  }

  private async checkRedriveTarget(source: string, policyText: string | undefined, fifo: boolean) {
    if (!policyText) return;
    const policy = parseRedrivePolicy(policyText)!;
    const target = this.nameOfArn(policy.deadLetterTargetArn);
    const dlq = target === undefined ? undefined : await this.deps.store.getQueue(target);
    const invalid = (reason: string) => new GustError('InvalidParameterValue', `Value ${policyText.slice(0, 300)} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
    if (!dlq) throw invalid('Dead letter target does not exist.');
    if (isFifoName(dlq.name) !== fifo) throw invalid('Dead-letter queue must be of the same type (FIFO or standard) as the source queue.');
    // The dead-letter queue's RedriveAllowPolicy says which queues may use it.
    const allow = dlq.attributes.RedriveAllowPolicy ? JSON.parse(dlq.attributes.RedriveAllowPolicy) : { redrivePermission: 'allowAll' };
    const listed = Array.isArray(allow.sourceQueueArns) && allow.sourceQueueArns.includes(this.arnOf(source));
    if (allow.redrivePermission === 'denyAll' || (allow.redrivePermission === 'byQueue' && !listed)) {
      throw invalid(`The dead-letter queue's RedriveAllowPolicy does not allow ${this.arnOf(source)} to use it.`);
    }
  }

  async setAttributes(name: string, attributes: Record<string, string>) {
    const q = await this.require(name);
    const settable = checkSettable(attributes, q.fifo, false);
    await this.checkRedriveTarget(name, settable.RedrivePolicy, q.fifo);
    await this.deps.store.updateQueue(name, { attributes: { ...q.attributes, ...settable } }, this.deps.clock.now());
  }

  async delete(name: string) {
    if (!(await this.deps.store.deleteQueue(name))) throw noQueue();
    this.notifier.notify(name);
  }

  async purge(name: string) {
    await this.require(name);
    await this.deps.store.purge(name);
  }

  /**
   * Sends messages (a batch, or one): each either sent or failed with its error, committed in one
   * transaction before the answer. `wholeBatchLimit` refuses a batch over 256 KB as a whole.
   */
  async send(name: string, inputs: SendInput[], opts: { wholeBatchLimit?: boolean } = {}): Promise<(SentMessage | GustError)[]> {
    const q = await this.require(name);
    const now = this.deps.clock.now();
    const prepared = inputs.map((input) => {
      try {
        return prepareMessage(q, input, now, this.deps.home.accountId);
      } catch (err) {
        if (err instanceof GustError) return err;
        throw err;
      }
    });
    if (opts.wholeBatchLimit) {
      const total = prepared.reduce((sum, p) => sum + (p instanceof GustError ? 0 : p.bytes), 0);
      if (total > MAX_BATCH_BYTES) throw new GustError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`);
    }
    const ok = prepared.filter((p) => !(p instanceof GustError)) as PreparedMessage[];
    const results = await this.deps.store.send(name, ok.map((p) => p.message), q.fifo ? now - DEDUP_WINDOW_MS : undefined);
    if (ok.length > 0) this.notifier.notify(name);
    let i = 0;
    return prepared.map((p) => {
      if (p instanceof GustError) return p;
      const result = results[i++];
      return {
        messageId: result.messageId,
        md5OfBody: md5Hex(p.message.body),
        md5OfMessageAttributes: md5OfAttributes(p.message.messageAttributes),
        md5OfMessageSystemAttributes: md5OfAttributes(p.message.systemAttributes),
        sequenceNumber: q.fifo ? sequenceNumber(result.seq) : undefined,
      };
    });
  }

  /**
   * Receives up to `max` messages, each invisible to others for the visibility timeout. With a
   * wait, returns as soon as one arrives (the notifier wakes it), or empty at the end of the wait.
   * A receiver that has gone away (`signal`) claims nothing.
   */
  async receive(name: string, opts: { max: number; visibilityTimeout?: number; waitSeconds?: number; signal?: AbortSignal }): Promise<ReceivedMessage[]> {
    const clock = this.deps.clock;
    let q = await this.require(name);
    const deadline = clock.now() + (opts.waitSeconds ?? numberAttribute(q.effective, 'ReceiveMessageWaitTimeSeconds')) * 1000;
    for (;;) {
      if (opts.signal?.aborted) return [];
      const now = clock.now();
      const generation = this.notifier.generation(name);
      const redrive = q.effective.RedrivePolicy ? parseRedrivePolicy(q.effective.RedrivePolicy) : undefined;
      const dlq = redrive && this.nameOfArn(redrive.deadLetterTargetArn);
      const { received, movedToDeadLetter } = await this.deps.store.claim(name, {
        max: opts.max,
        now,
        visibleUntil: now + (opts.visibilityTimeout ?? numberAttribute(q.effective, 'VisibilityTimeout')) * 1000,
        fifo: q.fifo,
        expiredBefore: now - numberAttribute(q.effective, 'MessageRetentionPeriod') * 1000,
        deadLetter: dlq && (await this.deps.store.getQueue(dlq)) ? { queue: dlq, maxReceiveCount: redrive!.maxReceiveCount } : undefined,
        newReceipt,
      });
      if (movedToDeadLetter > 0) this.notifier.notify(dlq!);
      // Closed (shutting down): one look, then an empty answer rather than a spin until the deadline.
      if (received.length > 0 || now >= deadline || this.notifier.closed) return received.map((m) => ({ ...m, receiptHandle: receiptHandle(name, m) }));
      const next = await this.deps.store.nextVisibleAt(name, now);
      await this.notifier.wait(name, next === null ? deadline : Math.min(deadline, next), opts.signal, generation);
      q = await this.require(name);
    }
  }

  /** Message counts, the expired ones dropped first (so a queue nobody reads still ages out). */
  async counts(name: string) {
    const q = await this.require(name);
    const now = this.deps.clock.now();
    await this.deps.store.dropExpired(name, now - numberAttribute(q.effective, 'MessageRetentionPeriod') * 1000);
    return this.deps.store.counts(name, now);
  }

  /** Resolves when a message may be receivable (sent, visible again) or at `until`: for pollers. */
  async waitForMessages(name: string, until: number, signal?: AbortSignal): Promise<void> {
    const next = await this.deps.store.nextVisibleAt(name, this.deps.clock.now());
    await this.notifier.wait(name, next === null ? until : Math.min(until, next), signal);
  }

  async deleteMessage(name: string, handle: unknown): Promise<void> {
    await this.require(name);
    const { seq, receipt } = parseReceipt(handle);
    const result = await this.deps.store.deleteMessage(name, seq, receipt);
    // A message already deleted: SQS answers success, so that a retried delete is harmless.
    if (result === 'stale') throw new GustError('ReceiptHandleIsInvalid', `The input receipt handle "${String(handle).slice(0, 200)}" is not a valid receipt handle: the message was received again since.`);
  }

  /** Deletes a batch in one commit (the pollers' successes); a handle that is not valid is skipped. */
  async deleteMessages(name: string, handles: string[]): Promise<void> {
    const parsed = handles.flatMap((h) => {
      try {
        return [parseReceipt(h)];
      } catch {
        return [];
      }
    });
    if (parsed.length > 0) await this.deps.store.deleteMessages(name, parsed);
  }

  async changeVisibility(name: string, handle: unknown, seconds: number): Promise<void> {
    await this.require(name);
    const { seq, receipt } = parseReceipt(handle);
    const now = this.deps.clock.now();
    const result = await this.deps.store.changeVisibility(name, seq, receipt, now + seconds * 1000, now);
    if (result === 'gone' || result === 'stale') throw new GustError('ReceiptHandleIsInvalid', `Value ${String(handle).slice(0, 200)} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
    if (result === 'not-in-flight') throw new GustError('MessageNotInflight', 'The message referred to is not in flight.');
    if (seconds === 0) this.notifier.notify(name);
  }

  /** The queues whose RedrivePolicy names this one as their dead-letter queue. */
  async deadLetterSources(name: string): Promise<string[]> {
    const sources: string[] = [];
    for (let after = ''; ; ) {
      const names = await this.deps.store.listQueues('', after, 1000);
      for (const n of names) {
        const policy = (await this.deps.store.getQueue(n))?.attributes.RedrivePolicy;
        if (policy && parseRedrivePolicy(policy)?.deadLetterTargetArn === this.arnOf(name)) sources.push(n);
      }
      if (names.length < 1000) return sources;
      after = names[names.length - 1];
    }
  }
}

export type { AttributeValue };
