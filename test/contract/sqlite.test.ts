// The store contracts run against the SQLite backend: each store over a freshly migrated
// metadata.db. A PostgreSQL backend gets a sibling of this file with its own factory.
import { after } from 'node:test';
import { SqlAccessKeyStore } from '../../src/storage/access-key-store.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { SqlProvisionedConfigStore } from '../../src/storage/provisioned-config-store.js';
import { SqlReservationStore } from '../../src/storage/reservation-store.js';
import { SqlEventInvokeConfigStore } from '../../src/storage/event-invoke-config-store.js';
import { SqlFunctionUrlStore } from '../../src/storage/function-url-store.js';
import { SqlRouteStore } from '../../src/storage/route-store.js';
import { CachedRouteStore } from '../../src/triggers/http/cached-route-store.js';
import { SqlPolicyStore } from '../../src/storage/policy-store.js';
import { tempDataDir } from '../helpers/gust-process.js';
import { accessKeyStoreContract } from './access-key-store.contract.js';
import { eventInvokeConfigStoreContract } from './event-invoke-config-store.contract.js';
import { functionUrlStoreContract } from './function-url-store.contract.js';
import { routeStoreContract } from './route-store.contract.js';
import { policyStoreContract } from './policy-store.contract.js';
import { provisionedConfigStoreContract } from './provisioned-config-store.contract.js';
import { reservationStoreContract } from './reservation-store.contract.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));
const metadata = async () => {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  return dbs.metadataSql;
};

provisionedConfigStoreContract('SQLite', async () => new SqlProvisionedConfigStore(await metadata()));
accessKeyStoreContract('SQLite', async () => new SqlAccessKeyStore(await metadata()));
reservationStoreContract('SQLite', async () => new SqlReservationStore(await metadata()));
eventInvokeConfigStoreContract('SQLite', async () => new SqlEventInvokeConfigStore(await metadata()));
functionUrlStoreContract('SQLite', async () => new SqlFunctionUrlStore(await metadata()));
routeStoreContract('SQLite', async () => new SqlRouteStore(await metadata()));
routeStoreContract('SQLite, cached', async () => CachedRouteStore.load(new SqlRouteStore(await metadata())));
policyStoreContract('SQLite', async () => new SqlPolicyStore(await metadata()));
