// Events/s from brokers to a function, and the latency from publish to acknowledgement (p50/p99),
// through a real Gust and the machine's RabbitMQ, Redis and PostgreSQL. Figures only: never a
// pass/fail. Each source: N messages published at once (throughput: until all acknowledged), then
// K messages one at a time (latency: publish → the broker sees the acknowledgement). Publishing is
// sequential and inside the timing, so a rate is a floor (PostgreSQL: one autocommit INSERT each).
import { CreateFunctionCommand, CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust } from '../test/helpers/gust-process.js';
import { until } from '../test/helpers/recorded-events.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const N = Number(process.env.BENCH_EVENTS ?? 2000);
const K = Number(process.env.BENCH_LATENCY_SAMPLES ?? 30);
const gust = await startGust();
const lambda = lambdaClient(gust);
await lambda.send(new CreateFunctionCommand({ FunctionName: 'hello', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('bench-hello') } }));
const map = (Endpoints: Record<string, string[]>, extra: Record<string, unknown>) =>
  lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'hello', SelfManagedEventSource: { Endpoints }, BatchSize: 100, ...extra } as never));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function measure(name: string, publish: (i: number) => Promise<void>, done: () => Promise<boolean>) {
  let start = performance.now();
  for (let i = 0; i < N; i++) await publish(i);
  await until(`${name} drained`, async () => ((await done()) ? true : undefined), 120_000);
  const rate = N / ((performance.now() - start) / 1000);
  const lat: number[] = [];
  for (let i = 0; i < K; i++) {
    start = performance.now();
    await publish(N + i);
    await until(`${name} ack`, async () => ((await done()) ? true : undefined), 60_000);
    lat.push(performance.now() - start);
  }
  console.log(`${name.padEnd(10)} ${rate.toFixed(0).padStart(7)} events/s   publish→ack p50 ${pct(lat, 0.5).toFixed(0)} ms  p99 ${pct(lat, 0.99).toFixed(0)} ms  (N=${N}, K=${K}, batch 100)`);
}

try {
  // RabbitMQ
  const q = `gust-bench-${process.pid}`;
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  await ch.assertQueue(q);
  await map({ RABBITMQ_URLS: ['amqp://guest:guest@127.0.0.1:5672'] }, { Queues: [q] });
  await until('rabbit consumer', async () => ((await ch.checkQueue(q)).consumerCount > 0 ? true : undefined));
  await measure('rabbitmq', async (i) => void ch.sendToQueue(q, Buffer.from(`{"i":${i}}`)), async () => {
    // Ready messages only: up to one batch (100) may still be unacknowledged at the end.
    return (await ch.checkQueue(q)).messageCount === 0;
  });
  await ch.deleteQueue(q);
  await conn.close();

  // Redis streams
  const stream = `gust-bench-${process.pid}`;
  const redis = new Redis('redis://127.0.0.1:6379');
  const created = await map({ REDIS_URLS: ['redis://127.0.0.1:6379'] }, { Topics: [stream], StartingPosition: 'TRIM_HORIZON' });
  await until('redis group', async () => ((await redis.exists(stream)) ? true : undefined));
  let added = 0;
  await measure('redis', async (i) => void (await redis.xadd(stream, '*', 'i', String(i)), added++), async () => {
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    const g = groups.find((x) => x[1] === `gust-${created.UUID}`) as unknown[];
    const pending = Number(g[5]);
    const lastId = String(g[7]);
    const [last] = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return pending === 0 && last[0] === lastId && added > 0;
  });
  await redis.del(stream);
  redis.disconnect();

  // PostgreSQL table changes
  const db = new pg.Client('postgres://postgres@127.0.0.1:5432/test');
  await db.connect();
  const table = `gust_bench_${process.pid}`;
  await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
  const pgMap = await map({ POSTGRESQL_URLS: ['postgres://postgres@127.0.0.1:5432/test'] }, { Topics: [table], StartingPosition: 'LATEST' });
  await until('capture', async () => ((await db.query('SELECT 1 FROM gust_capture.subscriptions WHERE id = $1', [pgMap.UUID]).catch(() => ({ rowCount: 0 }))).rowCount ? true : undefined));
  await measure('postgres', async (i) => void (await db.query(`INSERT INTO ${table} VALUES ($1, 'x')`, [i])), async () => (await db.query('SELECT 1 FROM gust_capture.changes WHERE subscription = $1 LIMIT 1', [pgMap.UUID])).rowCount === 0);
  await db.query(`DROP TABLE ${table}`);
  await db.end();
} finally {
  await gust.stop();
}
