// `node --import tsx bench/sqs.ts`: the queues measured in one run. A client's messages/s sent
// and received (received = ReceiveMessage of 10 + DeleteMessageBatch) at concurrency 1 and 16,
// against Gust and against moto's server as a peer; then, Gust only, messages/s a function
// processes through an event-source mapping (a backlog drained) and send → handler latency
// p50/p99 (one message at a time). Servers pinned to CPU 0, this client to CPU 1.
// Prints figures; never fails on a timing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, CreateQueueCommand } from '@aws-sdk/client-sqs';
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand, GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { startGust, CLI } from '../test/helpers/gust-process.js';
import { lambdaClient } from '../test/helpers/sdk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 2000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const pin = (pid: number, cpu: number) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startMoto(): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  // Output ignored: moto logs every request, and an unread pipe would stall it once full.
  const child = spawn('taskset', ['-c', '0', 'python3', '-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return { url, child };
    } catch {
      await sleep(100);
    }
  }
  throw new Error('moto server did not start');
}

/** Runs `workers` loops for SECONDS; each loop iteration reports how many messages it moved. */
async function rate(workers: number, step: () => Promise<number>, seconds = SECONDS): Promise<number> {
  const end = Date.now() + seconds * 1000;
  const start = Date.now();
  let moved = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (Date.now() < end) {
      const n = await step();
      if (n === 0) break; // drained
      moved += n;
    }
  }));
  return moved / ((Date.now() - start) / 1000);
}

async function clientFigures(name: string, sqs: SQSClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of [1, 16]) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-${c}` }));
    out[`send c=${c}`] = await rate(c, async () => (await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"hello":"world"}' })), 1));
    out[`receive c=${c}`] = await rate(c, async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      if (Messages.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      return Messages.length;
    });
  }
  console.log(name, Object.entries(out).map(([k, v]) => `${k}: ${v.toFixed(0)}/s`).join('  '));
  return out;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  pin(process.pid, 1);
  const gust = await startGust({ args: ['--keep-alive', '600'] });
  pin(gust.pid, 0);
  const moto = await startMoto();
  try {
    const gustSqs = new SQSClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1 });
    const motoSqs = new SQSClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const g = await clientFigures('gust', gustSqs);
    const m = await clientFigures('moto', motoSqs);
    console.log('gust / moto:', Object.keys(g).map((k) => `${k} ${(g[k] / m[k]).toFixed(2)}x`).join('  '));

    // Through a mapping: deploy the consumer, fill a backlog with the mapping disabled, enable, time the drain.
    execFileSync(process.execPath, [CLI, '--endpoint', gust.url, '--data-dir', gust.dataDir, 'deploy', path.resolve('bench/functions/sqs-latency'), '--name', 'consumer'], { stdio: 'ignore' });
    const lambda = lambdaClient(gust);
    const { QueueUrl: work } = await gustSqs.send(new CreateQueueCommand({ QueueName: 'e2e' }));
    const { QueueUrl: lat } = await gustSqs.send(new CreateQueueCommand({ QueueName: 'latencies' }));
    const mapping = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:e2e', FunctionName: 'consumer', BatchSize: 10, Enabled: false }));
    for (let i = 0; i < BACKLOG; i += 10) {
      await gustSqs.send(new SendMessageBatchCommand({ QueueUrl: work, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ t: Date.now() }) })) }));
    }
    const latencies: number[] = [];
    const collect = async (until: number) => {
      while (latencies.length < until) {
        const { Messages = [] } = await gustSqs.send(new ReceiveMessageCommand({ QueueUrl: lat, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
        for (const msg of Messages) latencies.push(...JSON.parse(msg.Body!));
        if (Messages.length > 0) await gustSqs.send(new DeleteMessageBatchCommand({ QueueUrl: lat, Entries: Messages.map((x, i) => ({ Id: String(i), ReceiptHandle: x.ReceiptHandle! })) }));
      }
    };
    const started = Date.now();
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
    await collect(BACKLOG);
    const drainSeconds = (Date.now() - started) / 1000;
    console.log(`mapping: ${BACKLOG} messages drained by the function in ${drainSeconds.toFixed(1)} s = ${(BACKLOG / drainSeconds).toFixed(0)} messages/s (batches of 10)`);
    // Latency: one message at a time, each sent once the previous one reached the handler.
    latencies.length = 0;
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      await gustSqs.send(new SendMessageCommand({ QueueUrl: work, MessageBody: JSON.stringify({ t: Date.now() }) }));
      await collect(i + 1);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`mapping: send → handler latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (${sorted.length} messages, one at a time)`);
    const state = await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
    console.log(`mapping state ${state.State}, last result ${state.LastProcessingResult}`);
  } finally {
    moto.child.kill();
    await gust.stop();
  }
}

await main();
