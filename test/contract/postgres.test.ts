// The metadata store contracts against PostgreSQL: the suites sqlite.test.ts runs, each store over
// a freshly migrated schema of one throw-away database. Skipped, saying why, only when no
// PostgreSQL server is reachable (.ci/run starts the machine's).
import { after, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { MetadataTables } from '../../src/storage/metadata-tables.js';
import { openPostgresMetadata } from '../../src/storage/metadata-postgres.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { metadataStoreSuites } from './metadata-store-suites.js';

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
}
