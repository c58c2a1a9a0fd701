// Monthly budgets per function, as an async interface with its SQLite implementation over Kysely.
// Every invocation of a budgeted function consults its budget, so control/budgets.ts keeps them
// in memory and writes through this store.
import type { MetadataDb } from './metadata-tables.js';

export type BudgetUnit = 'gb-seconds' | 'usd';

export interface Budget {
  functionName: string;
  unit: BudgetUnit;
  amount: number;
  /** Invocations are refused once the month's spending reaches the amount. */
  hard: boolean;
  /** 'YYYY-MM' (UTC) whose 80 % warning was given. */
  warnedMonth?: string;
}

export interface BudgetStore {
  /** Creates or replaces the function's budget. */
  put(budget: Budget): Promise<void>;
  delete(functionName: string): Promise<void>;
  /** Every budget, in function-name order (to load them at start-up). */
  all(): Promise<Budget[]>;
  markWarned(functionName: string, month: string): Promise<void>;
}

export class SqlBudgetStore implements BudgetStore {
  constructor(private readonly db: MetadataDb) {}

  async put(b: Budget) {
    const row = { unit: b.unit, amount: b.amount, hard: b.hard ? 1 : 0, warned_month: b.warnedMonth ?? null };
    await this.db
      .insertInto('function_budgets')
      .values({ function_name: b.functionName, ...row })
      .onConflict((oc) => oc.column('function_name').doUpdateSet(row))
      .execute();
  }

  async delete(functionName: string) {
    await this.db.deleteFrom('function_budgets').where('function_name', '=', functionName).execute();
  }

  async all() {
    const rows = await this.db.selectFrom('function_budgets').selectAll().orderBy('function_name').execute();
    return rows.map((r) => ({
      functionName: r.function_name,
      unit: r.unit as BudgetUnit,
      amount: Number(r.amount),
      hard: Number(r.hard) === 1,
      ...(r.warned_month ? { warnedMonth: r.warned_month } : {}),
    }));
  }

  async markWarned(functionName: string, month: string) {
    await this.db.updateTable('function_budgets').set({ warned_month: month }).where('function_name', '=', functionName).execute();
  }
}
