// The metadata store contracts against PostgreSQL: the suites sqlite.test.ts runs, each store over
// a freshly migrated schema of one throw-away database. Skipped, saying why, only when no
// PostgreSQL server is reachable (.ci/run starts the machine's).
import { after, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { MetadataTables } from '../../src/storage/metadata-tables.js';
import { openPostgresDatabase, openPostgresMetadata } from '../../src/storage/metadata-postgres.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { metadataStoreSuites } from './metadata-store-suites.js';
import type { Databases } from '../../src/storage/database.js';
import { telemetryMigrations } from '../../src/storage/migrations/telemetry/index.js';
import { openTelemetryStores } from '../../src/storage/telemetry-stores.js';
import { telemetryStoreSuites } from './telemetry-stores.contract.js';

const database = await createTestDatabase();
if ('unavailable' in database) {
  test('PostgreSQL store contracts', { skip: database.unavailable }, () => {});
} else {
  const opened: Kysely<MetadataTables>[] = [];
  after(async () => {
    await Promise.all([...opened, ...(await Promise.all(ahead))].map((db) => db.destroy()));
    await database.drop();
  });
  // Migrating a schema takes a second or two on a loaded machine: a few are made ahead, side by side.
  let schemas = 0;
  const open = () => openPostgresMetadata(database.url, `contract_${++schemas}`, { max: 3, idleTimeoutMillis: 100 });
  const ahead = Array.from({ length: 4 }, open);
  metadataStoreSuites('PostgreSQL', async () => {
    const db = await ahead.shift()!;
    ahead.push(open());
    opened.push(db);
    return db;
  });
  // Telemetry's stores, each over a freshly migrated schema of its own, through the cluster's factory.
  let telemetrySchemas = 0;
  telemetryStoreSuites('PostgreSQL', async (opts = {}) => {
    const db = await openPostgresDatabase<any>(database.url, `telemetry_${++telemetrySchemas}`, telemetryMigrations, { max: 2, idleTimeoutMillis: 100 });
    opened.push(db);
    return openTelemetryStores({ telemetryPostgres: db } as Databases, {
      logs: opts.logs ?? { maxGroupBytes: Infinity, onOverCap: () => {} },
      history: opts.history ?? { maxBytes: 1024, perFunction: 10, maxAgeMs: 86_400_000 },
      log: () => {},
    });
  });
}
