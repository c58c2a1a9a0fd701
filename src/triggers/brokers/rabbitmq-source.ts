// A RabbitMQ queue, consumed with manual acknowledgement and a prefetch of one batch: several
// Gust nodes are competing consumers of the queue. Events have Lambda's Amazon MQ for RabbitMQ
// shape (eventSource aws:rmq, rmqMessagesByQueue keyed "queue::vhost", base64 data). A batch
// given up on with no OnFailure destination is rejected without requeue (the queue's own
// dead-letter exchange applies).
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { BrokerSource, ReadWindow, SourceContext } from './broker-source.js';
import { MessageBuffer } from './message-buffer.js';

export class RabbitMqSource implements BrokerSource<ConsumeMessage> {
  private connection?: ChannelModel;
  private channel?: Channel;
  private readonly buffer: MessageBuffer<ConsumeMessage>;
  private readonly queue: string;
  private readonly vhost: string;

  constructor(private readonly ctx: SourceContext) {
    this.buffer = new MessageBuffer(ctx.clock);
    this.queue = ctx.spec.queues[0];
    this.vhost = decodeURIComponent(new URL(ctx.spec.urls[0]).pathname.slice(1)) || '/';
  }

  async connect(): Promise<void> {
    this.connection = await amqp.connect(this.ctx.spec.urls[0], { timeout: 5000 });
    const lost = (err?: Error) => this.buffer.fail(err ?? new Error('the RabbitMQ connection closed'));
    this.connection.on('error', lost);
    this.connection.on('close', () => lost());
    this.channel = await this.connection.createChannel();
    this.channel.on('error', lost);
    this.channel.on('close', () => lost(new Error('the RabbitMQ channel closed')));
    await this.channel.prefetch(Math.min(this.ctx.batchSize, 65_535));
    await this.channel.checkQueue(this.queue);
    await this.channel.consume(this.queue, (m) => (m ? this.buffer.push(m) : lost(new Error(`the queue ${this.queue} was deleted`))), { noAck: false, consumerTag: `${this.ctx.consumer}-${this.ctx.uuid}` });
  }

  read(window: ReadWindow): Promise<ConsumeMessage[]> {
    return this.buffer.take(window);
  }

  event(batch: ConsumeMessage[]): unknown {
    return {
      eventSource: 'aws:rmq',
      eventSourceArn: this.ctx.sourceArn,
      rmqMessagesByQueue: {
        [`${this.queue}::${this.vhost}`]: batch.map((m) => ({
          basicProperties: basicProperties(m),
          redelivered: m.fields.redelivered,
          data: m.content.toString('base64'),
        })),
      },
    };
  }

  async ack(batch: ConsumeMessage[]): Promise<void> {
    for (const m of batch) this.channel!.ack(m);
  }

  async reject(batch: ConsumeMessage[]): Promise<void> {
    for (const m of batch) this.channel!.nack(m, false, false);
  }

  describe(batch: ConsumeMessage[]) {
    return { queue: this.queue, virtualHost: this.vhost, firstDeliveryTag: batch[0]?.fields.deliveryTag, lastDeliveryTag: batch.at(-1)?.fields.deliveryTag };
  }

  async close(): Promise<void> {
    this.buffer.fail(new Error('closed'));
    await this.connection?.close().catch(() => {});
  }
}

/** Lambda's basicProperties: every AMQP property, null when absent, and the body's size. */
function basicProperties(m: ConsumeMessage) {
  const p = m.properties;
  return {
    contentType: p.contentType ?? null,
    contentEncoding: p.contentEncoding ?? null,
    headers: p.headers ?? {},
    deliveryMode: p.deliveryMode ?? null,
    priority: p.priority ?? null,
    correlationId: p.correlationId ?? null,
    replyTo: p.replyTo ?? null,
    expiration: p.expiration ?? null,
    messageId: p.messageId ?? null,
    timestamp: p.timestamp ?? null,
    type: p.type ?? null,
    userId: p.userId ?? null,
    appId: p.appId ?? null,
    clusterId: p.clusterId ?? null,
    bodySize: m.content.length,
  };
}
