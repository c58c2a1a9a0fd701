// QueueStore over Kysely (portable SQL: SQLite embedded, or PostgreSQL). A claim selects the
// visible messages and moves their visible_at in one transaction, so no message goes to two
// receivers; on PostgreSQL the select locks what it takes (FOR UPDATE SKIP LOCKED).
import type { Selectable } from 'kysely';
import type { MetadataDb, MetadataTables } from './metadata-tables.js';
import type { ClaimOptions, NewQueueMessage, QueueMessage, QueueRecord, QueueStore, ReceiptCheck, SendResult } from './queue-store.js';
import { isPostgres } from './dialect.js';
import { withinTransaction } from './within-transaction.js';

type MessageRow = Selectable<MetadataTables['sqs_messages']>;

const parse = (text: string | null) => (text === null ? undefined : JSON.parse(text));

const toMessage = (r: MessageRow): QueueMessage => ({
  seq: r.seq,
  messageId: r.message_id,
  body: r.body,
  messageAttributes: parse(r.message_attributes),
  systemAttributes: parse(r.system_attributes),
  senderId: r.sender_id,
  groupId: r.group_id ?? undefined,
  dedupId: r.dedup_id ?? undefined,
  sentAt: Number(r.sent_at),
  visibleAt: Number(r.visible_at),
  receiveCount: r.receive_count,
  firstReceivedAt: r.first_received_at === null ? null : Number(r.first_received_at),
  receipt: r.receipt,
});

const toQueue = (r: Selectable<MetadataTables['sqs_queues']>): QueueRecord => ({
  name: r.name,
  attributes: JSON.parse(r.attributes),
  tags: JSON.parse(r.tags),
  createdAt: Number(r.created_at),
  modifiedAt: Number(r.modified_at),
});

export class SqlQueueStore implements QueueStore {
  constructor(private readonly db: MetadataDb) {}

