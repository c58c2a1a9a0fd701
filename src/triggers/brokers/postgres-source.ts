// A PostgreSQL table's changes, captured by a row trigger into gust_capture.changes (one row per
// change and mapping) and delivered as DynamoDB-Streams records. The consumer of a mapping holds
// a session advisory lock, so that one Gust node at a time reads it; the others wait for the lock.
// Acknowledging a batch deletes its changes and moves the checkpoint in one transaction in the
// source database itself: a restart resumes exactly after the last committed batch.
import pg from 'pg';
import type { BrokerSource, ReadWindow, SourceContext } from './broker-source.js';
import { toImage } from './dynamodb-json.js';
import { CAPTURE_SCHEMA_SQL, literal, PRIMARY_KEY_SQL, RESOLVE_TABLE_SQL } from './postgres-capture-sql.js';

interface Change {
  seq: string;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  table_name: string;
  keys: Record<string, unknown>;
  new_row: Record<string, unknown> | null;
  old_row: Record<string, unknown> | null;
  at: Date;
}

/** How often a node without the lock asks for it again. */
const STANDBY_MS = 2000;
const EVENT_NAMES = { INSERT: 'INSERT', UPDATE: 'MODIFY', DELETE: 'REMOVE' } as const;

export class PostgresChangeSource implements BrokerSource<Change> {
  private client?: pg.Client;
  private table = '';
  private locked = false;
  private lost?: Error;
  private notified?: () => void;

