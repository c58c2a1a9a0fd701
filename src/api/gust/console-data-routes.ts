// Read-only paths under /gust/console/ for the web console, signed with an admin key like the
// rest of /gust/: per-minute health series of functions, usage per function and day, and the
// invocation history (payload, response, timing) that the console shows and replays.
import { GustError, invalidParameter } from '../../errors.js';
import type { InvocationHistoryStore } from '../../storage/invocation-history-store.js';
import { buildSeries, MINUTE_MS, type ThrottleCounts } from '../../telemetry/function-series.js';
import type { Metering } from '../../telemetry/metering.js';
import { sendJson } from '../http-io.js';
import type { OperationContext } from '../service.js';

const DAY_MS = 86_400_000;
/** The longest an invocation can run (900 s): an attempt that started this long before a window may still overlap it. */
const LONGEST_ATTEMPT_MS = 900_000;
const MAX_SERIES_ROWS = 200_000;

export interface ConsoleDataDeps {
  metering: Metering;
  throttles: ThrottleCounts;
  history: InvocationHistoryStore;
  /** Names of all functions (the series list every function, even one never invoked). */
  functionNames(): Promise<string[]>;
  now?: () => number;
}

function integer(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalidParameter(`${name} must be an integer from ${min} to ${max}, got '${raw.slice(0, 20)}'.`);
  return n;
}

export class ConsoleDataRoutes {
  constructor(private readonly deps: ConsoleDataDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** GET /gust/console/series?minutes=60[&function=NAME]: one point per minute, the current minute last. */
  async series(ctx: OperationContext) {
    const minutes = integer(ctx.query, 'minutes', 60, 1, 24 * 60);
    const only = ctx.query.get('function') ?? undefined;
    const start = (Math.floor(this.now() / MINUTE_MS) - minutes + 1) * MINUTE_MS;
    const names = only !== undefined ? [only] : await this.deps.functionNames();
    const rows = await this.deps.metering.attempts({ functionName: only, start: start - LONGEST_ATTEMPT_MS, end: this.now() + 1, limit: MAX_SERIES_ROWS });
    sendJson(ctx.res, 200, buildSeries(rows, this.deps.throttles, names, start, minutes));
  }

  /** GET /gust/console/daily-usage?days=30[&function=NAME]: usage and cost per function and UTC day. */
  async dailyUsage(ctx: OperationContext) {
    const days = integer(ctx.query, 'days', 30, 1, 366);
    const end = this.now() + 1;
    const start = (Math.floor(end / DAY_MS) - days + 1) * DAY_MS;
    const rows = await this.deps.metering.dailyUsage({ functionName: ctx.query.get('function') ?? undefined, start, end });
    sendJson(ctx.res, 200, { start, days, rows: rows.map((r) => ({ ...r, date: new Date(r.day).toISOString().slice(0, 10) })) });
  }

  /** GET /gust/console/history?function=NAME[&limit=50]: the newest invocations with timing and outcome. */
  async history(ctx: OperationContext) {
    const functionName = ctx.query.get('function');
    if (!functionName) throw invalidParameter('function is required.');
    const limit = integer(ctx.query, 'limit', 50, 1, 500);
    const { history, metering } = this.deps;
    const entries = await history.list(functionName, limit);
    const start = entries.length > 0 ? entries[entries.length - 1].startedAt : this.now() - history.limits.maxAgeMs;
    const attempts = await metering.attempts({ functionName, start, end: this.now() + 1, limit: limit * 4 });
    const timing = new Map(attempts.map((a) => [a.requestId, a]));
    sendJson(ctx.res, 200, {
      enabled: history.enabled,
      limits: { maxBytes: history.limits.maxBytes, perFunction: history.limits.perFunction, days: history.limits.maxAgeMs / DAY_MS },
      invocations: entries.map((e) => ({ ...e, ...timingOf(timing.get(e.requestId)) })),
    });
  }

  /** GET /gust/console/history/:id: one invocation of the history. */
  async historyEntry(ctx: OperationContext) {
    const entry = await this.deps.history.get(ctx.params.id);
    if (!entry) throw new GustError('ResourceNotFoundException', `No invocation ${ctx.params.id.slice(0, 64)} in the history (it keeps ${this.deps.history.limits.perFunction} per function for ${this.deps.history.limits.maxAgeMs / DAY_MS} days).`);
    const [attempt] = (await this.deps.metering.attempts({ functionName: entry.functionName, start: entry.startedAt, end: entry.startedAt + 1, limit: 50 })).filter((a) => a.requestId === entry.requestId);
    sendJson(ctx.res, 200, { ...entry, ...timingOf(attempt) });
  }
}

function timingOf(a: { durationMs: number; billedMs: number; cold: number; initDurationMs: number | null; maxMemoryUsedMb: number; memoryMb: number; outcome: string; version: string } | undefined) {
  if (!a) return {};
  return { durationMs: a.durationMs, billedMs: a.billedMs, cold: a.cold === 1, initDurationMs: a.initDurationMs ?? undefined, maxMemoryUsedMb: a.maxMemoryUsedMb, memoryMb: a.memoryMb, outcome: a.outcome, version: a.version };
}
