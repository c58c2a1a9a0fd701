// A data directory written by an earlier Gust (before migrations: commits d6974dd and d0e0d2f,
// kept in test/fixtures/data-dirs/) opens with today's Gust, is migrated, and everything in it
// is found: the function and its version and alias, the schedule, the logs, and the async event
// that was still queued (its function had reserved concurrency 0), which runs once allowed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteFunctionConcurrencyCommand, GetAliasCommand, InvokeCommand, ListFunctionsCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import Database from 'better-sqlite3';
import { CLI, FIXTURES, startGust, tempDataDir } from '../helpers/gust-process.js';
import { decode, lambdaClient, logsClient } from '../helpers/sdk.js';

const run = promisify(execFile);

for (const commit of ['d6974dd', 'd0e0d2f']) {
  test(`a data directory written by Gust at ${commit} opens, is migrated, and keeps everything`, { timeout: 120_000 }, async (t) => {
    const dataDir = tempDataDir();
    fs.cpSync(path.join(FIXTURES, '../data-dirs', commit), dataDir, { recursive: true });
    // The fixture's queued event was written when the fixture was made; as if Gust had been
    // upgraded right after, it is made recent (else it is past the 6-hour maximum event age and
    // rightly discarded, and the test would depend on the day it runs).
    const fixture = new Database(path.join(dataDir, 'metadata.db'));
    const now = Date.now();
    fixture.prepare('UPDATE async_events SET created_at = ?, due_at = ?').run(now, now);
    // A dead letter in the table the dead-letter store used before it became a queue.
    fixture
      .prepare('INSERT INTO dead_letters (function_name, qualifier, request_id, condition, record, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('old-hello', '$LATEST', 'legacy-request-1', 'RetriesExhausted', JSON.stringify({ source: 'legacy' }), Buffer.from('{"lost":false}'), now);
    fixture.close();
    const gust = await startGust({ dataDir });
    t.after(() => gust.stop());
    const lambda = lambdaClient(gust);
    const logs = logsClient(gust);

    const names = (await lambda.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName).sort();
    assert.deepEqual(names, ['old-held', 'old-hello']);
    const versions = (await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'old-hello' }))).Versions!.map((v) => v.Version);
    assert.deepEqual(versions, ['$LATEST', '1']);
    assert.equal((await lambda.send(new GetAliasCommand({ FunctionName: 'old-hello', Name: 'live' }))).FunctionVersion, '1');
    // Its code is there too: the alias runs.
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'old-hello', Qualifier: 'live', Payload: Buffer.from('{"again":true}') }));
    assert.deepEqual(decode(out.Payload), { ok: true, e: { again: true } });

    const groups = (await logs.send(new DescribeLogGroupsCommand({}))).logGroups!.map((g) => g.logGroupName);
    assert.ok(groups.includes('/aws/lambda/old-hello'), 'the log group, backfilled from its streams');
    const old = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/old-hello', filterPattern: '"hello from the old gust"' }));
    assert.ok(old.events!.length >= 1, 'the logs written by the old Gust');

    // The legacy dead letter was moved into the gust-dead-letters queue, where `gust dlq` finds it.
    const dlq = JSON.parse((await run(process.execPath, [CLI, '--data-dir', dataDir, '--endpoint', gust.url, '--json', 'dlq', 'ls'])).stdout);
    assert.deepEqual(
      (Array.isArray(dlq) ? dlq : dlq.deadLetters).map((d: { requestId: string; functionName: string }) => [d.functionName, d.requestId]),
      [['old-hello', 'legacy-request-1']],
    );

    const schedules = await run('python3', ['-c', 'import boto3, json; print(json.dumps([s["Name"] for s in boto3.client("scheduler").list_schedules()["Schedules"]]))'], { env: gust.awsEnv() });
    assert.deepEqual(JSON.parse(schedules.stdout), ['daily']);

    // The queued event runs once its function may run.
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'old-held' }));
    let delivered = false;
    // Bounded by the test timeout: an event the upgraded queue cannot run fails the test.
    while (!delivered && !t.signal.aborted) {
      const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/old-held', filterPattern: '"hello from the old gust"' })).catch(() => ({ events: [] }));
      delivered = (found.events?.length ?? 0) > 0;
      if (!delivered) await new Promise((r) => setTimeout(r, 200));
    }
    await gust.stop();

    const applied = new Database(path.join(dataDir, 'metadata.db'), { readonly: true });
    const migrations = applied.prepare('SELECT name FROM schema_migrations ORDER BY version').all() as { name: string }[];
    applied.close();
    assert.deepEqual(migrations.map((m) => m.name).slice(0, 3), ['0001_initial', '0002_async_event_throttles', '0003_function_policies']);
  });
}
