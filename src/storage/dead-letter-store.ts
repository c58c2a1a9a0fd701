// Gust's built-in dead-letter store: async events that failed for good, with Lambda's
// destination record, kept until they are re-driven or deleted. An async interface with its
// SQLite implementation over Kysely.
import type { Selectable } from 'kysely';
import type { MetadataDb, MetadataTables } from './metadata-tables.js';

export interface DeadLetter {
  id: number;
  functionName: string;
  qualifier: string;
  requestId: string;
  condition: string;
  record: unknown;
  payload: Buffer;
  createdAt: number;
}

/** The most dead letters one list returns. */
export const DEAD_LETTER_LIST_LIMIT = 1000;

export interface DeadLetterStore {
  add(d: Omit<DeadLetter, 'id' | 'createdAt'>, now?: number): Promise<void>;
  /** The oldest first, of one function or of all; at most DEAD_LETTER_LIST_LIMIT. */
  list(functionName?: string): Promise<DeadLetter[]>;
  get(id: number): Promise<DeadLetter | undefined>;
  delete(id: number): Promise<void>;
}

type Row = Selectable<MetadataTables['dead_letters']>;

const toDeadLetter = (r: Row): DeadLetter => ({
  id: r.id,
  functionName: r.function_name,
  qualifier: r.qualifier,
  requestId: r.request_id,
  condition: r.condition,
  record: JSON.parse(r.record),
  payload: r.payload,
  createdAt: r.created_at,
});

export class SqlDeadLetterStore implements DeadLetterStore {
  constructor(private readonly db: MetadataDb) {}

  async add(d: Omit<DeadLetter, 'id' | 'createdAt'>, now = Date.now()) {
    await this.db
      .insertInto('dead_letters')
      .values({ function_name: d.functionName, qualifier: d.qualifier, request_id: d.requestId, condition: d.condition, record: JSON.stringify(d.record), payload: d.payload, created_at: now })
      .execute();
  }

  async list(functionName?: string) {
    let query = this.db.selectFrom('dead_letters').selectAll().orderBy('id').limit(DEAD_LETTER_LIST_LIMIT);
    if (functionName !== undefined) query = query.where('function_name', '=', functionName);
    return (await query.execute()).map(toDeadLetter);
  }

  async get(id: number) {
    const row = await this.db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDeadLetter(row);
  }

  async delete(id: number) {
    await this.db.deleteFrom('dead_letters').where('id', '=', id).execute();
  }
}
