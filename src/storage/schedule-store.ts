// Schedules in metadata.db with the time of their next run. Firing a run moves next_run_at on in
// the same transaction that queues the event, so a run is never fired twice, even across crashes.
import type { Db } from './database.js';

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

interface Row {
  config: string;
  next_run_at: number | null;
}

export class ScheduleStore {
  constructor(private readonly db: Db) {}

  get(groupName: string, name: string): (ScheduleRecord & { nextRunAt: number | null }) | undefined {
    const row = this.db.prepare<[string, string], Row>('SELECT config, next_run_at FROM schedules WHERE group_name = ? AND name = ?').get(groupName, name);
    return row ? { ...(JSON.parse(row.config) as ScheduleRecord), nextRunAt: row.next_run_at } : undefined;
  }

  put(record: ScheduleRecord, nextRunAt: number | null): void {
    this.db.prepare('INSERT OR REPLACE INTO schedules (group_name, name, config, next_run_at) VALUES (?, ?, ?, ?)').run(record.groupName, record.name, JSON.stringify(record), nextRunAt);
  }

  delete(groupName: string, name: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE group_name = ? AND name = ?').run(groupName, name).changes > 0;
  }

  list(): (ScheduleRecord & { nextRunAt: number | null })[] {
    return this.db
      .prepare<[], Row>('SELECT config, next_run_at FROM schedules ORDER BY group_name, name')
      .all()
      .map((r) => ({ ...(JSON.parse(r.config) as ScheduleRecord), nextRunAt: r.next_run_at }));
  }

  /** Schedules whose next run is due at `now`. */
  due(now: number): (ScheduleRecord & { nextRunAt: number })[] {
    return this.db
      .prepare<[number], Row>('SELECT config, next_run_at FROM schedules WHERE next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at')
      .all(now)
      .map((r) => ({ ...(JSON.parse(r.config) as ScheduleRecord), nextRunAt: r.next_run_at! }));
  }

  earliest(): number | null {
    return this.db.prepare<[], { t: number | null }>('SELECT min(next_run_at) AS t FROM schedules').get()!.t;
  }

  /** Moves a schedule on to its next run, only if it still expects `expected` (one firing wins). */
  advance(groupName: string, name: string, expected: number, next: number | null): boolean {
    return this.db.prepare('UPDATE schedules SET next_run_at = ? WHERE group_name = ? AND name = ? AND next_run_at = ?').run(next, groupName, name, expected).changes > 0;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
