// A throw-away PostgreSQL database for a test run (gust_test_<random>) on the machine's server,
// dropped afterwards; undefined (with the reason) when no server is reachable, so that a test can
// skip saying why.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.GUST_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase | { unavailable: string }> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    return { unavailable: `no PostgreSQL at ${POSTGRES_URL} (${(err as Error).message}); .ci/run starts it` };
  }
  const name = `gust_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  // A throw-away database need not wait for each commit to reach the disk (a loaded machine's
  // fsyncs made the contract run several times slower); Gust's own durability is not under test.
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
