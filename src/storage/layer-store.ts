// Lambda layer versions, as an async interface with its SQLite implementation over Kysely: each
// version's configuration and its resource policy; version numbers per layer name that only grow.
import type { MetadataDb } from './metadata-tables.js';
import { withinTransaction } from './within-transaction.js';

export interface LayerVersionRecord {
  name: string;
  version: number;
  description: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo?: string;
  /** Lambda's format: 2026-11-28T07:00:00.000+0000 */
  createdDate: string;
  /** Base64 SHA-256 of the zip (Content.CodeSha256). */
  codeSha256: string;
  /** Bytes of the zip (Content.CodeSize). */
  codeSize: number;
  /** Hex SHA-256 of the zip: the content address of the stored, unpacked layer. */
  codeKey: string;
  /** Bytes once unpacked, counted against a function's 250 MB. */
  unzippedBytes: number;
}

/** One statement of a layer version's policy, as GetLayerVersionPolicy shows it. */
export interface LayerStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface LayerPolicy {
  revisionId: string;
  statements: LayerStatement[];
}

export interface LayerStore {
  /** Stores a new version numbered one past the highest ever published under its name. */
  publish(record: Omit<LayerVersionRecord, 'version'>): Promise<LayerVersionRecord>;
  get(name: string, version: number): Promise<LayerVersionRecord | undefined>;
  /** The versions of one layer, newest first. */
  versions(name: string): Promise<LayerVersionRecord[]>;
  /** Every version of every layer, by name, newest version first within a name. */
  all(): Promise<LayerVersionRecord[]>;
  /** Removes a version and its policy; true if it existed. */
  delete(name: string, version: number): Promise<boolean>;
  getPolicy(name: string, version: number): Promise<LayerPolicy | undefined>;
  /** Saves the policy of an existing version; one with no statements left is removed. */
  putPolicy(name: string, version: number, policy: LayerPolicy): Promise<void>;
  /** Whether any stored layer version holds this content. */
  isContentInUse(codeKey: string): Promise<boolean>;
}

const parse = (config: string) => JSON.parse(config) as LayerVersionRecord;
const byNameThenNewest = (a: LayerVersionRecord, b: LayerVersionRecord) => (a.name < b.name ? -1 : a.name > b.name ? 1 : b.version - a.version);

export class SqlLayerStore implements LayerStore {
  constructor(private readonly db: MetadataDb) {}

  publish(fields: Omit<LayerVersionRecord, 'version'>): Promise<LayerVersionRecord> {
    return withinTransaction(this.db, async (tx) => {
      // One statement counts up: two nodes publishing at once (PostgreSQL) take turns on the row
      // and get two numbers, where a read then a write would give both the same.
      const { last_version: version } = await tx
        .insertInto('layers')
        .values({ layer_name: fields.name, last_version: 1 })
        .onConflict((oc) => oc.column('layer_name').doUpdateSet((eb) => ({ last_version: eb('layers.last_version', '+', 1) })))
        .returning('last_version')
        .executeTakeFirstOrThrow();
      const record = { ...fields, version };
      await tx.insertInto('layer_versions').values({ layer_name: fields.name, version, config: JSON.stringify(record), policy: null }).execute();
      return record;
    });
  }

  async get(name: string, version: number) {
    const row = await this.db.selectFrom('layer_versions').select('config').where('layer_name', '=', name).where('version', '=', version).executeTakeFirst();
    return row && parse(row.config);
  }

  async versions(name: string) {
    const rows = await this.db.selectFrom('layer_versions').select('config').where('layer_name', '=', name).execute();
    return rows.map((r) => parse(r.config)).sort(byNameThenNewest);
  }

  async all() {
    const rows = await this.db.selectFrom('layer_versions').select('config').execute();
    return rows.map((r) => parse(r.config)).sort(byNameThenNewest);
  }

  async delete(name: string, version: number) {
    const result = await this.db.deleteFrom('layer_versions').where('layer_name', '=', name).where('version', '=', version).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getPolicy(name: string, version: number) {
    const row = await this.db.selectFrom('layer_versions').select('policy').where('layer_name', '=', name).where('version', '=', version).executeTakeFirst();
    return row?.policy ? (JSON.parse(row.policy) as LayerPolicy) : undefined;
  }

  async putPolicy(name: string, version: number, policy: LayerPolicy) {
    const text = policy.statements.length > 0 ? JSON.stringify(policy) : null;
    await this.db.updateTable('layer_versions').set({ policy: text }).where('layer_name', '=', name).where('version', '=', version).execute();
  }

  async isContentInUse(codeKey: string) {
    // The key sits inside the JSON config: LIKE narrows portably, parsing decides.
    const rows = await this.db.selectFrom('layer_versions').select('config').where('config', 'like', `%${codeKey}%`).execute();
    return rows.some((r) => parse(r.config).codeKey === codeKey);
  }
}
