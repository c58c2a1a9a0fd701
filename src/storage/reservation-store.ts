// Reserved concurrency per function (PutFunctionConcurrency), as an async interface with its
// SQLite implementation over Kysely. Every invocation consults the reservations, so invoke/
// keeps them in memory (invoke/reservations.ts) and writes through this store.
import type { MetadataDb } from './metadata-tables.js';

export interface Reservation {
  functionName: string;
  reserved: number;
}

export interface ReservationStore {
  get(functionName: string): Promise<number | undefined>;
  /** Creates or replaces the function's reservation. */
  set(functionName: string, reserved: number): Promise<void>;
  delete(functionName: string): Promise<void>;
  /** Every reservation, in function-name order (to load them at start-up). */
  all(): Promise<Reservation[]>;
}

export class SqlReservationStore implements ReservationStore {
  constructor(private readonly db: MetadataDb) {}

  async get(functionName: string) {
    const row = await this.db.selectFrom('reserved_concurrency').select('reserved').where('function_name', '=', functionName).executeTakeFirst();
    return row?.reserved;
  }

  async set(functionName: string, reserved: number) {
    await this.db
      .insertInto('reserved_concurrency')
      .values({ function_name: functionName, reserved })
      .onConflict((oc) => oc.column('function_name').doUpdateSet({ reserved }))
      .execute();
  }

  async delete(functionName: string) {
    await this.db.deleteFrom('reserved_concurrency').where('function_name', '=', functionName).execute();
  }

  async all() {
    const rows = await this.db.selectFrom('reserved_concurrency').selectAll().orderBy('function_name').execute();
    return rows.map((r) => ({ functionName: r.function_name, reserved: r.reserved }));
  }
}
