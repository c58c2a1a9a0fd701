// Resource-based policies of functions (AddPermission / RemovePermission / GetPolicy).
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('function_policies').ifNotExists()
    .addColumn('function_name', 'text', (c) => c.notNull())
    // '$LATEST' for the function itself (the unqualified ARN), a version number or an alias
    .addColumn('qualifier', 'text', (c) => c.notNull())
    .addColumn('revision_id', 'text', (c) => c.notNull())
    // the Statement list of the policy document, as GetPolicy returns it
    .addColumn('statements', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('function_policies_pk', ['function_name', 'qualifier'])
    .execute();
}

export const functionPolicies: Migration = { version: 3, name: '0003_function_policies', up };