  constructor(private readonly ctx: SourceContext) {}

  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.ctx.spec.urls[0], connectionTimeoutMillis: 5000, application_name: `gust ${this.ctx.consumer}` });
    client.on('error', (err) => this.fail(err));
    client.on('end', () => this.fail(new Error('the PostgreSQL connection closed')));
    client.on('notification', (n) => {
      if (n.payload === this.table) this.notified?.();
    });
    this.client = client;
    await client.connect();
    const resolved = await client.query<{ name: string }>(RESOLVE_TABLE_SQL, [this.ctx.spec.topics[0]]);
    if (resolved.rowCount === 0) throw new Error(`the table ${this.ctx.spec.topics[0]} does not exist`);
    this.table = resolved.rows[0].name;
    const keys = (await client.query<{ name: string }>(PRIMARY_KEY_SQL, [this.table])).rows.map((r) => r.name);
    // One installer at a time per database: CREATE ... IF NOT EXISTS races with itself.
    await client.query('BEGIN');
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('gust_capture install'))");
      await client.query(CAPTURE_SCHEMA_SQL);
      await client.query('INSERT INTO gust_capture.subscriptions (id, table_name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [this.ctx.uuid, this.table]);
      await client.query(`CREATE OR REPLACE TRIGGER gust_capture AFTER INSERT OR UPDATE OR DELETE ON ${this.table} FOR EACH ROW EXECUTE FUNCTION gust_capture.capture(${keys.map(literal).join(', ')})`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    await client.query('LISTEN gust_capture');
  }

  private fail(err: Error) {
    this.lost ??= err;
    this.notified?.();
  }

  async read({ max, firstWaitMs, windowMs, signal }: ReadWindow): Promise<Change[]> {
    if (this.lost) throw this.lost;
    if (!this.locked) {
      this.locked = (await this.client!.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`gust_capture ${this.ctx.uuid}`])).rows[0].ok;
      if (!this.locked) {
        await this.wait(STANDBY_MS, signal);
        return [];
      }
    }
    let batch = await this.fetch(max);
    if (batch.length === 0) {
      await this.wait(firstWaitMs, signal);
      batch = await this.fetch(max);
    }
    if (batch.length > 0 && batch.length < max && windowMs > 0) {
      await this.wait(windowMs, signal);
      batch = await this.fetch(max);
    }
    return batch;
  }

  /** The oldest changes not yet acknowledged, in commit order per key (a key's changes are serialized by its row lock). */
  private async fetch(max: number): Promise<Change[]> {
    if (this.lost) throw this.lost;
    const result = await this.client!.query<Change>(
      'SELECT seq::text AS seq, op, table_name, keys, new_row, old_row, at FROM gust_capture.changes WHERE subscription = $1 ORDER BY seq LIMIT $2',
      [this.ctx.uuid, max],
    );
    return result.rows;
  }

  /** Until a NOTIFY for the table, the timeout, a lost connection or stop. */
  private wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        timer.clear();
        this.notified = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.ctx.clock.setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.notified = done;
      if (signal.aborted || this.lost) done();
    });
  }

  event(batch: Change[]): unknown {
    return {
      Records: batch.map((c) => {
        const dynamodb: Record<string, unknown> = {
          ApproximateCreationDateTime: Math.floor(new Date(c.at).getTime() / 1000),
          Keys: toImage(c.keys),
          ...(c.new_row ? { NewImage: toImage(c.new_row) } : {}),
          ...(c.old_row ? { OldImage: toImage(c.old_row) } : {}),
          SequenceNumber: c.seq.padStart(21, '0'),
          SizeBytes: JSON.stringify(c.keys).length + JSON.stringify(c.new_row ?? {}).length + JSON.stringify(c.old_row ?? {}).length,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        };
        return { eventID: c.seq, eventName: EVENT_NAMES[c.op], eventVersion: '1.1', eventSource: 'gust:postgres', awsRegion: this.ctx.region, dynamodb, eventSourceARN: this.ctx.sourceArn, tableName: c.table_name };
      }),
    };
  }

  /** The checkpoint: the batch's changes go and the sequence number moves, in one transaction. */
  async ack(batch: Change[]): Promise<void> {
    if (batch.length === 0) return;
    const client = this.client!;
    await client.query('BEGIN');
    try {
      await client.query('DELETE FROM gust_capture.changes WHERE subscription = $1 AND seq = ANY($2::bigint[])', [this.ctx.uuid, batch.map((c) => c.seq)]);
      await client.query(
        `INSERT INTO gust_capture.checkpoints (subscription, sequence_number, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (subscription) DO UPDATE SET sequence_number = GREATEST(gust_capture.checkpoints.sequence_number, EXCLUDED.sequence_number), updated_at = now()`,
        [this.ctx.uuid, batch.at(-1)!.seq],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  reject(batch: Change[]): Promise<void> {
    return this.ack(batch); // as a DynamoDB stream: a batch given up on is skipped
  }

  describe(batch: Change[]) {
    return { table: this.table, startSequenceNumber: batch[0]?.seq, endSequenceNumber: batch.at(-1)?.seq, approximateArrivalOfFirstRecord: batch[0]?.at, approximateArrivalOfLastRecord: batch.at(-1)?.at };
  }

  async close(): Promise<void> {
    this.lost ??= new Error('closed');
    await this.client?.end().catch(() => {});
  }
}

/** Removes a deleted mapping's capture: its subscription, its pending changes, and the trigger when no mapping uses the table any more. */
export async function dropCapture(url: string, uuid: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN');
    const gone = await client.query<{ table_name: string }>('DELETE FROM gust_capture.subscriptions WHERE id = $1 RETURNING table_name', [uuid]);
    await client.query('DELETE FROM gust_capture.changes WHERE subscription = $1', [uuid]);
    await client.query('DELETE FROM gust_capture.checkpoints WHERE subscription = $1', [uuid]);
    const table = gone.rows[0]?.table_name;
    if (table) {
      const left = await client.query('SELECT 1 FROM gust_capture.subscriptions WHERE table_name = $1', [table]);
      if (left.rowCount === 0) await client.query(`DROP TRIGGER IF EXISTS gust_capture ON ${table}`);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if ((err as { code?: string }).code !== '3F000' && (err as { code?: string }).code !== '42P01') throw err; // no gust_capture schema: nothing to drop
  } finally {
    await client.end().catch(() => {});
  }
}
