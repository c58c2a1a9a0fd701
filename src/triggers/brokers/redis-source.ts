// A Redis stream read through a consumer group (one per mapping; each Gust node a consumer in it,
// so that two nodes never both take an entry). Entries are acknowledged (XACK) once their batch is
// dealt with; at connect, this node's own pending entries come first (a crash mid-batch), and
// entries left pending by a consumer idle for the cluster's lease (a dead node) are claimed (XAUTOCLAIM),
// at connect and then every half lease.
import { Redis } from 'ioredis';
import type { BrokerSource, ReadWindow, SourceContext } from './broker-source.js';

interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

const BLOCK_MS = 2000;

export class RedisStreamSource implements BrokerSource<StreamEntry> {
  private redis?: Redis;
  private readonly stream: string;
  private pendingFirst = true;
  private nextClaimAt = 0;
  private lost?: Error;
  private inProgress?: { clear(): void };

  constructor(private readonly ctx: SourceContext) {
    this.stream = ctx.spec.topics[0];
  }

  async connect(): Promise<void> {
    const redis = new Redis(this.ctx.spec.urls[0], { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 5000 });
    redis.on('error', (err) => (this.lost ??= err));
    redis.on('end', () => (this.lost ??= new Error('the Redis connection closed')));
    this.redis = redis;
    await redis.connect();
    try {
      await redis.xgroup('CREATE', this.stream, this.ctx.group, this.ctx.spec.startingPosition === 'TRIM_HORIZON' ? '0' : '$', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  async read({ max, windowMs, signal }: ReadWindow): Promise<StreamEntry[]> {
    if (this.lost) throw this.lost;
    const redis = this.redis!;
    if (this.pendingFirst) {
      const mine = await this.readGroup(max, '0');
      if (mine.length > 0) return this.keepInProgress(mine);
      this.pendingFirst = false;
    }
    // A node that died mid-batch leaves its entries pending: whichever node looks first takes them.
    if (this.ctx.clock.now() >= this.nextClaimAt) {
      this.nextClaimAt = this.ctx.clock.now() + Math.max(500, this.ctx.redeliverAfterMs / 2);
      const [, claimed] = (await redis.xautoclaim(this.stream, this.ctx.group, this.ctx.consumer, this.ctx.redeliverAfterMs, '0', 'COUNT', max)) as [string, [string, string[]][]];
      const entries = claimed.filter((e) => e && e[1]).map(toEntry);
      if (entries.length > 0) return this.keepInProgress(entries);
    }
    if (signal.aborted) return [];
    const batch = await this.readGroup(max, '>', BLOCK_MS);
    if (batch.length > 0 && batch.length < max && windowMs > 0 && !signal.aborted) batch.push(...(await this.readGroup(max - batch.length, '>', windowMs)));
    return this.keepInProgress(batch);
  }

  /**
   * While a batch is in the function, its entries are re-claimed by this node every third of the
   * lease (XCLAIM ... JUSTID resets their idle time), so that a slow function on a live node does
   * not look like a dead node's work to the others.
   */
  private keepInProgress(batch: StreamEntry[]): StreamEntry[] {
    this.inProgress?.clear();
    if (batch.length === 0) return batch;
    const every = Math.max(200, Math.floor(this.ctx.redeliverAfterMs / 3));
    const ids = batch.map((e) => e.id);
    const tick = () => {
      void this.redis?.xclaim(this.stream, this.ctx.group, this.ctx.consumer, 0, ...ids, 'JUSTID').catch(() => {});
      this.inProgress = this.ctx.clock.setTimeout(tick, every);
    };
    this.inProgress = this.ctx.clock.setTimeout(tick, every);
    return batch;
  }

  private async readGroup(count: number, from: string, blockMs?: number): Promise<StreamEntry[]> {
    const args: (string | number)[] = ['GROUP', this.ctx.group, this.ctx.consumer, 'COUNT', count];
    if (blockMs !== undefined) args.push('BLOCK', Math.max(1, Math.round(blockMs)));
    args.push('STREAMS', this.stream, from);
    const reply = (await (this.redis as unknown as { xreadgroup(...a: (string | number)[]): Promise<unknown> }).xreadgroup(...args)) as [string, [string, string[]][]][] | null;
    return reply?.[0]?.[1].filter((e) => e[1]).map(toEntry) ?? [];
  }

  event(batch: StreamEntry[]): unknown {
    return {
      Records: batch.map((e) => ({ eventSource: 'gust:redis', eventSourceARN: this.ctx.sourceArn, stream: this.stream, id: e.id, fields: e.fields })),
    };
  }

  async ack(batch: StreamEntry[]): Promise<void> {
    this.inProgress?.clear();
    if (batch.length > 0) await this.redis!.xack(this.stream, this.ctx.group, ...batch.map((e) => e.id));
  }

  reject(batch: StreamEntry[]): Promise<void> {
    return this.ack(batch); // a stream has no dead-lettering: an entry given up on is acknowledged
  }

  describe(batch: StreamEntry[]) {
    return { stream: this.stream, startId: batch[0]?.id, endId: batch.at(-1)?.id };
  }

  async close(): Promise<void> {
    this.inProgress?.clear();
    this.redis?.disconnect();
  }
}

function toEntry([id, flat]: [string, string[]]): StreamEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return { id, fields };
}
