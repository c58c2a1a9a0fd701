// Three Gust processes on one PostgreSQL database and one shared directory serve as one: a
// function created through one node runs through any, a change made through one is seen by the
// others, and when a node is killed with kill -9 under async load, every event acknowledged by any
// node still runs: a duplicate only of a run the kill cut short. Its sync callers get an error at
// once. Skipped, saying why, only when no PostgreSQL is reachable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, tempDataDir, type GustProcess } from '../helpers/gust-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { decode, lambdaClient } from '../helpers/sdk.js';

const database = await createTestDatabase();
const skip = 'unavailable' in database ? database.unavailable : false;
const LEASE_SECONDS = 3;

let nodes: GustProcess[] = [];
let clients: LambdaClient[] = [];
/** Runs reported by the function: event id → times it reported, in order of arrival. */
const runs: { id: string; at: number }[] = [];
let onRun = () => {};
let sinkUrl = '';
const sink = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    runs.push({ id: JSON.parse(body).id, at: Date.now() });
    res.end();
    onRun();
  });
});

/** Resolves once `done()` holds, checked at each reported run; fails after `ms`. */
function until(done: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    const check = () => {
      if (!done()) return;
      clearTimeout(timer);
      onRun = () => {};
      resolve();
    };
    onRun = check;
    check();
  });
}

