// What the broker runner needs of one source (an MQTT subscription, a NATS subject, a JetStream
// consumer, a RabbitMQ queue, a Redis stream's consumer group, a captured PostgreSQL table): read
// a batch, shape it as the function's event, and acknowledge it only once it is dealt with.
import type { Clock } from '../../clock.js';
import type { BrokerSourceSpec } from '../../storage/event-source-mapping-store.js';

export interface ReadWindow {
  max: number;
  /** How long to wait for the first message before coming back empty. */
  firstWaitMs: number;
  /** After the first message: how long to gather more (MaximumBatchingWindowInSeconds). */
  windowMs: number;
  signal: AbortSignal;
}

export interface BrokerSource<M> {
  /** Connects and subscribes; throws when the broker cannot be reached. */
  connect(): Promise<void>;
  /** The next batch, in the broker's order; throws once the connection is lost. */
  read(window: ReadWindow): Promise<M[]>;
  /** The invocation payload for a batch (or part of one, when bisected). */
  event(batch: M[]): unknown;
  /** The batch was handled (delivered, or given up on and sent to the failure destination). */
  ack(batch: M[]): Promise<void>;
  /** Given up on with no failure destination: the broker's own dead-lettering applies where it has one. */
  reject(batch: M[]): Promise<void>;
  /** A short description of the batch for the failure record (first and last position). */
  describe(batch: M[]): Record<string, unknown>;
  close(): Promise<void>;
}

export interface SourceContext {
  uuid: string;
  spec: BrokerSourceSpec;
  /** A name this node uses for the mapping's competing consumer (group, durable, share name). */
  group: string;
  /** A name for this node's own consumer within the group. */
  consumer: string;
  region: string;
  /** The mapping's BatchSize (flow control: how many unacknowledged messages to take at once). */
  batchSize: number;
  /** The source's identity in events (eventSourceARN). */
  sourceArn: string;
  clock: Clock;
  /**
   * How long a message taken by a node that then went silent stays with it before the broker (or
   * Gust) hands it to another node: JetStream's ack wait, the idle time after which a Redis entry
   * is claimed. The cluster's lease (--lease-seconds), so a dead node's work moves on as its async
   * events do.
   */
  redeliverAfterMs: number;
}

export type SourceFactory = (ctx: SourceContext) => BrokerSource<unknown>;
