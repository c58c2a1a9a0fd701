// What the python-event-recorder fixture was handed: it sends each event to the `seen` queue;
// this reads that queue with the SQS SDK and keeps everything read so far. Also waits on a
// condition with a deadline (no sleeps: short polls that back off).
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { GustProcess } from './gust-process.js';
import { until } from './until.js';

export { until };

export class RecordedQueue {
  readonly items: any[] = [];
  private url?: string;

  constructor(private sqs: SQSClient, readonly name: string) {}

  /** After a restart of Gust (a new port): the same queue through a new client; what was read is kept. */
  reconnect(sqs: SQSClient): void {
    this.sqs = sqs;
    this.url = undefined;
  }

  static client(gust: GustProcess) {
    return new SQSClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });
  }

  async create(): Promise<this> {
    this.url = (await this.sqs.send(new CreateQueueCommand({ QueueName: this.name }))).QueueUrl;
    return this;
  }

  async queueUrl(): Promise<string> {
    this.url ??= (await this.sqs.send(new GetQueueUrlCommand({ QueueName: this.name }))).QueueUrl;
    return this.url!;
  }

  /** Reads what is there now (JSON bodies), deletes it, and keeps it. */
  async drain(): Promise<any[]> {
    const QueueUrl = await this.queueUrl();
    for (;;) {
      const r = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      const messages = r.Messages ?? [];
      if (messages.length === 0) return this.items;
      this.items.push(...messages.map((m) => JSON.parse(m.Body!)));
      await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }

  /** Waits until `pick` over everything read finds what it needs. */
  waitFor<T>(what: string, pick: (items: any[]) => T | undefined, ms?: number): Promise<T> {
    return until(what, async () => pick(await this.drain()), ms);
  }
}