  async createQueue(q: QueueRecord) {
    // Insert-or-nothing in one statement: two nodes creating one queue at once (PostgreSQL) see one
    // of them create it, where a look then an insert would fail the second on the key.
    const result = await this.db
      .insertInto('sqs_queues')
      .values({ name: q.name, attributes: JSON.stringify(q.attributes), tags: JSON.stringify(q.tags), created_at: q.createdAt, modified_at: q.modifiedAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getQueue(name: string) {
    const row = await this.db.selectFrom('sqs_queues').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toQueue(row);
  }

  async listQueues(prefix: string, after: string, limit: number) {
    // Prefix as a range, not LIKE: names may hold `_`, which LIKE reads as a wildcard.
    let query = this.db.selectFrom('sqs_queues').select('name').where('name', '>', after).where('name', '>=', prefix);
    if (prefix !== '') query = query.where('name', '<', prefix + '\u{10FFFF}');
    const rows = await query.orderBy('name').limit(limit).execute();
    return rows.map((r) => r.name).filter((n) => n.startsWith(prefix));
  }

  async updateQueue(name: string, change: { attributes?: Record<string, string>; tags?: Record<string, string> }, now: number) {
    const set: { modified_at?: number; attributes?: string; tags?: string } = {};
    if (change.attributes) Object.assign(set, { attributes: JSON.stringify(change.attributes), modified_at: now });
    if (change.tags) set.tags = JSON.stringify(change.tags);
    if (Object.keys(set).length === 0) return (await this.getQueue(name)) !== undefined;
    const result = await this.db.updateTable('sqs_queues').set(set).where('name', '=', name).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  deleteQueue(name: string) {
    return withinTransaction(this.db, async (tx) => {
      await tx.deleteFrom('sqs_messages').where('queue_name', '=', name).execute();
      await tx.deleteFrom('sqs_dedup').where('queue_name', '=', name).execute();
      await tx.deleteFrom('sqs_move_tasks').where('source_queue', '=', name).execute();
      const result = await tx.deleteFrom('sqs_queues').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  send(queue: string, messages: NewQueueMessage[], dedupSince?: number) {
    return withinTransaction(this.db, async (tx) => {
      if (dedupSince !== undefined) {
        // Ids older than the window can never match again.
        await tx.deleteFrom('sqs_dedup').where('queue_name', '=', queue).where('created_at', '<', dedupSince).execute();
      }
      const results: SendResult[] = [];
      for (const m of messages) {
        if (dedupSince !== undefined && m.dedupId !== undefined) {
          const seen = await tx
            .selectFrom('sqs_dedup')
            .select(['message_id', 'seq', 'created_at'])
            .where('queue_name', '=', queue)
            .where('dedup_id', '=', m.dedupId)
            .executeTakeFirst();
          if (seen && Number(seen.created_at) >= dedupSince) {
            results.push({ messageId: seen.message_id, seq: seen.seq, duplicate: true });
            continue;
          }
          if (seen) await tx.deleteFrom('sqs_dedup').where('queue_name', '=', queue).where('dedup_id', '=', m.dedupId).execute();
        }
        const row = await tx
          .insertInto('sqs_messages')
          .values({
            queue_name: queue,
            message_id: m.messageId,
            body: m.body,
            message_attributes: m.messageAttributes === undefined ? null : JSON.stringify(m.messageAttributes),
            system_attributes: m.systemAttributes === undefined ? null : JSON.stringify(m.systemAttributes),
            sender_id: m.senderId,
            group_id: m.groupId ?? null,
            dedup_id: m.dedupId ?? null,
            sent_at: m.sentAt,
            visible_at: m.visibleAt,
          })
          .returning('seq')
          .executeTakeFirstOrThrow();
        if (dedupSince !== undefined && m.dedupId !== undefined) {
          await tx.insertInto('sqs_dedup').values({ queue_name: queue, dedup_id: m.dedupId, message_id: m.messageId, seq: row.seq, created_at: m.sentAt }).execute();
        }
        results.push({ messageId: m.messageId, seq: row.seq, duplicate: false });
      }
      return results;
    });
  }

  claim(queue: string, o: ClaimOptions) {
    return withinTransaction(this.db, async (tx) => {
      await tx.deleteFrom('sqs_messages').where('queue_name', '=', queue).where('sent_at', '<', o.expiredBefore).execute();
      // PostgreSQL claims run side by side (several nodes): a standard queue's claim skips the
      // messages another claim has locked; a FIFO queue's claims take turns on the queue's row,
      // since one that skipped a locked message could hand out the next of its group.
      const pg = isPostgres(tx);
      if (pg && o.fifo) await tx.selectFrom('sqs_queues').select('name').where('name', '=', queue).forUpdate().execute();
      const received: QueueMessage[] = [];
      let movedToDeadLetter = 0;
      // Over-received messages are moved out as they are met; look again until the batch is full.
      for (let round = 0; round < 10 && received.length < o.max; round++) {
        let query = tx.selectFrom('sqs_messages').selectAll().where('queue_name', '=', queue).where('visible_at', '<=', o.now);
        // A visibility timeout of 0 leaves what was just claimed visible: not twice in one batch.
        if (received.length > 0) query = query.where('seq', 'not in', received.map((m) => m.seq));
        if (o.fifo) {
          // A group with a message in flight (or delayed) waits: its order would break otherwise.
          query = query.where((eb) =>
            eb.or([
              eb('group_id', 'is', null),
              eb('group_id', 'not in', eb.selectFrom('sqs_messages').select('group_id').where('queue_name', '=', queue).where('visible_at', '>', o.now).where('group_id', 'is not', null)),
            ]),
          );
        }
        // FIFO in the queue's order; a standard queue in the order messages became visible, which
        // the sqs_messages_due index gives without sorting the backlog.
        const ordered = o.fifo ? query.orderBy('seq') : query.orderBy('visible_at').orderBy('seq');
        const limited = ordered.limit(o.max - received.length);
        const rows = await (pg && !o.fifo ? limited.forUpdate().skipLocked() : limited).execute();
        if (rows.length === 0) break;
        for (const row of rows) {
          if (o.deadLetter && row.receive_count >= o.deadLetter.maxReceiveCount) {
            await tx.updateTable('sqs_messages').set({ queue_name: o.deadLetter.queue, visible_at: o.now, receipt: null }).where('seq', '=', row.seq).execute();
            movedToDeadLetter++;
            continue;
          }
          const receipt = o.newReceipt();
          const firstReceivedAt = row.first_received_at ?? o.now;
          await tx
            .updateTable('sqs_messages')
            .set({ visible_at: o.visibleUntil, receive_count: row.receive_count + 1, first_received_at: firstReceivedAt, receipt })
            .where('seq', '=', row.seq)
            .execute();
          received.push(toMessage({ ...row, visible_at: o.visibleUntil, receive_count: row.receive_count + 1, first_received_at: firstReceivedAt, receipt }));
        }
        // Only a message moved to the dead-letter queue leaves room to look again.
        if (o.fifo || movedToDeadLetter === 0) break;
      }
      return { received, movedToDeadLetter };
    });
  }

  private async check(tx: MetadataDb, queue: string, seq: number, receipt: string): Promise<{ result: ReceiptCheck; row?: Pick<MessageRow, 'receipt' | 'visible_at'> }> {
    const row = await tx.selectFrom('sqs_messages').select(['receipt', 'visible_at']).where('seq', '=', seq).where('queue_name', '=', queue).executeTakeFirst();
    if (!row) return { result: 'gone' };
    if (row.receipt !== receipt) return { result: 'stale', row };
    return { result: 'ok', row };
  }

  deleteMessage(queue: string, seq: number, receipt: string) {
    return withinTransaction(this.db, async (tx) => {
      const { result } = await this.check(tx, queue, seq, receipt);
      if (result === 'ok') await tx.deleteFrom('sqs_messages').where('seq', '=', seq).execute();
      return result;
    });
  }

  deleteMessages(queue: string, messages: { seq: number; receipt: string }[]) {
    return withinTransaction(this.db, async (tx) => {
      const results: ReceiptCheck[] = [];
      for (const m of messages) {
        const { result } = await this.check(tx, queue, m.seq, m.receipt);
        if (result === 'ok') await tx.deleteFrom('sqs_messages').where('seq', '=', m.seq).execute();
        results.push(result);
      }
      return results;
    });
  }

  changeVisibility(queue: string, seq: number, receipt: string, visibleAt: number, now: number) {
    return withinTransaction(this.db, async (tx) => {
      const { result, row } = await this.check(tx, queue, seq, receipt);
      if (result !== 'ok') return result;
      if (Number(row!.visible_at) <= now) return 'not-in-flight' as const;
      await tx.updateTable('sqs_messages').set({ visible_at: visibleAt }).where('seq', '=', seq).execute();
      return 'ok' as const;
    });
  }

  async purge(queue: string) {
    const result = await this.db.deleteFrom('sqs_messages').where('queue_name', '=', queue).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async dropExpired(queue: string, before: number) {
    const result = await this.db.deleteFrom('sqs_messages').where('queue_name', '=', queue).where('sent_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async counts(queue: string, now: number) {
    const rows = await this.db
      .selectFrom('sqs_messages')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>(eb.case().when(eb.and([eb('visible_at', '>', now), eb('receive_count', '>', 0)])).then(1).else(0).end()).as('in_flight'),
        eb.fn.sum<number>(eb.case().when(eb.and([eb('visible_at', '>', now), eb('receive_count', '=', 0)])).then(1).else(0).end()).as('delayed'),
      ])
      .where('queue_name', '=', queue)
      .executeTakeFirstOrThrow();
    const inFlight = Number(rows.in_flight ?? 0);
    const delayed = Number(rows.delayed ?? 0);
    return { visible: Number(rows.n) - inFlight - delayed, inFlight, delayed };
  }

  async nextVisibleAt(queue: string, now: number) {
    const row = await this.db
      .selectFrom('sqs_messages')
      .select((eb) => eb.fn.min<number>('visible_at').as('at'))
      .where('queue_name', '=', queue)
      .where('visible_at', '>', now)
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  moveMessages(from: string, to: string, limit: number, now: number) {
    return withinTransaction(this.db, async (tx) => {
      const rows = await tx.selectFrom('sqs_messages').select('seq').where('queue_name', '=', from).orderBy('seq').limit(limit).execute();
      if (rows.length === 0) return 0;
      await tx
        .updateTable('sqs_messages')
        .set({ queue_name: to, visible_at: now, receipt: null, receive_count: 0, first_received_at: null })
        .where('seq', 'in', rows.map((r) => r.seq))
        .execute();
      return rows.length;
    });
  }

  async count(queue: string) {
    const row = await this.db.selectFrom('sqs_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('queue_name', '=', queue).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async peek(queue: string, limit: number) {
    const rows = await this.db.selectFrom('sqs_messages').selectAll().where('queue_name', '=', queue).orderBy('seq').limit(limit).execute();
    return rows.map(toMessage);
  }

  async deleteBySeq(queue: string, seq: number) {
    const result = await this.db.deleteFrom('sqs_messages').where('queue_name', '=', queue).where('seq', '=', seq).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async putMoveTask(handle: string, sourceQueue: string, task: unknown, startedAt: number) {
    await this.db
      .insertInto('sqs_move_tasks')
      .values({ task_handle: handle, source_queue: sourceQueue, task: JSON.stringify(task), started_at: startedAt })
      .onConflict((oc) => oc.column('task_handle').doUpdateSet({ task: JSON.stringify(task) }))
      .execute();
  }

  async listMoveTasks(sourceQueue: string) {
    const rows = await this.db.selectFrom('sqs_move_tasks').select(['task_handle', 'task']).where('source_queue', '=', sourceQueue).orderBy('started_at', 'desc').execute();
    return rows.map((r) => ({ handle: r.task_handle, task: JSON.parse(r.task) }));
  }
}
