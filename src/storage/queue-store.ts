// The store of the SQS-compatible queues, as an async interface: queues (attributes, tags),
// their messages with visibility leases, FIFO deduplication and message-move tasks. What it
// acknowledges is committed; a claim hands a message to one receiver only (one transaction).
// The SQL implementation is sql-queue-store.ts; the shared contract is queue-store.contract.ts.

export interface QueueRecord {
  name: string;
  /** The settable attributes as SQS spells them (VisibilityTimeout, RedrivePolicy...), strings. */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
}

/** A message as sent: the caller computed its id, checksums' inputs and when it becomes visible. */
export interface NewQueueMessage {
  messageId: string;
  body: string;
  /** Message attributes and message system attributes as sent (JSON-able), if any. */
  messageAttributes?: unknown;
  systemAttributes?: unknown;
  senderId: string;
  /** FIFO only. */
  groupId?: string;
  dedupId?: string;
  sentAt: number;
  visibleAt: number;
}

export interface QueueMessage extends NewQueueMessage {
  /** The queue's order, unique per store; the SequenceNumber of a FIFO message. */
  seq: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  /** The random part of the current receipt handle (null before the first receive). */
  receipt: string | null;
}

export interface ClaimOptions {
  max: number;
  now: number;
  /** The claimed messages are invisible until then. */
  visibleUntil: number;
  /** FIFO: in order per group, and no message of a group with one in flight. */
  fifo: boolean;
  /** Messages sent before this are dropped first (MessageRetentionPeriod). */
  expiredBefore: number;
  /** A message already received this many times moves to the dead-letter queue instead. */
  deadLetter?: { queue: string; maxReceiveCount: number };
  /** A fresh random token per claimed message: its receipt. */
  newReceipt: () => string;
}

export type ReceiptCheck = 'ok' | 'gone' | 'stale' | 'not-in-flight';

export interface SendResult {
  messageId: string;
  seq: number;
  /** FIFO: the deduplication id was seen within the window; the earlier message stands. */
  duplicate: boolean;
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface QueueStore {
  /** False (and nothing changed) when a queue of that name exists. */
  createQueue(q: QueueRecord): Promise<boolean>;
  getQueue(name: string): Promise<QueueRecord | undefined>;
  /** Names in order, starting with `prefix`, after `after`; at most `limit`. */
  listQueues(prefix: string, after: string, limit: number): Promise<string[]>;
  /** Replaces attributes and/or tags; false when the queue does not exist. */
  updateQueue(name: string, change: { attributes?: Record<string, string>; tags?: Record<string, string> }, now: number): Promise<boolean>;
  /** Deletes the queue with its messages and dedup ids; false when it did not exist. */
  deleteQueue(name: string): Promise<boolean>;

  /** Stores messages in one transaction; with `dedupSince`, a dedup id seen since then is a duplicate. */
  send(queue: string, messages: NewQueueMessage[], dedupSince?: number): Promise<SendResult[]>;
  /** Hands out up to `max` visible messages, each to this caller only; moves over-received ones to the DLQ. */
  claim(queue: string, opts: ClaimOptions): Promise<{ received: QueueMessage[]; movedToDeadLetter: number }>;
  /** Deletes a message by the random part of its current receipt. */
  deleteMessage(queue: string, seq: number, receipt: string): Promise<ReceiptCheck>;
  /** Deletes several, each as deleteMessage would, in one transaction (one commit for a batch). */
  deleteMessages(queue: string, messages: { seq: number; receipt: string }[]): Promise<ReceiptCheck[]>;
  /** Sets when an in-flight message becomes visible again. */
  changeVisibility(queue: string, seq: number, receipt: string, visibleAt: number, now: number): Promise<ReceiptCheck>;
  purge(queue: string): Promise<number>;
  /** Deletes the messages sent before `before` (MessageRetentionPeriod); returns how many. */
  dropExpired(queue: string, before: number): Promise<number>;
  counts(queue: string, now: number): Promise<QueueCounts>;
  /** The earliest time after `now` at which a message of the queue becomes visible; null if none. */
  nextVisibleAt(queue: string, now: number): Promise<number | null>;
  /** Moves up to `limit` messages (oldest first) to another queue, visible at once; returns how many. */
  moveMessages(from: string, to: string, limit: number, now: number): Promise<number>;
  count(queue: string): Promise<number>;
  /** Up to `limit` messages in queue order, without receiving them (Gust's dead-letter listing). */
  peek(queue: string, limit: number): Promise<QueueMessage[]>;
  /** Deletes one message by its sequence number, whoever holds it; false when it is gone. */
  deleteBySeq(queue: string, seq: number): Promise<boolean>;

  putMoveTask(handle: string, sourceQueue: string, task: unknown, startedAt: number): Promise<void>;
  /** The newest first. */
  listMoveTasks(sourceQueue: string): Promise<{ handle: string; task: unknown }[]>;
}
