// Gust against recorded AWS Lambda behaviour: every expectation of test/conformance/ (each cites
// the public recording it was read from) is checked against a real Gust with @aws-sdk/client-lambda.
// Prints the share that matches; fails on any mismatch that is not a documented deliberate difference.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { startGust, type GustProcess } from '../helpers/gust-process.js';
import { lambdaClient } from '../helpers/sdk.js';
import { aliases } from '../conformance/aliases.js';
import { eventInvokeConfigs, provisioned } from '../conformance/async-configs.js';
import { lifecycle, listings, versions } from '../conformance/lifecycle.js';
import { creating, invoking, tagging } from '../conformance/misc.js';
import { ACCOUNT, names } from '../conformance/names.js';
import { mask, RECORDINGS, type Scenario } from '../conformance/recording.js';
import { functionUrls, reservedConcurrency } from '../conformance/urls-concurrency.js';
import { permissions } from '../conformance/permissions.js';

const SCENARIOS: Scenario[] = [lifecycle, versions, listings, names, aliases, eventInvokeConfigs, provisioned, functionUrls, reservedConcurrency, permissions, tagging, creating, invoking];

let gust: GustProcess;
before(async () => (gust = await startGust()));
after(async () => gust.stop());

test('Gust answers as the recorded AWS Lambda responses do', async () => {
  const lambda = lambdaClient(gust);
  const rows: { scenario: string; id: string; source: string; match: boolean; differs?: string; expected: unknown; observed: unknown }[] = [];
  let scenarioIndex = 0;
  for (const scenario of SCENARIOS) {
    const prefix = `conf${++scenarioIndex}-${Date.now().toString(36)}`;
    const fnNames: string[] = [];
    const observed = new Map<string, unknown>();
    let aborted: string | undefined;
    try {
      await scenario.run({
        gust,
        lambda,
        name: (n = 1) => (fnNames[n - 1] ??= `${prefix}-fn${n}`),
        see: (id, value) => observed.set(id, value),
      });
    } catch (err) {
      // A call that AWS answers and Gust refuses ends the scenario: what it did not reach does not match.
      aborted = `(not observed: the scenario stopped at ${(err as Error).name}: ${(err as Error).message})`;
    }
    for (const e of scenario.expectations) {
      const seen = observed.has(e.id) ? mask(observed.get(e.id), fnNames, { region: gust.region, accountId: ACCOUNT }) : (aborted ?? '(not observed)');
      rows.push({ scenario: scenario.name, id: e.id, source: `${e.source[0]} ${e.source[1]} ${e.source[2]}`, match: isDeepStrictEqual(seen, e.expect), differs: e.differs, expected: e.expect, observed: seen });
    }
  }
  const matching = rows.filter((r) => r.match).length;
  console.log(`conformance: ${matching}/${rows.length} recorded behaviours match (${((100 * matching) / rows.length).toFixed(1)} %), read from ${RECORDINGS.repo}@${RECORDINGS.commit.slice(0, 9)} ${RECORDINGS.dir}`);
  for (const scenario of SCENARIOS) {
    const mine = rows.filter((r) => r.scenario === scenario.name);
    console.log(`  ${scenario.name}: ${mine.filter((r) => r.match).length}/${mine.length}`);
  }
  for (const r of rows.filter((r) => !r.match)) console.log(`  ${r.differs ? 'deliberate' : 'MISMATCH'} ${r.scenario} / ${r.id} (${r.source})${r.differs ? `: ${r.differs}` : `\n    expected ${JSON.stringify(r.expected)}\n    observed ${JSON.stringify(r.observed)}`}`);
  assert.deepEqual(rows.filter((r) => !r.match && !r.differs).map((r) => `${r.scenario} / ${r.id}`), []);
});
