// `gust budget set|ls|rm`: monthly budgets per function, in GB-seconds or US dollars; `--hard`
// refuses the function's invocations once its budget for the month is used up.
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export interface BudgetSetOptions extends OutputOptions {
  gbSeconds?: string;
  usd?: string;
  hard?: boolean;
}

const amountOf = (flag: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} must be a number greater than 0, got '${raw}'.`, EXIT.usage);
  return n;
};

export async function setBudget(client: GustClient, name: string, opts: BudgetSetOptions): Promise<void> {
  if ((opts.gbSeconds === undefined) === (opts.usd === undefined)) throw new CliError('Give exactly one of --gb-seconds N or --usd N.', EXIT.usage);
  const body = opts.usd !== undefined ? { usd: amountOf('--usd', opts.usd) } : { gbSeconds: amountOf('--gb-seconds', opts.gbSeconds!) };
  const budget = (await client.request('PUT', `/gust/budgets/${encodeURIComponent(name)}`, { body: JSON.stringify({ ...body, hard: Boolean(opts.hard) }) })).json();
  if (opts.json) return printJson(budget);
  process.stdout.write(`Budget of ${name}: ${describe(budget.amount, budget.unit)} a month${budget.hard ? ', hard (invocations refused at 100 %)' : ''}; ${budget.percent.toFixed(1)} % used in ${budget.month}\n`);
}

export async function listBudgets(client: GustClient, opts: OutputOptions): Promise<void> {
  const { budgets } = (await client.request('GET', '/gust/budgets')).json();
  if (opts.json) return printJson(budgets);
  if (budgets.length === 0) return void process.stdout.write('No budgets.\n');
  printTable(
    budgets.map((b: { functionName: string; unit: string; amount: number; spent: number; percent: number; hard: boolean; month: string }) => ({
      function: b.functionName,
      budget: describe(b.amount, b.unit),
      spent: describe(b.spent, b.unit),
      used: `${b.percent.toFixed(1)} %`,
      hard: b.hard ? 'yes' : 'no',
      month: b.month,
    })),
    ['function', 'budget', 'spent', 'used', 'hard', 'month'],
  );
}

export async function removeBudget(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `/gust/budgets/${encodeURIComponent(name)}`);
  if (opts.json) printJson({ removed: name });
  else process.stdout.write(`Removed the budget of ${name}\n`);
}

const describe = (n: number, unit: string) => (unit === 'usd' ? `$${n.toFixed(6)}` : `${n.toFixed(3)} GB-s`);
