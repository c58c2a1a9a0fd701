// Three Gust nodes on one PostgreSQL database: a reserved concurrency holds across the cluster, not
// per node, and the slot of a node killed with kill -9 comes back when its lease ends; two nodes
// racing to create one function, publish a version or import an image do not give two successes,
// one version number twice, a lost version or a lost image name; provisioned instances are kept
// by one node for the cluster, and by another once that one is killed. Skipped, saying why, only when no
// PostgreSQL is reachable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { fixtureZip } from '../helpers/fixtures.js';
import { runGustCli, startGust, tempDataDir, type GustProcess } from '../helpers/gust-process.js';
import { health } from '../helpers/health.js';
import { HoldPoint } from '../helpers/hold-point.js';
import { bashRuntimeLayer, dockerSaveTar, layerTar } from '../helpers/image-builder.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { lambdaClient } from '../helpers/sdk.js';
import { until } from '../helpers/until.js';

const database = await createTestDatabase();
const skip = 'unavailable' in database ? database.unavailable : false;
const LEASE_SECONDS = 3;
const ROLE = 'arn:aws:iam::000000000000:role/x';

let nodes: GustProcess[] = [];
let clients: LambdaClient[] = [];
const hold = new HoldPoint();
let holdPort = 0;
/** Answers every node-hold invocation at once: a call through it ends as soon as it is admitted. */
const passThrough = net.createServer((socket) => socket.once('data', () => socket.end('go\n')));
let passPort = 0;
const shared = tempDataDir();

before(async () => {
  if (skip) return;
  const db = database as TestDatabase;
  holdPort = await hold.listen();
  await new Promise<void>((resolve) => passThrough.listen(0, '127.0.0.1', resolve));
  passPort = (passThrough.address() as net.AddressInfo).port;
  const args = ['--database', db.url, '--shared-dir', shared, '--lease-seconds', String(LEASE_SECONDS), '--memory-enforcement', 'auto'];
  // The reservation is made before the other nodes start, so each reads it at start-up.
  nodes.push(await startGust({ args }));
  const first = lambdaClient(nodes[0]);
  await first.send(new CreateFunctionCommand({ FunctionName: 'held', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Timeout: 300, Code: { ZipFile: await fixtureZip('node-hold') } }));
  await first.send(new PutFunctionConcurrencyCommand({ FunctionName: 'held', ReservedConcurrentExecutions: 2 }));
  nodes.push(...(await Promise.all([startGust({ args }), startGust({ args })])));
  clients = nodes.map(lambdaClient);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  hold.close();
  passThrough.close();
  fs.rmSync(shared, { recursive: true, force: true });
  if (!skip) await (database as TestDatabase).drop();
});

const invokeHeld = (node: number, port: number, tag: string) =>
  clients[node].send(new InvokeCommand({ FunctionName: 'held', Payload: Buffer.from(JSON.stringify({ port, tag })) }));

