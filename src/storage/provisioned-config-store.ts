// Provisioned concurrency configurations (how many instances a version or alias keeps warm), as
// an async interface with its SQLite implementation over Kysely. control/ never sees SQL.
import type { MetadataDb } from './metadata-tables.js';

export interface ProvisionedConfigRecord {
  functionName: string;
  /** A version number or an alias. */
  qualifier: string;
  requested: number;
  /** Lambda's timestamp format, as GetProvisionedConcurrencyConfig reports it. */
  lastModified: string;
}

export interface ProvisionedConfigStore {
  get(functionName: string, qualifier: string): Promise<ProvisionedConfigRecord | undefined>;
  /** Creates or replaces the configuration of this function and qualifier. */
  put(record: ProvisionedConfigRecord): Promise<void>;
  delete(functionName: string, qualifier: string): Promise<void>;
  /** Every configuration of one function, in qualifier order. */
  list(functionName: string): Promise<ProvisionedConfigRecord[]>;
  /** Every configuration of every function (to restore them at start-up). */
  all(): Promise<ProvisionedConfigRecord[]>;
  deleteFunction(functionName: string): Promise<void>;
}

type Row = { function_name: string; qualifier: string; requested: number; last_modified: string };
const toRecord = (r: Row): ProvisionedConfigRecord => ({ functionName: r.function_name, qualifier: r.qualifier, requested: r.requested, lastModified: r.last_modified });

export class SqlProvisionedConfigStore implements ProvisionedConfigStore {
  constructor(private readonly db: MetadataDb) {}

  async get(functionName: string, qualifier: string) {
    const row = await this.db.selectFrom('provisioned_concurrency').selectAll().where('function_name', '=', functionName).where('qualifier', '=', qualifier).executeTakeFirst();
    return row && toRecord(row);
  }

  async put(r: ProvisionedConfigRecord) {
    await this.db
      .insertInto('provisioned_concurrency')
      .values({ function_name: r.functionName, qualifier: r.qualifier, requested: r.requested, last_modified: r.lastModified })
      .onConflict((oc) => oc.columns(['function_name', 'qualifier']).doUpdateSet({ requested: r.requested, last_modified: r.lastModified }))
      .execute();
  }

  async delete(functionName: string, qualifier: string) {
    await this.db.deleteFrom('provisioned_concurrency').where('function_name', '=', functionName).where('qualifier', '=', qualifier).execute();
  }

  async list(functionName: string) {
    return (await this.db.selectFrom('provisioned_concurrency').selectAll().where('function_name', '=', functionName).orderBy('qualifier').execute()).map(toRecord);
  }

  async all() {
    return (await this.db.selectFrom('provisioned_concurrency').selectAll().orderBy('function_name').orderBy('qualifier').execute()).map(toRecord);
  }

  async deleteFunction(functionName: string) {
    await this.db.deleteFrom('provisioned_concurrency').where('function_name', '=', functionName).execute();
  }
}
