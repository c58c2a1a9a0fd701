// Reserved concurrency per function (PutFunctionConcurrency), in metadata.db and in memory:
// every invocation consults it.
import type { Db } from './database.js';

export class ReservationStore {
  private readonly reserved = new Map<string, number>();

  constructor(private readonly db: Db) {
    for (const row of db.prepare<[], { function_name: string; reserved: number }>('SELECT * FROM reserved_concurrency').all()) {
      this.reserved.set(row.function_name, row.reserved);
    }
  }

  get(name: string): number | undefined {
    return this.reserved.get(name);
  }

  set(name: string, reserved: number): void {
    this.db.prepare('INSERT OR REPLACE INTO reserved_concurrency (function_name, reserved) VALUES (?, ?)').run(name, reserved);
    this.reserved.set(name, reserved);
  }

  delete(name: string): void {
    this.db.prepare('DELETE FROM reserved_concurrency WHERE function_name = ?').run(name);
    this.reserved.delete(name);
  }

  /** Sum of all reservations. */
  total(): number {
    let sum = 0;
    for (const n of this.reserved.values()) sum += n;
    return sum;
  }
}
