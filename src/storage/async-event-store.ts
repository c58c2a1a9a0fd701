// The durable queue of asynchronous (Event) invocations, as an async interface with its SQLite
// implementation over Kysely. An event is committed before the client gets its 202, leased while
// it runs, and deleted only once it is done; events queued together share one commit (group
// commit). Idempotency keys live here too: check and insert are one transaction with the enqueue.
import { sql } from 'kysely';
import { isPostgres } from './dialect.js';
import { GroupCommit } from './group-commit.js';
import type { MetadataDb } from './metadata-tables.js';
import { withinTransaction } from './within-transaction.js';

export interface AsyncEvent {
  id: number;
  requestId: string;
  functionName: string;
  qualifier: string;
  payload: Buffer;
  /** How many times the event was handed to a function, this one included. */
  attempts: number;
  /** How many times it was put back without running (throttled, failed to start). */
  throttles: number;
  createdAt: number;
}

/** What a caller queues: the store adds the id, the counters and the times. */
export interface NewAsyncEvent {
  requestId: string;
  functionName: string;
  qualifier: string;
  payload: Buffer;
}

export interface AsyncEventStore {
  enqueue(e: NewAsyncEvent, now?: number): Promise<void>;
  /**
   * Queues an event unless one with the same idempotency key was queued for the function within
   * `windowMs`; returns the request id that stands for it (the earlier one for a duplicate).
   * Two racing calls cannot both get through.
   */
  enqueueOnce(e: NewAsyncEvent, key: string, windowMs: number, now?: number): Promise<{ requestId: string; duplicate: boolean }>;
  /** Takes the due event queued first and leases it for `leaseMs`; undefined when none is due. */
  claim(now: number, leaseMs: number): Promise<AsyncEvent | undefined>;
  /**
   * Takes up to `limit` due events, first due first, and leases them for `leaseMs`, in one
   * statement and one commit; empty when none is due.
   */
  claimBatch(now: number, leaseMs: number, limit: number): Promise<AsyncEvent[]>;
  /**
   * Moves the leases of events still held (lease not yet ended at `now`) on to `until`: a node
   * of a cluster keeps what it runs while it lives, and loses it soon after it dies.
   */
  extendLeases(ids: readonly number[], now: number, until: number): Promise<void>;
  /** Forgets a delivered (or abandoned) event; completions that come together share one commit. */
  complete(id: number): Promise<void>;
  /**
   * Puts an event back, due at `dueAt`; a throttled one (`ran` false) does not count as an
   * attempt, but counts as a throttle, so that its backoff grows.
   */
  retryAt(id: number, dueAt: number, ran?: boolean): Promise<void>;
  /**
   * After a restart no event is running: every lease held by the previous process is void.
   * Returns how many events were running then; they run again, so each may be a duplicate.
   */
  releaseAllLeases(): Promise<number>;
  /** When the next event becomes claimable (due and not leased); null when the queue is empty. */
  nextDueAt(): Promise<number | null>;
  count(): Promise<number>;
  /** How many events are queued (running ones included) and when the oldest was queued (null: none). */
  depth(): Promise<{ count: number; oldestCreatedAt: number | null }>;
}

const eventRow = (e: NewAsyncEvent, now: number) => ({ request_id: e.requestId, function_name: e.functionName, qualifier: e.qualifier, payload: e.payload, due_at: now, created_at: now });
type EventRow = ReturnType<typeof eventRow>;

interface Retry { id: number; dueAt: number; ran: boolean }
/** Releases an event's lease, due again at `dueAt`; a throttle (`ran` false) is no attempt. */
async function putBack(db: MetadataDb, { id, dueAt, ran }: Retry) {
  const throttled = ran ? 0 : 1;
  await db
    .updateTable('async_events')
    .set((eb) => ({ due_at: dueAt, lease_until: 0, attempts: eb('attempts', '-', throttled), throttles: eb('throttles', '+', throttled) }))
    .where('id', '=', id)
    .execute();
}

export class SqlAsyncEventStore implements AsyncEventStore {
  /** One multi-row insert is one commit; every row carries the same columns, so none falls back to NULL. */
  private readonly group = new GroupCommit<EventRow>((rows) => this.db.insertInto('async_events').values(rows).execute().then(() => {}));
  /** Completions share a commit too: one delete of every id that came in the same turn. */
  private readonly completions = new GroupCommit<number>((ids) => this.db.deleteFrom('async_events').where('id', 'in', ids).execute().then(() => {}));

  private readonly retries = new GroupCommit<Retry>((all) => this.db.transaction().execute(async (tx) => {
    for (const retry of all) await putBack(tx, retry);
  }));

