// A burst of queued async events (as after a restart) starts instances only as fast as the
// machine can: every event is delivered once, no instance hits the init timeout, nothing is
// pushed into a retry. The drain time is printed as a figure, not checked.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { fixtureZip } from '../helpers/fixtures.js';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { health } from '../helpers/health.js';
import { lambdaClient, logsClient } from '../helpers/sdk.js';

const EVENTS = Number(process.env.BURST_EVENTS ?? 300);
const running: GustProcess[] = [];
after(async () => {
  for (const g of running) await g.stop().catch(() => {});
});

test(`${EVENTS} async events queued at once are all delivered once, with no init timeout or retry`, async (t) => {
  const gust = await startGust();
  running.push(gust);
  const lambda = lambdaClient(gust);
  const logs = logsClient(gust);
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'burst', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: await fixtureZip('node-sleep') } }));
  const all = async (filterPattern: string) => {
    const events: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/burst', filterPattern, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  };

  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: EVENTS }, (_, i) => lambda.send(new InvokeCommand({ FunctionName: 'burst', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ ms: 50, tag: `evt-${i}` })) }))),
  );
  // Wait for the queue to drain; stop early at the first failed init (which would mean a retry
  // a minute later). The deadline only keeps a broken build from hanging the suite.
  const deadline = Date.now() + 240_000;
  while ((await health(gust)).queuedAsyncEvents > 0) {
    const failedInits = await all('"INIT_REPORT"');
    assert.equal(failedInits.length, 0, `an instance failed to initialise: ${failedInits[0]?.message}`);
    assert.ok(Date.now() < deadline, 'the queue did not drain');
    await new Promise((r) => setTimeout(r, 250));
  }
  const drainMs = Date.now() - startedAt;
  t.diagnostic(`${EVENTS} queued events drained in ${(drainMs / 1000).toFixed(1)} s`);
  console.log(`# figure: ${EVENTS} queued events drained in ${(drainMs / 1000).toFixed(1)} s`);

  assert.deepEqual(await all('"INIT_REPORT"'), [], 'no instance failed to initialise');
  assert.deepEqual(await all('"Status: timeout"'), [], 'no invocation timed out');
  const starts = await all('START RequestId');
  assert.equal(starts.length, EVENTS, 'each event ran exactly once: no retries');
  const done = new Set((await all('"done evt-"')).map((e) => /done (evt-\d+)/.exec(e.message ?? '')![1]));
  assert.equal(done.size, EVENTS, 'every event was delivered');
});
