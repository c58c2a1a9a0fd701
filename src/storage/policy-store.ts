// Resource-based policies of functions, as an async interface with its SQLite implementation over
// Kysely: one statement list per function and qualifier, with the revision id that AddPermission
// and RemovePermission check against.
import type { MetadataDb } from './metadata-tables.js';

/** One statement of a policy document, in the shape GetPolicy returns it. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: '*' | { AWS: string } | { Service: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface StoredPolicy {
  revisionId: string;
  statements: PolicyStatement[];
}

export interface PolicyStore {
  get(functionName: string, qualifier: string): Promise<StoredPolicy | undefined>;
  /** Saves the policy; one with no statements left is deleted, as Lambda drops an empty policy. */
  put(functionName: string, qualifier: string, policy: StoredPolicy): Promise<void>;
  delete(functionName: string, qualifier: string): Promise<void>;
  deleteFunction(functionName: string): Promise<void>;
}

export class SqlPolicyStore implements PolicyStore {
  constructor(private readonly db: MetadataDb) {}

  async get(functionName: string, qualifier: string) {
    const row = await this.db.selectFrom('function_policies').select(['revision_id', 'statements']).where('function_name', '=', functionName).where('qualifier', '=', qualifier).executeTakeFirst();
    return row && { revisionId: row.revision_id, statements: JSON.parse(row.statements) as PolicyStatement[] };
  }

  async put(functionName: string, qualifier: string, policy: StoredPolicy) {
    if (policy.statements.length === 0) return this.delete(functionName, qualifier);
    const values = { revision_id: policy.revisionId, statements: JSON.stringify(policy.statements) };
    await this.db
      .insertInto('function_policies')
      .values({ function_name: functionName, qualifier, ...values })
      .onConflict((oc) => oc.columns(['function_name', 'qualifier']).doUpdateSet(values))
      .execute();
  }

  async delete(functionName: string, qualifier: string) {
    await this.db.deleteFrom('function_policies').where('function_name', '=', functionName).where('qualifier', '=', qualifier).execute();
  }

  async deleteFunction(functionName: string) {
    await this.db.deleteFrom('function_policies').where('function_name', '=', functionName).execute();
  }
}
