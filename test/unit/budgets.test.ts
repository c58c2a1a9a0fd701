// Monthly budgets on fake time: spending adds up within a month, warns once at 80 %, refuses at
// 100 % only when hard, and starts from nothing in the next month.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Budgets, monthOf } from '../../src/control/budgets.js';
import type { Budget, BudgetStore } from '../../src/storage/budget-store.js';
import { FakeClock } from '../helpers/fake-clock.js';

class MemoryBudgetStore implements BudgetStore {
  rows = new Map<string, Budget>();
  async put(b: Budget) {
    this.rows.set(b.functionName, { ...b });
  }
  async delete(name: string) {
    this.rows.delete(name);
  }
  async all() {
    return [...this.rows.values()];
  }
  async markWarned(name: string, month: string) {
    const row = this.rows.get(name);
    if (row) row.warnedMonth = month;
  }
}

function setup(opts: { used?: { requests: number; gbSeconds: number }; store?: MemoryBudgetStore } = {}) {
  const clock = new FakeClock(Date.UTC(2025, 0, 30, 12));
  const store = opts.store ?? new MemoryBudgetStore();
  const serverLog: string[] = [];
  const functionLog: string[] = [];
  const load = () =>
    Budgets.load({
      store,
      prices: { pricePerGbSecond: 0.5, pricePerMillionRequests: 1e6 },
      usage: async () => opts.used ?? { requests: 0, gbSeconds: 0 },
      functionExists: async (name) => name !== 'nope',
      clock,
      log: (l) => serverLog.push(l),
      functionLog: (name, l) => functionLog.push(`${name}: ${l}`),
    });
  return { clock, store, serverLog, functionLog, load };
}

test('a hard budget refuses at 100 % with the Reason, warns once at 80 %, and a new month starts afresh', async () => {
  const { clock, serverLog, functionLog, load } = setup();
  const budgets = await load();
  await budgets.set('f', { gbSeconds: 10, hard: true });
  budgets.record('f', 7.9);
  assert.equal(serverLog.length, 0, 'no warning below 80 %');
  budgets.record('f', 0.1);
  assert.equal(serverLog.length, 1);
  assert.match(serverLog[0], /WARNING: Gust: function f has used 80 % of its budget for 2025-01/);
  assert.match(functionLog[0], /^f: Gust: function f has used 80 %/);
  budgets.check('f');
  budgets.record('f', 2);
  assert.equal(serverLog.length, 1, 'one warning a month');
  assert.throws(() => budgets.check('f'), (err: any) => err.code === 'TooManyRequestsException' && err.extra.Reason === 'FunctionBudgetExceeded' && /f has used its budget for 2025-01/.test(err.message));
  assert.equal(budgets.list()[0].exceeded, true);

  clock.advance(3 * 24 * 3600 * 1000); // into February
  budgets.check('f');
  assert.equal(budgets.list()[0].spent, 0);
  assert.equal(budgets.list()[0].month, '2025-02');
  budgets.record('f', 9);
  assert.equal(serverLog.length, 2, 'the new month warns again');
});

test('a soft budget only warns; USD counts requests and GB-seconds at the configured prices', async () => {
  const { load } = setup();
  const budgets = await load();
  await budgets.set('f', { usd: 2 });
  budgets.record('f', 1); // $0.50 compute + $1 for the request
  assert.equal(budgets.list()[0].spent, 1.5);
  budgets.record('f', 1);
  assert.equal(budgets.list()[0].exceeded, true);
  budgets.check('f'); // not hard: runs on
});

test('spending already metered this month counts; budgets and their warning survive a restart', async () => {
  const used = { requests: 3, gbSeconds: 9 };
  const { store, serverLog, load } = setup({ used });
  const first = await load();
  await first.set('f', { gbSeconds: 10, hard: true });
  assert.equal(first.list()[0].spent, 9);
  first.record('f', 0);
  assert.equal(serverLog.length, 1);
  await new Promise((r) => setImmediate(r));
  const again = await setup({ used, store }).load();
  assert.equal(again.list()[0].warnedMonth, '2025-01');
  again.record('f', 0.5);
  assert.equal(serverLog.length, 1, 'not warned twice in the month after a restart');
});

test('bad budgets are refused and change nothing', async () => {
  const { store, load } = setup();
  const budgets = await load();
  for (const input of [{}, { usd: 1, gbSeconds: 1 }, { usd: -1 }, { usd: 0 }, { gbSeconds: 'ten' }, { usd: Infinity }, { usd: 1, hard: 'yes' }]) {
    await assert.rejects(budgets.set('f', input as never), { code: 'InvalidParameterValueException' }, JSON.stringify(input));
  }
  await assert.rejects(budgets.set('nope', { usd: 1 }), { code: 'ResourceNotFoundException' });
  assert.equal(store.rows.size, 0);
  assert.equal(await budgets.delete('f'), false);
});

test('months are UTC calendar months', () => {
  assert.deepEqual(monthOf(Date.UTC(2024, 1, 29, 23, 59)), { month: '2024-02', start: Date.UTC(2024, 1, 1) });
});
