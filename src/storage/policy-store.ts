// Resource-based policies of functions in metadata.db: one statement list per function and
// qualifier, with the revision id that AddPermission and RemovePermission check against.
import type { Db } from './database.js';

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

export class PolicyStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteStmt;
  private readonly deleteFunctionStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string, string], { revision_id: string; statements: string }>('SELECT revision_id, statements FROM function_policies WHERE function_name = ? AND qualifier = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO function_policies (function_name, qualifier, revision_id, statements) VALUES (?, ?, ?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM function_policies WHERE function_name = ? AND qualifier = ?');
    this.deleteFunctionStmt = db.prepare('DELETE FROM function_policies WHERE function_name = ?');
  }

  get(functionName: string, qualifier: string): StoredPolicy | undefined {
    const row = this.getStmt.get(functionName, qualifier);
    return row && { revisionId: row.revision_id, statements: JSON.parse(row.statements) as PolicyStatement[] };
  }

  /** Saves the policy; one with no statements left is deleted, as Lambda drops an empty policy. */
  put(functionName: string, qualifier: string, policy: StoredPolicy): void {
    if (policy.statements.length === 0) this.delete(functionName, qualifier);
    else this.putStmt.run(functionName, qualifier, policy.revisionId, JSON.stringify(policy.statements));
  }

  /** Deletes one qualifier's policy, or all of a function's when `qualifier` is left out. */
  delete(functionName: string, qualifier?: string): void {
    if (qualifier === undefined) this.deleteFunctionStmt.run(functionName);
    else this.deleteStmt.run(functionName, qualifier);
  }
}
