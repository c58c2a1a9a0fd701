// An explicit unit of work for changes that span stores (deleting a function with everything that
// hangs off it, publishing a version): all of it is committed, or none of it. The stores handed to
// the work run inside one Kysely transaction.
import type { Kysely } from 'kysely';
import { SqlAliasStore, type AliasStore } from './alias-store.js';
import { SqlEventInvokeConfigStore, type EventInvokeConfigStore } from './event-invoke-config-store.js';
import type { FunctionCache } from './function-cache.js';
import { SqlFunctionStore, type FunctionStore } from './function-store.js';
import { SqlFunctionUrlStore, type FunctionUrlStore } from './function-url-store.js';
import type { MetadataDb, MetadataTables } from './metadata-tables.js';
import { SqlPolicyStore, type PolicyStore } from './policy-store.js';
import { SqlProvisionedConfigStore, type ProvisionedConfigStore } from './provisioned-config-store.js';
import { SqlReservationStore, type ReservationStore } from './reservation-store.js';

/** The control-plane stores that a unit of work can change together. */
export interface ControlStores {
  functions: FunctionStore;
  aliases: AliasStore;
  policies: PolicyStore;
  eventInvokeConfigs: EventInvokeConfigStore;
  functionUrls: FunctionUrlStore;
  reservations: ReservationStore;
  provisionedConfigs: ProvisionedConfigStore;
}

/**
 * Runs `work` against stores that see one transaction: committed when it resolves, rolled back
 * when it throws (the error is passed on). Inside, use only the stores it is given: a store from
 * outside waits for the transaction's connection on SQLite, so the work would never finish.
 */
export type UnitOfWork = <T>(work: (tx: ControlStores) => Promise<T>) => Promise<T>;

export function sqlControlStores(db: MetadataDb, functionCache: FunctionCache): ControlStores {
  return {
    functions: new SqlFunctionStore(db, functionCache),
    aliases: new SqlAliasStore(db),
    policies: new SqlPolicyStore(db),
    eventInvokeConfigs: new SqlEventInvokeConfigStore(db),
    functionUrls: new SqlFunctionUrlStore(db),
    reservations: new SqlReservationStore(db),
    provisionedConfigs: new SqlProvisionedConfigStore(db),
  };
}

export function sqlUnitOfWork(db: Kysely<MetadataTables>, functionCache: FunctionCache): UnitOfWork {
  return async (work) => {
    // Inside the transaction nothing is cached (a read may see a write that is rolled back), and
    // functions written are invalidated again once it settled: another connection (PostgreSQL)
    // may have cached the old record while the transaction was open.
    const touched = new Set<string>();
    const txCache: FunctionCache = {
      get: (name, version) => functionCache.get(name, version),
      mark: () => -1,
      set: () => {},
      invalidate: (name) => {
        touched.add(name);
        functionCache.invalidate(name);
      },
    };
    try {
      return await db.transaction().execute((trx) => work(sqlControlStores(trx, txCache)));
    } finally {
      for (const name of touched) functionCache.invalidate(name);
    }
  };
}
