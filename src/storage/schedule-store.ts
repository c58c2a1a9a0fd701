// Schedules with the time of their next run, as an async interface with its SQLite implementation
// over Kysely. Firing a run moves next_run_at on in the same transaction that queues the event
// (sqlScheduleFiringTransaction below), so a run is never fired twice, even across crashes.
import { SqlAsyncEventStore, type AsyncEventStore } from './async-event-store.js';
import type { MetadataDb } from './metadata-tables.js';
import { withinTransaction } from './within-transaction.js';

export interface ScheduleRecord {
  name: string;
  groupName: string;
  arn: string;
  expression: string;
  timezone: string;
  state: 'ENABLED' | 'DISABLED';
  targetArn: string;
  roleArn: string;
  /** Fixed input for the target; without it the target gets the EventBridge event. */
  input?: string;
  description?: string;
  flexibleWindowMinutes?: number;
  actionAfterCompletion: 'NONE' | 'DELETE';
  /** Gust's own: after downtime, fire a missed run once ('fire'), or not at all ('skip'). */
  missedRuns: 'fire' | 'skip';
  startDate?: number;
  endDate?: number;
  creationDate: number;
  lastModificationDate: number;
}

export type StoredSchedule = ScheduleRecord & { nextRunAt: number | null };

export interface ScheduleStore {
  get(groupName: string, name: string): Promise<StoredSchedule | undefined>;
  /** Creates or replaces a schedule, with its next run (null: none). */
  put(record: ScheduleRecord, nextRunAt: number | null): Promise<void>;
  /** False when there was no such schedule. */
  delete(groupName: string, name: string): Promise<boolean>;
  /** Every schedule, by group and name. */
  list(): Promise<StoredSchedule[]>;
  /** Schedules whose next run is due at `now`, the earliest first. */
  due(now: number): Promise<(ScheduleRecord & { nextRunAt: number })[]>;
  /** The earliest next run of any schedule; null when none has one. */
  earliest(): Promise<number | null>;
  /** Moves a schedule on to its next run, only if it still expects `expected` (one firing wins). */
  advance(groupName: string, name: string, expected: number, next: number | null): Promise<boolean>;
}

/** The stores a schedule's run touches, all in one transaction. */
export interface ScheduleFiringStores {
  schedules: ScheduleStore;
  asyncEvents: AsyncEventStore;
}

/** Runs `work` as one unit: either all its writes to schedules and the queue happen, or none. */
export type ScheduleFiringTransaction = <T>(work: (stores: ScheduleFiringStores) => Promise<T>) => Promise<T>;

const toSchedule = (r: { config: string; next_run_at: number | null }): StoredSchedule => ({ ...(JSON.parse(r.config) as ScheduleRecord), nextRunAt: r.next_run_at });

export class SqlScheduleStore implements ScheduleStore {
  constructor(private readonly db: MetadataDb) {}

  async get(groupName: string, name: string) {
    const row = await this.db.selectFrom('schedules').select(['config', 'next_run_at']).where('group_name', '=', groupName).where('name', '=', name).executeTakeFirst();
    return row && toSchedule(row);
  }

  async put(record: ScheduleRecord, nextRunAt: number | null) {
    const config = JSON.stringify(record);
    await this.db
      .insertInto('schedules')
      .values({ group_name: record.groupName, name: record.name, config, next_run_at: nextRunAt })
      .onConflict((oc) => oc.columns(['group_name', 'name']).doUpdateSet({ config, next_run_at: nextRunAt }))
      .execute();
  }

  async delete(groupName: string, name: string) {
    const result = await this.db.deleteFrom('schedules').where('group_name', '=', groupName).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list() {
    return (await this.db.selectFrom('schedules').select(['config', 'next_run_at']).orderBy('group_name').orderBy('name').execute()).map(toSchedule);
  }

  async due(now: number) {
    const rows = await this.db.selectFrom('schedules').select(['config', 'next_run_at']).where('next_run_at', 'is not', null).where('next_run_at', '<=', now).orderBy('next_run_at').execute();
    return rows.map((r) => toSchedule(r) as ScheduleRecord & { nextRunAt: number });
  }

  async earliest() {
    const row = await this.db.selectFrom('schedules').select((eb) => eb.fn.min('next_run_at').as('t')).executeTakeFirst();
    return row?.t ?? null;
  }

  async advance(groupName: string, name: string, expected: number, next: number | null) {
    const result = await this.db.updateTable('schedules').set({ next_run_at: next }).where('group_name', '=', groupName).where('name', '=', name).where('next_run_at', '=', expected).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

/** The SQLite unit of work for a schedule's run: both stores over one transaction on metadata.db. */
export function sqlScheduleFiringTransaction(db: MetadataDb): ScheduleFiringTransaction {
  return (work) => withinTransaction(db, (tx) => work({ schedules: new SqlScheduleStore(tx), asyncEvents: new SqlAsyncEventStore(tx) }));
}
