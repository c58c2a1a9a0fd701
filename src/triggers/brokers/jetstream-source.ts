// A JetStream stream read through a durable pull consumer named after the mapping: every Gust
// node fetches from the same consumer, so each message goes to one node. Explicit acknowledgement
// once a batch is dealt with; max_ack_pending of one batch keeps the stream's order across nodes.
// While a batch is in the function, its messages are kept "in progress" so that a slow function
// does not make JetStream redeliver them; a dead node's batch comes back after the ack wait (the cluster's lease).
import { AckPolicy, connect, DeliverPolicy, nanos, type Consumer, type JsMsg, type NatsConnection } from 'nats';
import type { BrokerSource, ReadWindow, SourceContext } from './broker-source.js';
import { natsHeaders } from './nats-headers.js';

const FETCH_EXPIRES_MS = 5000;

export class JetStreamSource implements BrokerSource<JsMsg> {
  private nc?: NatsConnection;
  private consumer?: Consumer;
  private lost?: Error;
  private inProgress?: { clear(): void };
  private readonly stream: string;

  constructor(private readonly ctx: SourceContext) {
    this.stream = ctx.spec.topics[0];
  }

  async connect(): Promise<void> {
    this.nc = await connect({ servers: this.ctx.spec.urls, reconnect: false, timeout: 5000, name: this.ctx.consumer });
    void this.nc.closed().then((err) => (this.lost ??= err instanceof Error ? err : new Error('the NATS connection closed')));
    const jsm = await this.nc.jetstreamManager();
    const config = { ack_wait: nanos(this.ctx.redeliverAfterMs), max_ack_pending: this.ctx.batchSize };
    const existing = await jsm.consumers.info(this.stream, this.ctx.group).catch(() => undefined);
    if (existing) await jsm.consumers.update(this.stream, this.ctx.group, config);
    else {
      await jsm.consumers.add(this.stream, {
        ...config,
        durable_name: this.ctx.group,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: this.ctx.spec.startingPosition === 'LATEST' ? DeliverPolicy.New : DeliverPolicy.All,
      });
    }
    this.consumer = await this.nc.jetstream().consumers.get(this.stream, this.ctx.group);
  }

  async read({ max, windowMs, signal }: ReadWindow): Promise<JsMsg[]> {
    if (this.lost) throw this.lost;
    const batch: JsMsg[] = [];
    const expires = Math.max(FETCH_EXPIRES_MS, windowMs);
    const messages = await this.consumer!.fetch({ max_messages: max, expires });
    const stop = () => messages.stop();
    signal.addEventListener('abort', stop);
    try {
      for await (const m of messages) {
        batch.push(m);
        // Without a batching window, a batch is what is there now: stop at the first pause.
        if (batch.length >= max || (windowMs === 0 && messages.getPending() === 0)) break;
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (this.lost) throw this.lost;
    if (batch.length > 0) this.keepInProgress(batch);
    return batch;
  }

  private keepInProgress(batch: JsMsg[]) {
    // Three marks per ack wait: one delayed mark must not let JetStream hand a live batch to another node.
    const IN_PROGRESS_EVERY_MS = Math.max(200, Math.floor(this.ctx.redeliverAfterMs / 3));
    const tick = () => {
      for (const m of batch) m.working();
      this.inProgress = this.ctx.clock.setTimeout(tick, IN_PROGRESS_EVERY_MS);
    };
    this.inProgress = this.ctx.clock.setTimeout(tick, IN_PROGRESS_EVERY_MS);
  }

  event(batch: JsMsg[]): unknown {
    return {
      Records: batch.map((m) => ({
        eventSource: 'gust:jetstream',
        eventSourceARN: this.ctx.sourceArn,
        stream: m.info.stream,
        sequence: m.info.streamSequence,
        subject: m.subject,
        timestamp: new Date(Math.floor(m.info.timestampNanos / 1e6)).toISOString(),
        redelivered: m.redelivered,
        deliveryCount: m.info.deliveryCount,
        data: Buffer.from(m.data).toString('base64'),
        headers: natsHeaders(m.headers),
      })),
    };
  }

  async ack(batch: JsMsg[]): Promise<void> {
    this.inProgress?.clear();
    // ackAck: the server has recorded each acknowledgement before the runner moves on.
    for (const m of batch) await m.ackAck();
  }

  async reject(batch: JsMsg[]): Promise<void> {
    this.inProgress?.clear();
    for (const m of batch) m.term(); // never redelivered; JetStream advisories report it
  }

  describe(batch: JsMsg[]) {
    return { stream: this.stream, startSequence: batch[0]?.info.streamSequence, endSequence: batch.at(-1)?.info.streamSequence };
  }

  async close(): Promise<void> {
    this.inProgress?.clear();
    await this.nc?.close().catch(() => {});
  }
}
