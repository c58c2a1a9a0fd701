// A NATS subject (core NATS), subscribed in a queue group named after the mapping so that each
// message goes to one Gust node. Core NATS has no acknowledgement: a message in flight when Gust
// dies is lost (use a JetStream consumer for at-least-once delivery). Subjects are delivered in
// the order the server sends them; the subscription is bounded by the batch buffer.
import { connect, type Msg, type NatsConnection } from 'nats';
import type { BrokerSource, ReadWindow, SourceContext } from './broker-source.js';
import { MessageBuffer } from './message-buffer.js';
import { natsHeaders } from './nats-headers.js';

export class NatsSource implements BrokerSource<Msg> {
  private nc?: NatsConnection;
  private readonly buffer: MessageBuffer<Msg>;

  constructor(private readonly ctx: SourceContext) {
    this.buffer = new MessageBuffer(ctx.clock);
  }

  async connect(): Promise<void> {
    this.nc = await connect({ servers: this.ctx.spec.urls, reconnect: false, timeout: 5000, name: this.ctx.consumer });
    void this.nc.closed().then((err) => this.buffer.fail(err instanceof Error ? err : new Error('the NATS connection closed')));
    this.nc.subscribe(this.ctx.spec.topics[0], { queue: this.ctx.group, callback: (err, msg) => (err ? this.buffer.fail(err) : this.buffer.push(msg)) });
    await this.nc.flush(); // the subscription is in place on the server before the mapping counts as running
  }

  read(window: ReadWindow): Promise<Msg[]> {
    return this.buffer.take(window);
  }

  event(batch: Msg[]): unknown {
    return {
      Records: batch.map((m) => ({ eventSource: 'gust:nats', eventSourceARN: this.ctx.sourceArn, subject: m.subject, data: Buffer.from(m.data).toString('base64'), headers: natsHeaders(m.headers) })),
    };
  }

  async ack(): Promise<void> {}

  async reject(): Promise<void> {}

  describe(batch: Msg[]) {
    return { subjects: [...new Set(batch.map((m) => m.subject))] };
  }

  async close(): Promise<void> {
    this.buffer.fail(new Error('closed'));
    await this.nc?.close().catch(() => {});
  }
}