async function assertThrottled(node: number) {
  await assert.rejects(invokeHeld(node, passPort, `refused-${node}`), (err: any) => {
    assert.equal(err.name, 'TooManyRequestsException', `node ${node}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, 429);
    assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    return true;
  });
}

test('reserved concurrency 2 holds across nodes; the slot of a node killed with kill -9 comes back when its lease ends', { skip, timeout: 120_000 }, async () => {
  const onFirst = invokeHeld(0, holdPort, 'a');
  const a = await hold.started();
  const onSecond = invokeHeld(1, holdPort, 'b');
  const b = await hold.started();
  for (const node of [0, 1, 2]) await assertThrottled(node);

  // One ends: its slot is free for any node, here the one that will die.
  b.write('done\n');
  await onSecond;
  const onVictim = invokeHeld(2, holdPort, 'c').catch((err: Error) => err);
  await hold.started();
  await assertThrottled(1);

  await nodes[2].kill9();
  assert.ok((await onVictim) instanceof Error, 'the caller of the killed node got an error');
  // Until the victim's lease ends its slot counts; then a call through a survivor is admitted.
  const admitted = await until('the killed node\'s slot to come back', async () => {
    try {
      return (await invokeHeld(1, passPort, 'after-kill')).StatusCode;
    } catch (err) {
      if ((err as Error).name === 'TooManyRequestsException') return undefined;
      throw err;
    }
  });
  assert.equal(admitted, 200);
  a.write('done\n');
  await onFirst;
});

test('CreateFunction of one name through two nodes at once: one success, one ResourceConflictException', { skip }, async () => {
  const zip = await fixtureZip('node-hold');
  for (let round = 0; round < 4; round++) {
    const name = `racer-${round}`;
    const create = (node: number) => clients[node].send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip }, Description: `node ${node}` }));
    const outcomes = await Promise.allSettled([create(0), create(1)]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(won.length, 1, `round ${round}: exactly one CreateFunction succeeds (${lost.map((l) => l.reason?.name).join(', ')})`);
    assert.equal(lost[0].reason.name, 'ResourceConflictException', String(lost[0].reason));
    assert.equal(lost[0].reason.$metadata?.httpStatusCode, 409);
    const stored = await clients[0].send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(stored.Description, (won[0] as PromiseFulfilledResult<{ Description?: string }>).value.Description, 'the function is the winner\'s');
  }
});

test('PublishVersion through two nodes at once: no number twice, no version lost', { skip }, async () => {
  const returned: { Version?: string; RevisionId?: string }[] = [];
  for (let round = 0; round < 4; round++) {
    await clients[0].send(new UpdateFunctionConfigurationCommand({ FunctionName: 'racer-0', Description: `round ${round}` }));
    await until('the update to settle', async () => ((await clients[0].send(new GetFunctionConfigurationCommand({ FunctionName: 'racer-0' }))).LastUpdateStatus === 'Successful' ? true : undefined));
    returned.push(...(await Promise.all([0, 1].map((node) => clients[node].send(new PublishVersionCommand({ FunctionName: 'racer-0' }))))));
  }
  const listed = (await clients[1].send(new ListVersionsByFunctionCommand({ FunctionName: 'racer-0' }))).Versions ?? [];
  const numbers = listed.map((v) => v.Version).filter((v) => v !== '$LATEST');
  assert.deepEqual(numbers, numbers.map((_, i) => String(i + 1)), 'versions numbered 1, 2, 3… each once');
  for (const r of returned) {
    const stored = await clients[0].send(new GetFunctionConfigurationCommand({ FunctionName: 'racer-0', Qualifier: r.Version }));
    assert.equal(stored.RevisionId, r.RevisionId, `version ${r.Version} is the one its publisher was told about, not overwritten`);
  }
});

test('image imports through two nodes at once keep every name', { skip, timeout: 120_000 }, async () => {
  const work = tempDataDir();
  const archive = path.join(work, 'image.tar');
  await dockerSaveTar(archive, { layers: [await layerTar(bashRuntimeLayer())], config: { Entrypoint: ['/bin/sh'] } }, []);
  const names: string[] = [];
  for (let round = 0; round < 3; round++) {
    const pair = [`left:r${round}`, `right:r${round}`];
    names.push(...pair);
    const results = await Promise.all(pair.map((name, node) => runGustCli(nodes[node], ['--json', 'image', 'import', archive, '--name', name])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
  }
  for (const node of [0, 1]) {
    const listed = JSON.parse((await runGustCli(nodes[node], ['--json', 'image', 'ls'])).stdout) as unknown;
    const text = JSON.stringify(listed);
    for (const name of names) assert.ok(text.includes(name), `node ${node} lists ${name}: ${text}`);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test('provisioned concurrency keeps N instances for the cluster on one node, and on another once that node is killed', { skip, timeout: 120_000 }, async () => {
  await clients[0].send(new CreateFunctionCommand({ FunctionName: 'warm', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: await fixtureZip('node-hello') } }));
  await until('warm to settle', async () => ((await clients[0].send(new GetFunctionConfigurationCommand({ FunctionName: 'warm' }))).State === 'Active' ? true : undefined));
  const { Version } = await clients[0].send(new PublishVersionCommand({ FunctionName: 'warm' }));
  await clients[1].send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: Version, ProvisionedConcurrentExecutions: 2 }));
  const live = [0, 1];
  const ready = (node: number) => async () => ((await clients[node].send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: Version }))).Status === 'READY' ? true : undefined);
  for (const node of live) await until(`READY through node ${node}`, ready(node));
  const warmOn = async () => Promise.all(live.map(async (node) => (await health(nodes[node])).instances.warm ?? 0));
  const counts = await warmOn();
  assert.equal(counts.filter((n) => n > 0).length, 1, `one node keeps them: ${counts}`);
  assert.deepEqual([...counts].sort(), [0, 2], `2 instances for the cluster, not per node: ${counts}`);

  const keeper = live[counts.indexOf(2)];
  const survivor = live.find((n) => n !== keeper)!;
  await nodes[keeper].kill9();
  await until('the survivor to take over the instances once the keeper\'s lease ended', async () => ((await health(nodes[survivor])).instances.warm === 2 ? true : undefined));
  await until('READY through the survivor', ready(survivor));
});
