// A PostgreSQL table as an event source, against the machine's PostgreSQL: a mapping made with
// the aws CLI captures the table's changes and hands a recorder function DynamoDB-Streams records
// in commit order; a failing record is isolated by bisection and sent to the OnFailure queue; a
// Gust killed with -9 resumes after its last committed batch (nothing skipped, nothing repeated).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import pg from 'pg';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { RecordedQueue, until } from '../helpers/recorded-events.js';
import { lambdaClient } from '../helpers/sdk.js';

const run = promisify(execFile);
const PG_URL = process.env.GUST_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const ORDERS = `gust_test_orders_${suffix}`;
const ITEMS = `gust_test_items_${suffix}`;

let db: pg.Client | undefined;
try {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  db = client;
} catch (err) {
  console.log(`# SKIP: PostgreSQL at ${PG_URL} is unreachable (${(err as Error).message}); start it for these tests`);
}
const skip = db === undefined ? 'PostgreSQL is unreachable' : false;

let gust: GustProcess;
let seen: RecordedQueue;
let failures: RecordedQueue;
const aws = async (args: string[]) => JSON.parse((await run('aws', ['--endpoint-url', gust.url, '--output', 'json', ...args], { env: gust.awsEnv() })).stdout || 'null');

async function capture(table: string, extra: string[] = []) {
  const created = await aws(['lambda', 'create-event-source-mapping', '--function-name', 'recorder', '--self-managed-event-source', JSON.stringify({ Endpoints: { POSTGRESQL_URLS: [PG_URL] } }), '--topics', table, '--starting-position', 'TRIM_HORIZON', ...extra]);
  // The capture is in place once its subscription row exists in the source database.
  await until(`capture of ${table}`, async () => ((await db!.query('SELECT 1 FROM gust_capture.subscriptions WHERE id = $1', [created.UUID]).catch(() => ({ rowCount: 0 }))).rowCount ? true : undefined));
  return created;
}
const recordsOf = (table: string) => seen.items.flatMap((i) => i.event.Records ?? []).filter((r: any) => r.tableName === `public.${table}`);

before(async () => {
  if (skip) return;
  await db!.query(`CREATE TABLE ${ORDERS} (id int PRIMARY KEY, status text, total numeric)`);
  await db!.query(`CREATE TABLE ${ITEMS} (id int PRIMARY KEY, name text)`);
  gust = await startGust();
  const sqs = RecordedQueue.client(gust);
  seen = await new RecordedQueue(sqs, 'seen').create();
  failures = await new RecordedQueue(sqs, 'pg-failures').create();
  await lambdaClient(gust).send(new CreateFunctionCommand({ FunctionName: 'recorder', Runtime: 'python3.11', Handler: 'app.handler', Role: 'arn:aws:iam::000000000000:role/x', Timeout: 20, Code: { ZipFile: await fixtureZip('python-event-recorder') } }));
});

after(async () => {
  await gust?.stop();
  if (db) {
    await db.query(`DROP TABLE IF EXISTS ${ORDERS}, ${ITEMS}`).catch(() => {});
    await db.end();
  }
});

