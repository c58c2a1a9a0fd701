// Every metadata store's contract suite, over one backend: `metadata` opens a freshly migrated,
// empty metadata database each time it is called. sqlite.test.ts and postgres.test.ts run these.
import type { Kysely } from 'kysely';
import { SqlAccessKeyStore } from '../../src/storage/access-key-store.js';
import { SqlAliasStore } from '../../src/storage/alias-store.js';
import { SqlAsyncEventStore } from '../../src/storage/async-event-store.js';
import { SqlDeadLetterStore } from '../../src/storage/dead-letter-store.js';
import { SqlEventInvokeConfigStore } from '../../src/storage/event-invoke-config-store.js';
import { InMemoryFunctionCache } from '../../src/storage/function-cache.js';
import { SqlFunctionStore } from '../../src/storage/function-store.js';
import { SqlFunctionUrlStore } from '../../src/storage/function-url-store.js';
import { SqlLayerStore } from '../../src/storage/layer-store.js';
import type { MetadataTables } from '../../src/storage/metadata-tables.js';
import { SqlObjectStore } from '../../src/storage/object-store.js';
import { SqlPolicyStore } from '../../src/storage/policy-store.js';
import { SqlProvisionedConfigStore } from '../../src/storage/provisioned-config-store.js';
import { SqlReservationStore } from '../../src/storage/reservation-store.js';
import { SqlRouteStore } from '../../src/storage/route-store.js';
import { SqlScheduleStore, sqlScheduleFiringTransaction } from '../../src/storage/schedule-store.js';
import { SqlQueueStore } from '../../src/storage/sql-queue-store.js';
import { sqlControlStores, sqlUnitOfWork } from '../../src/storage/unit-of-work.js';
import { CachedRouteStore } from '../../src/triggers/http/cached-route-store.js';
import { accessKeyStoreContract } from './access-key-store.contract.js';
import { aliasStoreContract } from './alias-store.contract.js';
import { asyncEventStoreContract } from './async-event-store.contract.js';
import { deadLetterStoreContract } from './dead-letter-store.contract.js';
import { eventInvokeConfigStoreContract } from './event-invoke-config-store.contract.js';
import { functionStoreContract } from './function-store.contract.js';
import { functionUrlStoreContract } from './function-url-store.contract.js';
import { layerStoreContract } from './layer-store.contract.js';
import { objectStoreContract } from './object-store.contract.js';
import { policyStoreContract } from './policy-store.contract.js';
import { provisionedConfigStoreContract } from './provisioned-config-store.contract.js';
import { queueStoreContract } from './queue-store.contract.js';
import { reservationStoreContract } from './reservation-store.contract.js';
import { routeStoreContract } from './route-store.contract.js';
import { scheduleStoreContract } from './schedule-store.contract.js';
import { unitOfWorkContract } from './unit-of-work.contract.js';

export function metadataStoreSuites(backend: string, metadata: () => Promise<Kysely<MetadataTables>>): void {
  provisionedConfigStoreContract(backend, async () => new SqlProvisionedConfigStore(await metadata()));
  layerStoreContract(backend, async () => new SqlLayerStore(await metadata()));
  accessKeyStoreContract(backend, async () => new SqlAccessKeyStore(await metadata()));
  asyncEventStoreContract(backend, async () => new SqlAsyncEventStore(await metadata()));
  deadLetterStoreContract(backend, async () => new SqlDeadLetterStore(await metadata()));
  scheduleStoreContract(backend, async () => {
    const db = await metadata();
    return { store: new SqlScheduleStore(db), transaction: sqlScheduleFiringTransaction(db), queued: () => new SqlAsyncEventStore(db).count() };
  });
  reservationStoreContract(backend, async () => new SqlReservationStore(await metadata()));
  eventInvokeConfigStoreContract(backend, async () => new SqlEventInvokeConfigStore(await metadata()));
  functionUrlStoreContract(backend, async () => new SqlFunctionUrlStore(await metadata()));
  routeStoreContract(backend, async () => new SqlRouteStore(await metadata()));
  routeStoreContract(`${backend}, cached`, async () => CachedRouteStore.load(new SqlRouteStore(await metadata())));
  policyStoreContract(backend, async () => new SqlPolicyStore(await metadata()));
  aliasStoreContract(backend, async () => new SqlAliasStore(await metadata()));
  functionStoreContract(backend, async () => new SqlFunctionStore(await metadata(), new InMemoryFunctionCache()));
  unitOfWorkContract(backend, async () => {
    const db = await metadata();
    const cache = new InMemoryFunctionCache();
    return { stores: sqlControlStores(db, cache), unitOfWork: sqlUnitOfWork(db, cache) };
  });
  objectStoreContract(backend, async () => {
    const db = await metadata();
    return { store: new SqlObjectStore(db), queued: () => new SqlAsyncEventStore(db).count() };
  });
  queueStoreContract(backend, async () => new SqlQueueStore(await metadata()));
}
