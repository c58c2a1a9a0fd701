// Per-function settings for asynchronous invocation (PutFunctionEventInvokeConfig), as an async
// interface with its SQLite implementation over Kysely. The async worker reads one per event.
import type { MetadataDb } from './metadata-tables.js';

export interface EventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  /** Seconds since the epoch, as Lambda reports LastModified here. */
  lastModified: number;
}

export interface EventInvokeConfigStore {
  get(functionName: string, qualifier: string): Promise<EventInvokeConfig | undefined>;
  /** Creates or replaces the configuration of this function and qualifier. */
  put(functionName: string, qualifier: string, config: EventInvokeConfig): Promise<void>;
  delete(functionName: string, qualifier: string): Promise<void>;
  /** Every configuration of one function, in qualifier order. */
  list(functionName: string): Promise<{ qualifier: string; config: EventInvokeConfig }[]>;
  deleteFunction(functionName: string): Promise<void>;
}

export class SqlEventInvokeConfigStore implements EventInvokeConfigStore {
  constructor(private readonly db: MetadataDb) {}

  async get(functionName: string, qualifier: string) {
    const row = await this.db.selectFrom('event_invoke_configs').select('config').where('function_name', '=', functionName).where('qualifier', '=', qualifier).executeTakeFirst();
    return row && (JSON.parse(row.config) as EventInvokeConfig);
  }

  async put(functionName: string, qualifier: string, config: EventInvokeConfig) {
    const json = JSON.stringify(config);
    await this.db
      .insertInto('event_invoke_configs')
      .values({ function_name: functionName, qualifier, config: json })
      .onConflict((oc) => oc.columns(['function_name', 'qualifier']).doUpdateSet({ config: json }))
      .execute();
  }

  async delete(functionName: string, qualifier: string) {
    await this.db.deleteFrom('event_invoke_configs').where('function_name', '=', functionName).where('qualifier', '=', qualifier).execute();
  }

  async list(functionName: string) {
    const rows = await this.db.selectFrom('event_invoke_configs').select(['qualifier', 'config']).where('function_name', '=', functionName).orderBy('qualifier').execute();
    return rows.map((r) => ({ qualifier: r.qualifier, config: JSON.parse(r.config) as EventInvokeConfig }));
  }

  async deleteFunction(functionName: string) {
    await this.db.deleteFrom('event_invoke_configs').where('function_name', '=', functionName).execute();
  }
}
