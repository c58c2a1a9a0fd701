// What one node of a cluster tells the others about its writes, so that they drop what they keep
// in memory (function records, routes, reservations, access keys): PostgreSQL's LISTEN/NOTIFY on
// one channel; event-source mappings, whose pollers run on every node; and the queues a message
// arrived on, whose long polls wait on other nodes too. A notification is sent after the write committed; one that is missed (the listening
// connection dropped) is covered by a resync: every subscriber reloads everything.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export type ChangeTopic = 'function' | 'routes' | 'reservations' | 'keys' | 'mappings' | 'queue' | 'provisioned';

export interface ChangeFeed {
  /** Tells the other nodes that `topic` (for `key`, if given) changed here. */
  publish(topic: ChangeTopic, key?: string): void;
  /** Called for another node's change; also with key undefined after a resync. */
  subscribe(topic: ChangeTopic, handler: (key: string | undefined) => void): void;
  close(): Promise<void>;
}

/** One node alone: nobody to tell. */
export const noChangeFeed: ChangeFeed = { publish() {}, subscribe() {}, close: async () => {} };

const CHANNEL = 'gust_changes';
const RECONNECT_MS = 1000;

export class PostgresChangeFeed implements ChangeFeed {
  private readonly node = randomUUID();
  private readonly handlers = new Map<ChangeTopic, ((key: string | undefined) => void)[]>();
  private listener: pg.Client | null = null;
  private publisher: pg.Pool;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {
    this.publisher = new pg.Pool({ connectionString: url, max: 2 });
    this.publisher.on('error', () => {});
  }

  static async start(url: string, log: (line: string) => void): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(url, log);
    await feed.listen();
    return feed;
  }

  publish(topic: ChangeTopic, key?: string): void {
    const payload = JSON.stringify({ n: this.node, t: topic, k: key });
    this.publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((err) => this.log(`cluster: could not announce a change (${topic}): ${(err as Error).message}`));
  }

  subscribe(topic: ChangeTopic, handler: (key: string | undefined) => void): void {
    const list = this.handlers.get(topic) ?? [];
    list.push(handler);
    this.handlers.set(topic, list);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => {});
    await this.publisher.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => this.received(msg.payload));
    const lost = () => {
      if (this.listener !== client || this.closed) return;
      this.listener = null;
      client.end().catch(() => {});
      this.log('cluster: lost the change feed; reconnecting');
      setTimeout(() => void this.reconnect(), RECONNECT_MS).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.listen();
    } catch {
      setTimeout(() => void this.reconnect(), RECONNECT_MS).unref();
      return;
    }
    // Whatever changed while nobody listened: every subscriber starts over.
    for (const list of this.handlers.values()) for (const h of list) h(undefined);
  }

  private received(payload: string | undefined): void {
    let change: { n?: unknown; t?: unknown; k?: unknown };
    try {
      change = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    if (change.n === this.node) return;
    const key = typeof change.k === 'string' ? change.k : undefined;
    for (const h of this.handlers.get(change.t as ChangeTopic) ?? []) h(key);
  }
}
