// `node --import tsx bench/async-queue.ts [N]`: the durable async queue's claim path. Queues N
// events, then claims and acks them one by one, as the worker does, and prints the time each
// part took. The claim query must walk the (due_at, id) index; DESIGN.md has the figures to expect.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabases } from '../src/storage/database.js';
import { SqlAsyncEventStore } from '../src/storage/async-event-store.js';

const n = Number(process.argv[2] ?? 20_000);
const dbs = await openDatabases(fs.mkdtempSync(path.join(os.tmpdir(), 'gust-bench-queue-')));
// GUST_BENCH_NO_FSYNC=1 leaves out the fsync of each commit: what is left is the queries' own cost.
if (process.env.GUST_BENCH_NO_FSYNC === '1') dbs.metadata.pragma('synchronous = OFF');
const store = new SqlAsyncEventStore(dbs.metadataSql);
const payload = Buffer.from('{"hello":"world"}');
const now = Date.now();

let t = performance.now();
for (let i = 0; i < n; i++) await store.enqueue({ requestId: `r${i}`, functionName: 'f', qualifier: '$LATEST', payload }, now);
const enqueueMs = performance.now() - t;

t = performance.now();
let claimed = 0;
for (;;) {
  const event = await store.claim(now + 1, 60_000);
  if (!event) break;
  await store.complete(event.id);
  claimed++;
}
const claimMs = performance.now() - t;
console.log(`enqueue ${n}: ${enqueueMs.toFixed(0)} ms (${((enqueueMs * 1000) / n).toFixed(1)} µs each)`);
console.log(`claim + ack ${claimed}: ${claimMs.toFixed(0)} ms (${((claimMs * 1000) / claimed).toFixed(1)} µs each)`);
await dbs.close();
