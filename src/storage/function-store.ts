// Functions and their versions, as an async interface with its SQLite implementation over Kysely.
// Every invocation reads its function record: reads go through a FunctionCache, and every write
// invalidates the function's entries (again after a unit of work settles: unit-of-work.ts).
import type { FunctionRecord } from '../control/function-record.js';
import type { FunctionCache } from './function-cache.js';
import type { MetadataDb } from './metadata-tables.js';

const LATEST = '$LATEST';

export interface FunctionStore {
  get(name: string, version: string): Promise<FunctionRecord | undefined>;
  /** Creates or replaces the record of its function and version. */
  put(record: FunctionRecord): Promise<void>;
  /** Writes the record only if its function and version have none yet: false when one was there
   * (two nodes creating one function, or publishing one version number, at once). */
  create(record: FunctionRecord): Promise<boolean>;
  /** Functions after `afterName` in name order, one record per function (the given version). */
  list(version: string, afterName: string, limit: number): Promise<FunctionRecord[]>;
  /** Every version of a function, $LATEST first, then published versions in number order. */
  versions(name: string): Promise<FunctionRecord[]>;
  /** Deletes a function with all its versions. */
  delete(name: string): Promise<void>;
  deleteVersion(name: string, version: string): Promise<void>;
  /** Whether any version of any function runs this code package. */
  isCodeInUse(codeKey: string): Promise<boolean>;
  /** Whether any version of any function uses a layer with this content. */
  isLayerContentInUse(codeKey: string): Promise<boolean>;
}

const parse = (config: string) => Object.freeze(JSON.parse(config) as FunctionRecord);
const versionOrder = (a: FunctionRecord, b: FunctionRecord) =>
  a.version === LATEST ? -1 : b.version === LATEST ? 1 : Number(a.version) - Number(b.version);

export class SqlFunctionStore implements FunctionStore {
  constructor(
    private readonly db: MetadataDb,
    private readonly cache: FunctionCache,
  ) {}

  async get(name: string, version: string) {
    const cached = this.cache.get(name, version);
    if (cached) return cached;
    const mark = this.cache.mark();
    const row = await this.db.selectFrom('function_versions').select('config').where('name', '=', name).where('version', '=', version).executeTakeFirst();
    if (!row) return undefined;
    const record = parse(row.config);
    this.cache.set(name, version, record, mark);
    return record;
  }

  async put(record: FunctionRecord) {
    const config = JSON.stringify(record);
    await this.db
      .insertInto('function_versions')
      .values({ name: record.name, version: record.version, config })
      .onConflict((oc) => oc.columns(['name', 'version']).doUpdateSet({ config }))
      .execute();
    this.cache.invalidate(record.name);
  }

  async create(record: FunctionRecord) {
    const result = await this.db
      .insertInto('function_versions')
      .values({ name: record.name, version: record.version, config: JSON.stringify(record) })
      .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
      .executeTakeFirst();
    this.cache.invalidate(record.name);
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async list(version: string, afterName: string, limit: number) {
    const rows = await this.db.selectFrom('function_versions').select('config').where('version', '=', version).where('name', '>', afterName).orderBy('name').limit(limit).execute();
    return rows.map((r) => parse(r.config));
  }

  async versions(name: string) {
    // Sorted here: version numbers are text, and casting '$LATEST' fails on PostgreSQL.
    const rows = await this.db.selectFrom('function_versions').select('config').where('name', '=', name).execute();
    return rows.map((r) => parse(r.config)).sort(versionOrder);
  }

  async delete(name: string) {
    await this.db.deleteFrom('function_versions').where('name', '=', name).execute();
    this.cache.invalidate(name);
  }

  async deleteVersion(name: string, version: string) {
    await this.db.deleteFrom('function_versions').where('name', '=', name).where('version', '=', version).execute();
    this.cache.invalidate(name);
  }

  async isCodeInUse(codeKey: string) {
    // The key sits inside the JSON config: LIKE narrows portably (no json_extract), parsing decides.
    const rows = await this.db.selectFrom('function_versions').select('config').where('config', 'like', `%${codeKey}%`).execute();
    return rows.some((r) => (JSON.parse(r.config) as FunctionRecord).codeKey === codeKey);
  }

  async isLayerContentInUse(codeKey: string) {
    const rows = await this.db.selectFrom('function_versions').select('config').where('config', 'like', `%${codeKey}%`).execute();
    return rows.some((r) => (JSON.parse(r.config) as FunctionRecord).layers?.some((l) => l.codeKey === codeKey) ?? false);
  }
}