test('changes arrive as DynamoDB-Streams records in commit order, and a restart neither skips nor repeats', { skip }, async () => {
  const created = await capture(ORDERS, ['--batch-size', '10']);
  assert.equal(created.Topics[0], ORDERS);
  assert.equal(created.StartingPosition, 'TRIM_HORIZON');
  assert.equal(created.SelfManagedEventSource.Endpoints.POSTGRESQL_URLS[0], PG_URL);
  assert.equal(created.EventSourceArn, undefined);
  await db!.query('BEGIN');
  await db!.query(`INSERT INTO ${ORDERS} VALUES (1, 'new', 10.5)`);
  await db!.query(`UPDATE ${ORDERS} SET status = 'paid' WHERE id = 1`);
  await db!.query('COMMIT');
  await db!.query(`INSERT INTO ${ORDERS} VALUES (2, 'new', 3)`);
  await db!.query(`DELETE FROM ${ORDERS} WHERE id = 1`);
  const records = await seen.waitFor('4 order changes', () => (recordsOf(ORDERS).length >= 4 ? recordsOf(ORDERS) : undefined));
  assert.deepEqual(records.map((r: any) => [r.eventName, r.dynamodb.Keys.id.N]), [['INSERT', '1'], ['MODIFY', '1'], ['INSERT', '2'], ['REMOVE', '1']]);
  const [insert, modify, , remove] = records;
  assert.deepEqual(insert.dynamodb.NewImage, { id: { N: '1' }, status: { S: 'new' }, total: { N: '10.5' } });
  assert.equal(insert.dynamodb.OldImage, undefined);
  assert.equal(modify.dynamodb.OldImage.status.S, 'new');
  assert.equal(modify.dynamodb.NewImage.status.S, 'paid');
  assert.equal(remove.dynamodb.NewImage, undefined);
  assert.equal(remove.dynamodb.OldImage.status.S, 'paid');
  assert.equal(insert.eventVersion, '1.1');
  assert.equal(insert.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
  const sequence = records.map((r: any) => r.dynamodb.SequenceNumber);
  assert.deepEqual([...sequence].sort(), sequence, 'SequenceNumbers grow');

  // The checkpoint is in the source database: wait for it to cover the last record, then kill -9.
  const last = BigInt(remove.dynamodb.SequenceNumber);
  await until('checkpoint', async () => {
    const r = await db!.query('SELECT sequence_number FROM gust_capture.checkpoints WHERE subscription = $1', [created.UUID]);
    return r.rowCount && BigInt(r.rows[0].sequence_number) >= last ? true : undefined;
  });
  await gust.kill9();
  await db!.query(`INSERT INTO ${ORDERS} VALUES (3, 'while down', 1)`);
  gust = await startGust({ dataDir: gust.dataDir });
  seen.reconnect(RecordedQueue.client(gust));
  failures.reconnect(RecordedQueue.client(gust));
  const after = await seen.waitFor('the change made while Gust was down', () => (recordsOf(ORDERS).length >= 5 ? recordsOf(ORDERS) : undefined));
  assert.equal(after[4].dynamodb.NewImage.status.S, 'while down');
  await db!.query(`INSERT INTO ${ORDERS} VALUES (4, 'after', 1)`);
  const all = await seen.waitFor('one more', () => (recordsOf(ORDERS).length >= 6 ? recordsOf(ORDERS) : undefined));
  const ids = all.map((r: any) => r.eventID);
  assert.equal(new Set(ids).size, ids.length, `no change delivered twice: ${ids}`);
  const mapping = await aws(['lambda', 'get-event-source-mapping', '--uuid', created.UUID]);
  assert.equal(mapping.LastProcessingResult, 'OK');
});

test('a failing record is isolated by bisection and sent to the OnFailure queue; the others are delivered', { skip }, async () => {
  const queueArn = 'arn:aws:sqs:us-east-1:000000000000:pg-failures';
  const created = await capture(ITEMS, ['--batch-size', '4', '--maximum-batching-window-in-seconds', '1', '--bisect-batch-on-function-error', '--maximum-retry-attempts', '0', '--destination-config', JSON.stringify({ OnFailure: { Destination: queueArn } })]);
  assert.equal(created.BisectBatchOnFunctionError, true);
  assert.equal(created.MaximumRetryAttempts, 0);
  assert.equal(created.DestinationConfig.OnFailure.Destination, queueArn);
  await db!.query(`INSERT INTO ${ITEMS} VALUES (1, 'a'), (2, 'b'), (3, 'FAIL'), (4, 'd')`);
  const [failure] = await failures.waitFor('a failure record', (items) => (items.length > 0 ? items : undefined));
  assert.equal(failure.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(failure.BrokerBatchInfo.batchSize, 1);
  assert.equal(failure.payload.Records[0].dynamodb.NewImage.name.S, 'FAIL');
  // Each good record reached the function in a batch that succeeded (after the failing batch was split).
  const delivered = await seen.waitFor('the good items', () => {
    const ok = seen.items.filter((i) => !JSON.stringify(i.event).includes('FAIL')).flatMap((i) => i.event.Records ?? []).filter((r: any) => r.tableName === `public.${ITEMS}`);
    return ok.length >= 3 ? ok : undefined;
  });
  assert.deepEqual(delivered.map((r: any) => r.dynamodb.NewImage.name.S).sort(), ['a', 'b', 'd']);
  await aws(['lambda', 'delete-event-source-mapping', '--uuid', created.UUID]);
  await until('capture removed', async () => ((await db!.query('SELECT 1 FROM gust_capture.subscriptions WHERE id = $1', [created.UUID])).rowCount === 0 ? true : undefined));
});
