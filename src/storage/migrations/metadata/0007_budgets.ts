// Monthly budgets per function (`gust budget set`): a limit in GB-seconds or US dollars, whether
// reaching it stops invocations, and the month whose 80 % warning was already given.
import type { Kysely } from 'kysely';
import { columnTypes } from '../../dialect.js';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('function_budgets').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.primaryKey())
    // 'gb-seconds' or 'usd'
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('amount', columnTypes(db).double, (c) => c.notNull())
    .addColumn('hard', 'integer', (c) => c.notNull())
    // 'YYYY-MM' (UTC) of the last 80 % warning, or null
    .addColumn('warned_month', 'text')
    .execute();
}

export const budgets: Migration = { version: 7, name: '0007_budgets', up };
