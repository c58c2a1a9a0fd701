// The store contracts run against the SQLite backend: each store over a freshly migrated
// metadata.db (postgres.test.ts runs the same metadata suites on PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { LocalDiskBlobStore } from '../../src/storage/blob-store.js';
import { openDatabases, type Databases } from '../../src/storage/database.js';
import { openTelemetryStores } from '../../src/storage/telemetry-stores.js';
import { tempDataDir } from '../helpers/gust-process.js';
import { blobStoreContract } from './blob-store.contract.js';
import { metadataStoreSuites } from './metadata-store-suites.js';
import { telemetryStoreSuites } from './telemetry-stores.contract.js';

const opened: Databases[] = [];
after(() => Promise.all(opened.map((d) => d.close())));
const open = async () => {
  const dbs = await openDatabases(tempDataDir());
  opened.push(dbs);
  return dbs;
};

metadataStoreSuites('SQLite', async () => (await open()).metadataSql);
// Telemetry's own stores, over a freshly migrated telemetry.db.
telemetryStoreSuites('SQLite', async (opts = {}) =>
  openTelemetryStores(await open(), { logs: opts.logs ?? { maxGroupBytes: Infinity, onOverCap: () => {} }, history: opts.history ?? { maxBytes: 1024, perFunction: 10, maxAgeMs: 86_400_000 }, log: () => {} }),
);
blobStoreContract('local disk', async () => {
  const root = path.join(tempDataDir(), 'objects');
  const files = () => (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
  return { store: new LocalDiskBlobStore(root), files };
});
