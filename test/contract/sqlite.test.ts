// The store contracts run against the SQLite backend: each store over a freshly migrated
// metadata.db. A PostgreSQL backend gets a sibling of this file with its own factory.
import { after } from 'node:test';
import { SqlAccessKeyStore } from '../../src/storage/access-key-store.js';
import { SqlAliasStore } from '../../src/storage/alias-store.js';
import { SqlAsyncEventStore } from '../../src/storage/async-event-store.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { SqlDeadLetterStore } from '../../src/storage/dead-letter-store.js';
import { SqlEventInvokeConfigStore } from '../../src/storage/event-invoke-config-store.js';
import { InMemoryFunctionCache } from '../../src/storage/function-cache.js';
import { SqlFunctionStore } from '../../src/storage/function-store.js';
import { SqlFunctionUrlStore } from '../../src/storage/function-url-store.js';
import { SqlLayerStore } from '../../src/storage/layer-store.js';
import { SqlPolicyStore } from '../../src/storage/policy-store.js';
import { SqlProvisionedConfigStore } from '../../src/storage/provisioned-config-store.js';
import { SqlReservationStore } from '../../src/storage/reservation-store.js';
import { SqlRouteStore } from '../../src/storage/route-store.js';
import { SqlScheduleStore, sqlScheduleFiringTransaction } from '../../src/storage/schedule-store.js';
import { sqlControlStores, sqlUnitOfWork } from '../../src/storage/unit-of-work.js';
import { LogStore } from '../../src/storage/log-store.js';
import { Metering } from '../../src/telemetry/metering.js';
import { CachedRouteStore } from '../../src/triggers/http/cached-route-store.js';
import { tempDataDir } from '../helpers/gust-process.js';
import { accessKeyStoreContract } from './access-key-store.contract.js';
import { aliasStoreContract } from './alias-store.contract.js';
import { asyncEventStoreContract } from './async-event-store.contract.js';
import { deadLetterStoreContract } from './dead-letter-store.contract.js';
import { eventInvokeConfigStoreContract } from './event-invoke-config-store.contract.js';
import { functionStoreContract } from './function-store.contract.js';
import { functionUrlStoreContract } from './function-url-store.contract.js';
import { layerStoreContract } from './layer-store.contract.js';
import { policyStoreContract } from './policy-store.contract.js';
import { provisionedConfigStoreContract } from './provisioned-config-store.contract.js';
import { reservationStoreContract } from './reservation-store.contract.js';
import { routeStoreContract } from './route-store.contract.js';
import { scheduleStoreContract } from './schedule-store.contract.js';
import { logStoreContract, meteringContract } from './telemetry-stores.contract.js';
import { unitOfWorkContract } from './unit-of-work.contract.js';
import { objectStoreContract } from './object-store.contract.js';
import { blobStoreContract } from './blob-store.contract.js';
import { SqlObjectStore } from '../../src/storage/object-store.js';
import { LocalDiskBlobStore } from '../../src/storage/blob-store.js';
import fs from 'node:fs';
import path from 'node:path';
import { queueStoreContract } from './queue-store.contract.js';
import { SqlQueueStore } from '../../src/storage/sql-queue-store.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));
const metadata = async () => {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  return dbs.metadataSql;
};

provisionedConfigStoreContract('SQLite', async () => new SqlProvisionedConfigStore(await metadata()));
layerStoreContract('SQLite', async () => new SqlLayerStore(await metadata()));
accessKeyStoreContract('SQLite', async () => new SqlAccessKeyStore(await metadata()));
asyncEventStoreContract('SQLite', async () => new SqlAsyncEventStore(await metadata()));
deadLetterStoreContract('SQLite', async () => new SqlDeadLetterStore(await metadata()));
scheduleStoreContract('SQLite', async () => {
  const db = await metadata();
  return { store: new SqlScheduleStore(db), transaction: sqlScheduleFiringTransaction(db), queued: () => new SqlAsyncEventStore(db).count() };
});
// Telemetry's own stores, over a freshly migrated telemetry.db.
const telemetry = async () => {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  return dbs.telemetry;
};
logStoreContract('SQLite', async () => new LogStore(await telemetry()));
meteringContract('SQLite', async () => new Metering(await telemetry(), { pricePerGbSecond: 0, pricePerMillionRequests: 0 }));
reservationStoreContract('SQLite', async () => new SqlReservationStore(await metadata()));
eventInvokeConfigStoreContract('SQLite', async () => new SqlEventInvokeConfigStore(await metadata()));
functionUrlStoreContract('SQLite', async () => new SqlFunctionUrlStore(await metadata()));
routeStoreContract('SQLite', async () => new SqlRouteStore(await metadata()));
routeStoreContract('SQLite, cached', async () => CachedRouteStore.load(new SqlRouteStore(await metadata())));
policyStoreContract('SQLite', async () => new SqlPolicyStore(await metadata()));
aliasStoreContract('SQLite', async () => new SqlAliasStore(await metadata()));
functionStoreContract('SQLite', async () => new SqlFunctionStore(await metadata(), new InMemoryFunctionCache()));
unitOfWorkContract('SQLite', async () => {
  const db = await metadata();
  const cache = new InMemoryFunctionCache();
  return { stores: sqlControlStores(db, cache), unitOfWork: sqlUnitOfWork(db, cache) };
});
objectStoreContract('SQLite', async () => {
  const db = await metadata();
  return { store: new SqlObjectStore(db), queued: () => new SqlAsyncEventStore(db).count() };
});
blobStoreContract('local disk', async () => {
  const root = path.join(tempDataDir(), 'objects');
  const files = () => (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
  return { store: new LocalDiskBlobStore(root), files };
});
queueStoreContract('SQLite', async () => new SqlQueueStore(await metadata()));
