// Runs work in a transaction on metadata.db, or inside the one already open: a store method that
// must be atomic (check-then-insert) works alone and as part of a caller's larger unit of work.
import type { MetadataDb } from './metadata-tables.js';

export function withinTransaction<T>(db: MetadataDb, work: (tx: MetadataDb) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
