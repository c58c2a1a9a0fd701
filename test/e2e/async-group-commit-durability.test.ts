// kill -9 in the middle of group commits loses no acknowledged async event: many Event invokes
// arrive at once (they share enqueue commits), the worker claims them in batches and deletes them
// in shared commits, and the process dies while all of that is under way. After a restart, every
// event that got its 202 runs (at least once); one that ran before the crash may run again.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';
import { until } from '../helpers/until.js';

const running: GustProcess[] = [];
/** Event ids the function reported, each time it ran: the sink outlives any Gust. */
const ran = new Map<string, number>();
const sink = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const id = JSON.parse(body).id as string;
    ran.set(id, (ran.get(id) ?? 0) + 1);
    res.end();
  });
});

after(async () => {
  for (const g of running) await g.kill9().catch(() => {});
  sink.close();
});

test('kill -9 while events are accepted in shared commits and drained in batches loses none that got a 202', { timeout: 240_000 }, async () => {
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/ran`;
  // A few events run at a time, so that most wait in the queue and the worker claims in batches.
  const first = await startGust({ args: ['--async-parallelism', '8'] });
  running.push(first);
  const role = 'arn:aws:iam::000000000000:role/x';
  await lambdaClient(first).send(new CreateFunctionCommand({ FunctionName: 'recorder', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: await fixtureZip('node-run-recorder') } }));

  // Many connections at once, so that requests arrive together and share enqueue commits.
  const lambda = new LambdaClient({
    endpoint: first.url,
    region: first.region,
    credentials: first.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
  });
  const accepted = new Set<string>();
  let killed = false;
  let next = 0;
  // 64 senders, each sending one event after another until the kill: requests are always in flight.
  const senders = Array.from({ length: 64 }, async () => {
    while (!killed) {
      const id = `e${next++}`;
      try {
        const res = await lambda.send(new InvokeCommand({ FunctionName: 'recorder', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ id, sink: sinkUrl, ms: 500 })) }));
        if (res.StatusCode === 202) accepted.add(id);
      } catch {
        // Cut off by the kill: not acknowledged, so it may or may not have been kept.
      }
    }
  });
  // Die once some events have been acknowledged and some have run, with more arriving.
  await until('some 202s and some runs', async () => (accepted.size >= 150 && ran.size >= 8 ? true : undefined));
  killed = true;
  await first.kill9();
  await Promise.all(senders);

  const second = await startGust({ dataDir: first.dataDir, args: ['--async-parallelism', '32'] });
  running.push(second);
  await until(`every acknowledged event to run (${accepted.size})`, async () => ([...accepted].every((id) => ran.has(id)) ? true : undefined), 180_000);
  for (const id of accepted) assert.ok((ran.get(id) ?? 0) >= 1, `${id} ran`);
});
