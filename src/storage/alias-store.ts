// Aliases of functions, as an async interface with its SQLite implementation over Kysely. An
// invocation of an alias resolves it: one primary-key read.
import type { MetadataDb } from './metadata-tables.js';

export interface AliasRecord {
  functionName: string;
  name: string;
  functionVersion: string;
  description: string;
  /** One extra version and the share of traffic (0–1) it gets. */
  additionalVersionWeights: Record<string, number>;
  revisionId: string;
}

export interface AliasStore {
  get(functionName: string, name: string): Promise<AliasRecord | undefined>;
  /** Creates or replaces the alias. */
  put(alias: AliasRecord): Promise<void>;
  delete(functionName: string, name: string): Promise<void>;
  /** Every alias of one function, in name order. */
  list(functionName: string): Promise<AliasRecord[]>;
  deleteFunction(functionName: string): Promise<void>;
}

export class SqlAliasStore implements AliasStore {
  constructor(private readonly db: MetadataDb) {}

  async get(functionName: string, name: string) {
    const row = await this.db.selectFrom('aliases').select('config').where('function_name', '=', functionName).where('name', '=', name).executeTakeFirst();
    return row && (JSON.parse(row.config) as AliasRecord);
  }

  async put(alias: AliasRecord) {
    const config = JSON.stringify(alias);
    await this.db
      .insertInto('aliases')
      .values({ function_name: alias.functionName, name: alias.name, config })
      .onConflict((oc) => oc.columns(['function_name', 'name']).doUpdateSet({ config }))
      .execute();
  }

  async delete(functionName: string, name: string) {
    await this.db.deleteFrom('aliases').where('function_name', '=', functionName).where('name', '=', name).execute();
  }

  async list(functionName: string) {
    const rows = await this.db.selectFrom('aliases').select('config').where('function_name', '=', functionName).orderBy('name').execute();
    return rows.map((r) => JSON.parse(r.config) as AliasRecord);
  }

  async deleteFunction(functionName: string) {
    await this.db.deleteFrom('aliases').where('function_name', '=', functionName).execute();
  }
}
