// The store contracts run against the SQLite backend: each store over a freshly migrated
// metadata.db (postgres.test.ts runs the same metadata suites on PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { LocalDiskBlobStore } from '../../src/storage/blob-store.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { LogStore } from '../../src/storage/log-store.js';
import { Metering } from '../../src/telemetry/metering.js';
import { tempDataDir } from '../helpers/gust-process.js';
import { blobStoreContract } from './blob-store.contract.js';
import { metadataStoreSuites } from './metadata-store-suites.js';
import { logStoreContract, meteringContract } from './telemetry-stores.contract.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));
const open = async () => {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  return dbs;
};

metadataStoreSuites('SQLite', async () => (await open()).metadataSql);
// Telemetry's own stores, over a freshly migrated telemetry.db.
logStoreContract('SQLite', async () => new LogStore((await open()).telemetry));
meteringContract('SQLite', async () => new Metering((await open()).telemetry, { pricePerGbSecond: 0, pricePerMillionRequests: 0 }));
blobStoreContract('local disk', async () => {
  const root = path.join(tempDataDir(), 'objects');
  const files = () => (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
  return { store: new LocalDiskBlobStore(root), files };
});
