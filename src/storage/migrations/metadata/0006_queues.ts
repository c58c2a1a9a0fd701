// The SQS-compatible queues: queues with their attributes and tags, their messages (one row per
// message, claimed by moving its visible_at), FIFO deduplication ids and message-move tasks.
import type { Kysely } from 'kysely';
import { columnTypes } from '../../dialect.js';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('sqs_queues').ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    // the settable attributes (VisibilityTimeout, RedrivePolicy...) as a JSON object of strings
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('sqs_messages').ifNotExists()
    // also the FIFO SequenceNumber and the order of the queue
    .addColumn('seq', t.serial, (c) => (t.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('queue_name', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // message attributes and system attributes as sent, JSON (null when none)
    .addColumn('message_attributes', 'text')
    .addColumn('system_attributes', 'text')
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('dedup_id', 'text')
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    // not handed out before: the delay at first, then the end of each visibility timeout
    .addColumn('visible_at', 'bigint', (c) => c.notNull())
    .addColumn('receive_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_received_at', 'bigint')
    // the random part of the current receipt handle; null until first received
    .addColumn('receipt', 'text')
    .execute();
  await db.schema.createIndex('sqs_messages_due').ifNotExists().on('sqs_messages').columns(['queue_name', 'visible_at', 'seq']).execute();
  await db.schema.createIndex('sqs_messages_queue_seq').ifNotExists().on('sqs_messages').columns(['queue_name', 'seq']).execute();
  // Retention: the expired messages of a queue, found without reading the rest.
  await db.schema.createIndex('sqs_messages_sent').ifNotExists().on('sqs_messages').columns(['queue_name', 'sent_at']).execute();
  await db.schema.createTable('sqs_dedup').ifNotExists()
    .addColumn('queue_name', 'text', (c) => c.notNull())
    .addColumn('dedup_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('seq', t.millis, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sqs_dedup_pk', ['queue_name', 'dedup_id'])
    .execute();
  await db.schema.createTable('sqs_move_tasks').ifNotExists()
    .addColumn('task_handle', 'text', (c) => c.primaryKey())
    .addColumn('source_queue', 'text', (c) => c.notNull())
    // the task as ListMessageMoveTasks reports it, JSON
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute();
}

export const queues: Migration = { version: 6, name: '0006_queues', up };
