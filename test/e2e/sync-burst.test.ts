// 0 → 100 concurrent synchronous Invokes of functions nobody has called yet (issue 12, goal 4):
// every call succeeds and no instance fails or times out its init, though starts are queued
// to what the machine can take. Latencies are bench/burst.ts's job; nothing here is timed.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { health } from '../helpers/health.js';
import { decode, logsClient } from '../helpers/sdk.js';

const CALLS = 100;
const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.stop().catch(() => {});
});

test(`${CALLS} concurrent sync Invokes of a new Node and a new Python function all succeed`, async () => {
  const gust = await startGust();
  running.push(gust);
  // One connection per call, as a hundred clients would have (the SDK's default pool is 50).
  const agent = new http.Agent({ keepAlive: true, maxSockets: CALLS });
  const lambda = new LambdaClient({ endpoint: gust.url, region: gust.region, credentials: gust.credentials, maxAttempts: 1, requestHandler: { httpAgent: agent } });
  const logs = logsClient(gust);
  const functions = [
    // Sleeping, each call holds its instance a while: the burst needs many instances.
    { name: 'burst-node', runtime: 'nodejs20.x', handler: 'index.handler', fixture: 'node-sleep', payload: (i: number) => ({ ms: 200, tag: `call-${i}` }) },
    { name: 'burst-python', runtime: 'python3.11', handler: 'app.handler', fixture: 'python-hello', payload: (i: number) => ({ tag: `call-${i}` }) },
  ];
  for (const f of functions) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: f.name, Runtime: f.runtime, Handler: f.handler, Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip(f.fixture) } }));
  }
  for (const f of functions) {
    const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => lambda.send(new InvokeCommand({ FunctionName: f.name, Payload: Buffer.from(JSON.stringify(f.payload(i))) }))));
    for (const r of results) {
      assert.equal(r.StatusCode, 200);
      assert.equal(r.FunctionError, undefined, `${f.name}: ${Buffer.from(r.Payload ?? []).toString()}`);
      decode(r.Payload);
    }
    const failedInits = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${f.name}`, filterPattern: '"INIT_REPORT"' }));
    assert.deepEqual(failedInits.events ?? [], [], `${f.name}: no instance failed or timed out its init`);
    const instances = (await health(gust)).instances[f.name];
    assert.ok(instances >= 1 && instances <= CALLS, `${f.name}: ${instances} instances`);
    console.log(`# figure: ${f.name}: ${CALLS} concurrent calls served by ${instances} instance(s)`);
  }
  agent.destroy();
});
