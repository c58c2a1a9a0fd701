// `npm run bench:cluster`: sync invocations/s through 1, 2 and 3 Gust nodes on one PostgreSQL
// database and one shared directory (docs/cluster.md), the load spread evenly over the nodes; and,
// as the baseline measured in the same run, one node on SQLite. Every node runs on this machine,
// so the figures show what the shared database costs, not what more machines would add. The
// "reserved" rounds give the function a reserved concurrency of twice the load's: a budget that
// is near its limit, where nodes take slots from the database one or two at a time.
// Prints figures; never fails on a timing.
import path from 'node:path';
import { CreateFunctionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { fixtureZip } from '../test/helpers/fixtures.js';
import { startGust, tempDataDir, type GustProcess } from '../test/helpers/gust-process.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/postgres.js';
import { lambdaClient } from '../test/helpers/sdk.js';
import { load } from './load.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 12);

async function measure(label: string, nodeCount: number, database?: TestDatabase, reserved?: number): Promise<void> {
  const shared = tempDataDir();
  const args = ['--no-auth', '--memory-enforcement', 'auto', '--shared-dir', shared, ...(database ? ['--database', database.url] : [])];
  const nodes: GustProcess[] = [await startGust({ args })];
  nodes.push(...(await Promise.all(Array.from({ length: nodeCount - 1 }, () => startGust({ args })))));
  try {
    const name = `hello-${nodeCount}${reserved !== undefined ? "-reserved" : ""}`;
    await lambdaClient(nodes[0]).send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('bench-hello') } }),
    );
    if (reserved !== undefined) await lambdaClient(nodes[0]).send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: reserved }));
    // The other nodes hear of the reservation by notification: give it a moment before the load.
    if (reserved !== undefined) await new Promise((r) => setTimeout(r, 500));
    const perNode = Math.ceil(CONCURRENCY / nodeCount);
    const results = await Promise.all(
      nodes.map((n) =>
        load({ url: new URL(`${n.url}/2015-03-31/functions/${name}/invocations`), method: 'POST', headers: () => ({ 'content-type': 'application/json' }), body: Buffer.from('{}') }, perNode, Math.ceil(REQUESTS / nodeCount), 50),
      ),
    );
    const rps = results.reduce((sum, r) => sum + r.rps, 0);
    const p99 = Math.max(...results.map((r) => r.p99));
    console.log(`${label.padEnd(34)} ${rps.toFixed(0).padStart(7)} invocations/s   p99 ${p99.toFixed(1)} ms (worst node)`);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

const database = await createTestDatabase();
if ('unavailable' in database) {
  console.log(`skipped: ${database.unavailable}`);
  process.exit(0);
}
try {
  console.log(`sync invocations of a hello function, ${REQUESTS} per round at concurrency ${CONCURRENCY} (${path.basename(process.cwd())})`);
  await measure('1 node, SQLite (baseline)', 1);
  for (const n of [1, 2, 3]) await measure(`${n} node${n > 1 ? 's' : ''}, PostgreSQL`, n, database);
  for (const n of [1, 2, 3]) await measure(`${n} node${n > 1 ? 's' : ''}, PG, reserved ${2 * CONCURRENCY}`, n, database, 2 * CONCURRENCY);
} finally {
  await database.drop();
}