  constructor(private readonly db: MetadataDb) {}

  async enqueue(e: NewAsyncEvent, now = Date.now()) {
    // Inside a caller's transaction the row commits with it; alone, it joins the next group commit.
    if (this.db.isTransaction) await this.db.insertInto('async_events').values(eventRow(e, now)).execute();
    else await this.group.add(eventRow(e, now));
  }

  enqueueOnce(e: NewAsyncEvent, key: string, windowMs: number, now = Date.now()) {
    return withinTransaction(this.db, async (tx) => {
      await tx.deleteFrom('idempotency_keys').where('created_at', '<', now - windowMs).execute();
      // Insert first, then look: on PostgreSQL a racing transaction's insert waits for this one to
      // settle and then inserts nothing, where a look first would let both see no key.
      const inserted = await tx
        .insertInto('idempotency_keys')
        .values({ function_name: e.functionName, idempotency_key: key, request_id: e.requestId, created_at: now })
        .onConflict((oc) => oc.columns(['function_name', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        const seen = await tx.selectFrom('idempotency_keys').select('request_id').where('function_name', '=', e.functionName).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
        return { requestId: seen.request_id, duplicate: true };
      }
      await new SqlAsyncEventStore(tx).enqueue(e, now);
      return { requestId: e.requestId, duplicate: false };
    });
  }

  async claim(now: number, leaseMs: number) {
    return (await this.claimBatch(now, leaseMs, 1))[0];
  }

  async claimBatch(now: number, leaseMs: number, limit: number): Promise<AsyncEvent[]> {
    if (limit < 1) return [];
    // ORDER BY (due_at, id) is the async_events_due index: the claim reads `limit` index entries,
    // not the queue (20k claims: ≈1.5 s this way, ≈15 s with an order the index does not give).
    // On PostgreSQL, nodes claim side by side: the inner select locks the rows it picks and skips
    // rows another claim holds, so no event goes to two nodes and none waits for another's claim.
    const pg = isPostgres(this.db);
    const rows = await this.db
      .updateTable('async_events')
      .set((eb) => ({ lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) => {
        const next = eb.selectFrom('async_events').select('id').where('due_at', '<=', now).where('lease_until', '<=', now).orderBy('due_at').orderBy('id').limit(limit);
        return pg ? next.forUpdate().skipLocked() : next;
      })
      .returning(['id', 'request_id', 'function_name', 'qualifier', 'payload', 'attempts', 'throttles', 'created_at', 'due_at'])
      .execute();
    // RETURNING gives no order: put them back in the order they came due.
    rows.sort((a, b) => Number(a.due_at) - Number(b.due_at) || Number(a.id) - Number(b.id));
    return rows.map((row) => ({
      id: row.id,
      requestId: row.request_id,
      functionName: row.function_name,
      qualifier: row.qualifier,
      payload: row.payload,
      attempts: row.attempts,
      throttles: row.throttles,
      createdAt: row.created_at,
    }));
  }

  async extendLeases(ids: readonly number[], now: number, until: number) {
    if (ids.length === 0) return;
    await this.db.updateTable('async_events').set({ lease_until: until }).where('id', 'in', ids).where('lease_until', '>', now).execute();
  }

  async complete(id: number) {
    // Inside a caller's transaction the delete commits with it; alone, it joins the next group commit.
    if (this.db.isTransaction) await this.db.deleteFrom('async_events').where('id', '=', id).execute();
    else await this.completions.add(id);
  }

  async retryAt(id: number, dueAt: number, ran = true) {
    // A burst of throttles puts many events back at once: alone, they share one transaction.
    if (this.db.isTransaction) await putBack(this.db, { id, dueAt, ran });
    else await this.retries.add({ id, dueAt, ran });
  }

  async releaseAllLeases() {
    const result = await this.db.updateTable('async_events').set({ lease_until: 0 }).where('lease_until', '>', 0).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async nextDueAt() {
    // CASE rather than SQLite's two-argument max(): PostgreSQL spells that GREATEST.
    const row = await this.db
      .selectFrom('async_events')
      .select(sql<number | null>`min(CASE WHEN due_at > lease_until THEN due_at ELSE lease_until END)`.as('due'))
      .executeTakeFirst();
    return row?.due ?? null;
  }

  async count() {
    const row = await this.db.selectFrom('async_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async depth() {
    const row = await this.db
      .selectFrom('async_events')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number | null>('created_at').as('oldest')])
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), oldestCreatedAt: row.oldest === null ? null : Number(row.oldest) };
  }
}
