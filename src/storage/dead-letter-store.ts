// Gust's built-in dead-letter store: async events that failed for good, with Lambda's
// destination record, kept until they are re-driven or deleted.
import type { Db } from './database.js';

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

interface Row {
  id: number;
  function_name: string;
  qualifier: string;
  request_id: string;
  condition: string;
  record: string;
  payload: Buffer;
  created_at: number;
}

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

export class DeadLetterStore {
  constructor(private readonly db: Db) {}

  add(d: Omit<DeadLetter, 'id' | 'createdAt'>): void {
    this.db
      .prepare('INSERT INTO dead_letters (function_name, qualifier, request_id, condition, record, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(d.functionName, d.qualifier, d.requestId, d.condition, JSON.stringify(d.record), d.payload, Date.now());
  }

  list(functionName?: string): DeadLetter[] {
    return this.db
      .prepare<[string | null, string | null], Row>('SELECT * FROM dead_letters WHERE (? IS NULL OR function_name = ?) ORDER BY id LIMIT 1000')
      .all(functionName ?? null, functionName ?? null)
      .map(toDeadLetter);
  }

  get(id: number): DeadLetter | undefined {
    const row = this.db.prepare<[number], Row>('SELECT * FROM dead_letters WHERE id = ?').get(id);
    return row ? toDeadLetter(row) : undefined;
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM dead_letters WHERE id = ?').run(id);
  }
}
