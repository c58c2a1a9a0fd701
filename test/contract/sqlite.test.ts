// The store contracts run against the SQLite backend: each store over a freshly migrated
// metadata.db. A PostgreSQL backend gets a sibling of this file with its own factory.
import { after } from 'node:test';
import { SqlAccessKeyStore } from '../../src/storage/access-key-store.js';
import { SqlAsyncEventStore } from '../../src/storage/async-event-store.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { SqlDeadLetterStore } from '../../src/storage/dead-letter-store.js';
import { SqlProvisionedConfigStore } from '../../src/storage/provisioned-config-store.js';
import { SqlScheduleStore, sqlScheduleFiringTransaction } from '../../src/storage/schedule-store.js';
import { LogStore } from '../../src/telemetry/log-store.js';
import { Metering } from '../../src/telemetry/metering.js';
import { tempDataDir } from '../helpers/gust-process.js';
import { accessKeyStoreContract } from './access-key-store.contract.js';
import { asyncEventStoreContract } from './async-event-store.contract.js';
import { deadLetterStoreContract } from './dead-letter-store.contract.js';
import { provisionedConfigStoreContract } from './provisioned-config-store.contract.js';
import { scheduleStoreContract } from './schedule-store.contract.js';
import { logStoreContract, meteringContract } from './telemetry-stores.contract.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));
const metadata = async () => {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  return dbs.metadataSql;
};

provisionedConfigStoreContract('SQLite', async () => new SqlProvisionedConfigStore(await metadata()));
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
