// Function URL configurations, as an async interface with its SQLite implementation over Kysely:
// every request to a function URL looks one up by its id (the table's primary key).
import type { MetadataDb } from './metadata-tables.js';

export interface Cors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

export interface FunctionUrl {
  urlId: string;
  functionName: string;
  qualifier: string;
  authType: 'NONE' | 'AWS_IAM';
  cors?: Cors;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  creationTime: string;
  lastModifiedTime: string;
}

export interface FunctionUrlStore {
  /** The URL a request to /lambda-url/<id>/ names: every such request looks one up. */
  byUrlId(urlId: string): Promise<FunctionUrl | undefined>;
  get(functionName: string, qualifier: string): Promise<FunctionUrl | undefined>;
  /** Every URL of one function, in qualifier order. */
  list(functionName: string): Promise<FunctionUrl[]>;
  /** Creates or replaces the URL of its function and qualifier. */
  put(url: FunctionUrl): Promise<void>;
  delete(functionName: string, qualifier: string): Promise<void>;
  deleteFunction(functionName: string): Promise<void>;
}

export class SqlFunctionUrlStore implements FunctionUrlStore {
  constructor(private readonly db: MetadataDb) {}

  async byUrlId(urlId: string) {
    const row = await this.db.selectFrom('function_urls').select('config').where('url_id', '=', urlId).executeTakeFirst();
    return row && (JSON.parse(row.config) as FunctionUrl);
  }

  async get(functionName: string, qualifier: string) {
    const row = await this.db.selectFrom('function_urls').select('config').where('function_name', '=', functionName).where('qualifier', '=', qualifier).executeTakeFirst();
    return row && (JSON.parse(row.config) as FunctionUrl);
  }

  async list(functionName: string) {
    const rows = await this.db.selectFrom('function_urls').select('config').where('function_name', '=', functionName).orderBy('qualifier').execute();
    return rows.map((r) => JSON.parse(r.config) as FunctionUrl);
  }

  async put(url: FunctionUrl) {
    const config = JSON.stringify(url);
    // One URL per function and qualifier: a new id for the same pair replaces the old row.
    await this.delete(url.functionName, url.qualifier);
    await this.db
      .insertInto('function_urls')
      .values({ url_id: url.urlId, function_name: url.functionName, qualifier: url.qualifier, config })
      .onConflict((oc) => oc.column('url_id').doUpdateSet({ function_name: url.functionName, qualifier: url.qualifier, config }))
      .execute();
  }

  async delete(functionName: string, qualifier: string) {
    await this.db.deleteFrom('function_urls').where('function_name', '=', functionName).where('qualifier', '=', qualifier).execute();
  }

  async deleteFunction(functionName: string) {
    await this.db.deleteFrom('function_urls').where('function_name', '=', functionName).execute();
  }
}
