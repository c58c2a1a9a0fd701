// Monthly budgets per function, in GB-seconds or US dollars (priced as telemetry/metering.ts
// prices usage). The month's spending of each budgeted function is kept in memory, loaded from
// the metering rows at start-up and added to as invocations finish, so the invocation path checks
// a number instead of querying. At 80 % a warning goes to the server log and the function's log
// group (once a month); a hard budget refuses invocations at 100 % with a 429 and its Reason.
import { realClock, type Clock } from '../clock.js';
import { GustError, invalidParameter } from '../errors.js';
import type { Budget, BudgetStore, BudgetUnit } from '../storage/budget-store.js';
import type { Prices } from '../telemetry/metering.js';

export const BUDGET_REASON = 'FunctionBudgetExceeded';
const WARN_AT = 0.8;
const MAX_AMOUNT = 1e12;

export interface BudgetsDeps {
  store: BudgetStore;
  prices: Prices;
  /** Requests and GB-seconds a function used between two times (ms, end exclusive). */
  usage(functionName: string, start: number, end: number): Promise<{ requests: number; gbSeconds: number }>;
  functionExists(name: string): Promise<boolean>;
  clock?: Clock;
  log(line: string): void;
  /** Writes a line to the function's own log group. */
  functionLog(functionName: string, line: string): void;
}

export interface BudgetStatus extends Budget {
  month: string;
  /** This month's spending, in the budget's unit. */
  spent: number;
  percent: number;
  exceeded: boolean;
}

interface Spending {
  requests: number;
  gbSeconds: number;
}

/** The calendar month (UTC) a time falls in, as 'YYYY-MM', and when it began. */
export function monthOf(ms: number): { month: string; start: number } {
  const d = new Date(ms);
  return { month: d.toISOString().slice(0, 7), start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) };
}

export class Budgets {
  private readonly budgets = new Map<string, Budget>();
  private readonly spending = new Map<string, Spending>();
  private readonly clock: Clock;
  private month: string;

  private constructor(private readonly deps: BudgetsDeps) {
    this.clock = deps.clock ?? realClock;
    this.month = monthOf(this.clock.now()).month;
  }

  static async load(deps: BudgetsDeps): Promise<Budgets> {
    const budgets = new Budgets(deps);
    for (const b of await deps.store.all()) {
      budgets.budgets.set(b.functionName, b);
      await budgets.loadSpending(b.functionName);
    }
    return budgets;
  }

  /** Throws TooManyRequestsException when the function's hard budget is used up this month. */
  check(functionName: string): void {
    const budget = this.budgets.get(functionName);
    if (!budget?.hard) return;
    this.rollOver();
    const spent = this.spent(budget);
    if (spent < budget.amount) return;
    throw new GustError(
      'TooManyRequestsException',
      `Function ${functionName} has used its budget for ${this.month} (${format(spent, budget.unit)} of ${format(budget.amount, budget.unit)}); invocations are refused until the month ends or the budget is raised.`,
      { Reason: BUDGET_REASON },
    );
  }

  /** Adds a finished attempt to the function's spending; warns once a month when it passes 80 %. */
  record(functionName: string, gbSeconds: number): void {
    const budget = this.budgets.get(functionName);
    if (!budget) return;
    this.rollOver();
    const s = this.spending.get(functionName) ?? { requests: 0, gbSeconds: 0 };
    s.requests++;
    s.gbSeconds += gbSeconds;
    this.spending.set(functionName, s);
    const spent = this.spent(budget);
    if (spent >= WARN_AT * budget.amount && budget.warnedMonth !== this.month) {
      budget.warnedMonth = this.month;
      const line = `Gust: function ${functionName} has used ${Math.floor((spent / budget.amount) * 100)} % of its budget for ${this.month} (${format(spent, budget.unit)} of ${format(budget.amount, budget.unit)})${budget.hard ? '; at 100 % its invocations are refused' : ''}`;
      this.deps.log(`WARNING: ${line}`);
      this.deps.functionLog(functionName, `${line}\n`);
      void this.deps.store.markWarned(functionName, this.month).catch((err) => this.deps.log(`budgets: ${(err as Error)?.message ?? err}`));
    }
  }

  async set(functionName: string, input: { gbSeconds?: unknown; usd?: unknown; hard?: unknown }): Promise<BudgetStatus> {
    const given = (['gbSeconds', 'usd'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
    if (given.length !== 1) throw invalidParameter('A budget needs exactly one of gbSeconds or usd.');
    const amount = input[given[0]];
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > MAX_AMOUNT) {
      throw invalidParameter(`${given[0]} must be a number greater than 0 and at most ${MAX_AMOUNT}.`);
    }
    if (input.hard !== undefined && typeof input.hard !== 'boolean') throw invalidParameter('hard must be true or false.');
    if (!(await this.deps.functionExists(functionName))) throw new GustError('ResourceNotFoundException', `Function not found: ${functionName.slice(0, 140)}`);
    this.rollOver();
    const unit: BudgetUnit = given[0] === 'usd' ? 'usd' : 'gb-seconds';
    const previous = this.budgets.get(functionName);
    const budget: Budget = { functionName, unit, amount, hard: input.hard === true };
    // A budget raised or changed warns again when the new one reaches 80 %.
    if (previous?.warnedMonth && previous.unit === unit && previous.amount === amount) budget.warnedMonth = previous.warnedMonth;
    await this.deps.store.put(budget);
    // Spending is summed before the budget counts new invocations: one finishing in between is
    // missed rather than counted twice.
    if (!previous) await this.loadSpending(functionName);
    this.budgets.set(functionName, budget);
    return this.status(budget);
  }

  /** Removes a budget; false when the function had none. */
  async delete(functionName: string): Promise<boolean> {
    if (!this.budgets.has(functionName)) return false;
    await this.deps.store.delete(functionName);
    this.budgets.delete(functionName);
    this.spending.delete(functionName);
    return true;
  }

  list(): BudgetStatus[] {
    this.rollOver();
    return [...this.budgets.values()].sort((a, b) => a.functionName.localeCompare(b.functionName)).map((b) => this.status(b));
  }

  private status(budget: Budget): BudgetStatus {
    const spent = this.spent(budget);
    return { ...budget, month: this.month, spent, percent: (spent / budget.amount) * 100, exceeded: spent >= budget.amount };
  }

  private spent(budget: Budget): number {
    const s = this.spending.get(budget.functionName) ?? { requests: 0, gbSeconds: 0 };
    if (budget.unit === 'gb-seconds') return s.gbSeconds;
    return s.gbSeconds * this.deps.prices.pricePerGbSecond + (s.requests / 1e6) * this.deps.prices.pricePerMillionRequests;
  }

  /** A new month starts every budget from nothing. */
  private rollOver() {
    const { month } = monthOf(this.clock.now());
    if (month === this.month) return;
    this.month = month;
    this.spending.clear();
  }

  private async loadSpending(functionName: string) {
    const now = this.clock.now();
    const used = await this.deps.usage(functionName, monthOf(now).start, now + 1);
    this.spending.set(functionName, { requests: used.requests, gbSeconds: used.gbSeconds });
  }
}

const format = (n: number, unit: BudgetUnit) => (unit === 'usd' ? `$${n.toFixed(6)}` : `${n.toFixed(3)} GB-s`);