before(async () => {
  if (skip) return;
  const db = database as TestDatabase;
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/ran`;
  const shared = tempDataDir();
  const args = ['--database', db.url, '--shared-dir', shared, '--lease-seconds', String(LEASE_SECONDS), '--memory-enforcement', 'auto'];
  // The first node migrates the database and makes the admin key; the others join it.
  nodes.push(await startGust({ args }));
  nodes.push(...(await Promise.all([startGust({ args }), startGust({ args })])));
  clients = nodes.map(lambdaClient);
  await clients[0].send(
    new CreateFunctionCommand({
      FunctionName: 'recorder',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/x',
      Code: { ZipFile: await fixtureZip('node-run-recorder') },
      Environment: { Variables: { MARK: 'first' } },
      Timeout: 30,
    }),
  );
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  sink.close();
  if (!skip) await (database as TestDatabase).drop();
});

test('every node shares one admin key and one code store', { skip }, () => {
  const keys = new Set(nodes.map((n) => n.credentials.accessKeyId));
  assert.equal(keys.size, 1, 'the second and third node found the first one\'s key in the database');
  for (const n of nodes) assert.ok(!fs.existsSync(path.join(n.dataDir, 'code')), 'code is in the shared directory, not a node\'s own');
});

test('a function created through one node runs through every node, and an update through one is seen by all', { skip }, async () => {
  for (const [i, client] of clients.entries()) {
    const out = await client.send(new InvokeCommand({ FunctionName: 'recorder', Payload: Buffer.from(JSON.stringify({ id: `sync-${i}` })) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.deepEqual(decode(out.Payload), { id: `sync-${i}`, mark: 'first' });
  }
  await clients[1].send(new UpdateFunctionConfigurationCommand({ FunctionName: 'recorder', Environment: { Variables: { MARK: 'second' } } }));
  // The other nodes hear of the update by notification, just after it committed: each is asked
  // until it reports and runs the new configuration (without the notification it never would).
  for (const [i, client] of clients.entries()) {
    const deadline = Date.now() + 10_000;
    const configured = async () => (await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'recorder' }))).Environment?.Variables?.MARK;
    const running = async () => decode((await client.send(new InvokeCommand({ FunctionName: 'recorder', Payload: Buffer.from('{}') }))).Payload).mark;
    let seen: [unknown, unknown];
    do seen = [await configured(), await running()];
    while ((seen[0] !== 'second' || seen[1] !== 'second') && Date.now() < deadline);
    assert.deepEqual(seen, ['second', 'second'], `node ${i} reports and runs the updated configuration`);
  }
});

test('kill -9 of a node under async load: every acknowledged event runs, a duplicate only of a run the kill cut short', { skip, timeout: 60_000 }, async () => {
  const accepted: string[] = [];
  const send = async (node: number, id: string, ms = 300) => {
    const out = await clients[node].send(new InvokeCommand({ FunctionName: 'recorder', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ id, sink: sinkUrl, ms })) }));
    assert.equal(out.StatusCode, 202);
    accepted.push(id);
  };
  // Short events through the survivors-to-be; once they ran, long ones through the victim, node 2:
  // its worker, woken by its own enqueue, claims them at once (the others look every second), and
  // they are still running when it is killed.
  await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2, `short-${i}`)));
  await until(() => accepted.every((id) => runs.some((r) => r.id === id)), 30_000, 'the short events');
  await Promise.all(Array.from({ length: 8 }, (_, i) => send(2, `long-${i}`, 8000)));
  const db = new pg.Client({ connectionString: (database as TestDatabase).url });
  await db.connect();
  const leased = async () => Number((await db.query('SELECT count(*) AS n FROM async_events WHERE lease_until > $1', [Date.now()])).rows[0].n);
  for (const deadline = Date.now() + 10_000; (await leased()) < 8 && Date.now() < deadline; );
  await db.end();
  // A sync caller of the victim, mid-invocation.
  const syncCall = clients[2].send(new InvokeCommand({ FunctionName: 'recorder', Payload: Buffer.from(JSON.stringify({ id: 'sync-on-victim', ms: 20_000 })) }));
  const syncOutcome = syncCall.then(
    () => 'answered',
    (err: Error) => err,
  );
  const killedAt = Date.now();
  await nodes[2].kill9();
  const outcome = await syncOutcome;
  assert.ok(outcome instanceof Error, 'the sync caller of the killed node gets an error, not an answer');
  assert.ok(Date.now() - killedAt < 5000, 'and at once, not after its function\'s timeout');
  // Load goes on through the two survivors.
  await Promise.all(Array.from({ length: 10 }, (_, i) => send(i % 2, `after-${i}`)));
  const ran = () => new Set(runs.map((r) => r.id));
  await until(() => accepted.every((id) => ran().has(id)), 45_000, `every accepted event to run (${accepted.length} accepted)`);

  const firstRun = new Map<string, number>();
  const extra = new Map<string, number[]>();
  for (const r of runs) {
    if (!firstRun.has(r.id)) firstRun.set(r.id, r.at);
    else extra.set(r.id, [...(extra.get(r.id) ?? []), r.at]);
  }
  for (const [id, ats] of extra) {
    assert.equal(ats.length, 1, `${id} ran at most twice`);
    assert.ok(firstRun.get(id)! <= killedAt + 1000 && ats[0] > killedAt, `${id} ran again only because the kill cut its first run short`);
  }
  assert.ok(!ran().has('sync-on-victim'), 'the sync call cut short is not run again');
  assert.ok(runs.some((r) => r.id.startsWith('long-') && r.at > killedAt + LEASE_SECONDS * 1000), 'long events the victim held ran on the other nodes once its leases ended');
});

test('a queue mapping created through one node is polled by the others: its messages run after that node stopped', { skip }, async () => {
  const sqs = new SQSClient({ endpoint: nodes[1].url, region: nodes[1].region, credentials: nodes[1].credentials, maxAttempts: 1 });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'cluster-jobs' }));
  await clients[0].send(new CreateEventSourceMappingCommand({ FunctionName: 'recorder', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:cluster-jobs', BatchSize: 1 }));
  await nodes[0].stop();
  const ids = ['job-1', 'job-2', 'job-3'];
  for (const id of ids) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ id, sink: sinkUrl }) }));
  await until(() => ids.every((id) => runs.some((r) => r.id === id)), 20_000, 'the queued jobs to run on the node that did not create the mapping');
});
