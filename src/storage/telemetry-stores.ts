// Chooses where telemetry goes: telemetry.db on this node (SQLite, synchronous batched writes), or
// the cluster's PostgreSQL (postgres-*-store.ts, asynchronous batches) when metadata is there, so
// that every node reads every node's logs, metering and history.
import type { Databases } from './database.js';
import { InvocationHistoryStore, type HistoryLimits } from './invocation-history-store.js';
import { LogStore, type LogStoreOptions } from './log-store.js';
import type { MeteringBackend } from './metering-store.js';
import { PostgresBatchGroup } from './postgres-batch-writer.js';
import { PostgresInvocationHistoryStore } from './postgres-history-store.js';
import { PostgresLogStore } from './postgres-log-store.js';
import { PostgresMeteringStore } from './postgres-metering-store.js';

export interface TelemetryStores {
  logs: LogStore;
  /** What `new Metering(…)` takes: telemetry.db itself, or the PostgreSQL backend. */
  metering: Databases['telemetry'] | MeteringBackend;
  history: InvocationHistoryStore;
  /** Writes what is buffered (within a bound on PostgreSQL: an outage must not hold up a stop), then stops writing. */
  close(log: (line: string) => void): Promise<void>;
}

const CLOSE_FLUSH_MS = 5000;

export function openTelemetryStores(
  dbs: Databases,
  opts: { logs: LogStoreOptions; history: HistoryLimits; log: (line: string) => void },
): TelemetryStores {
  const pg = dbs.telemetryPostgres;
  if (!pg) {
    const logs = new LogStore(dbs.telemetry, opts.logs);
    const history = new InvocationHistoryStore(dbs.telemetry, opts.history);
    return {
      logs,
      metering: dbs.telemetry,
      history,
      async close() {
        await logs.flush();
        await history.flush();
      },
    };
  }
  const batches = new PostgresBatchGroup(pg, { log: opts.log });
  return {
    logs: new PostgresLogStore(pg, batches, opts.logs),
    metering: new PostgresMeteringStore(pg, batches),
    history: new PostgresInvocationHistoryStore(pg, batches, opts.history),
    async close(log) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_FLUSH_MS)));
      await Promise.race([batches.flush().catch((err) => log(`telemetry: last rows not written to PostgreSQL: ${(err as Error)?.message ?? err}`)), bound]);
      clearTimeout(timer);
      batches.close();
    },
  };
}
