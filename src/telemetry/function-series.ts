// Per-minute health series of functions for the console's sparklines and charts: invocations,
// errors, throttles, p50/p99 duration and peak concurrency over the last N minutes. Built from
// the metering rows (one per attempt) and an in-memory count of throttles, which never reach them.
import type { AttemptRow } from '../storage/metering-store.js';

export const MINUTE_MS = 60_000;

export interface FunctionSeries {
  functionName: string;
  invocations: number[];
  errors: number[];
  throttles: number[];
  p50: (number | null)[];
  p99: (number | null)[];
  concurrency: number[];
  coldStarts: number[];
}

export interface SeriesWindow {
  /** First millisecond of the first minute. */
  start: number;
  minutes: number;
  functions: FunctionSeries[];
}

/** Throttles per function and minute, kept for the last `keepMinutes`. */
export class ThrottleCounts {
  private readonly counts = new Map<string, Map<number, number>>();

  constructor(
    private readonly keepMinutes = 24 * 60,
    private readonly now: () => number = Date.now,
  ) {}

  add(functionName: string): void {
    const minute = Math.floor(this.now() / MINUTE_MS);
    let perMinute = this.counts.get(functionName);
    if (!perMinute) this.counts.set(functionName, (perMinute = new Map()));
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    for (const m of perMinute.keys()) if (m < minute - this.keepMinutes) perMinute.delete(m);
  }

  /** Counts of the minutes from `firstMinute` on. */
  series(functionName: string, firstMinute: number, minutes: number): number[] {
    const perMinute = this.counts.get(functionName);
    return Array.from({ length: minutes }, (_, i) => perMinute?.get(firstMinute + i) ?? 0);
  }

  functions(): string[] {
    return [...this.counts.keys()];
  }
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Peak number of attempts running at once within each minute (intervals overlapping a minute count in it). */
export function peakConcurrency(rows: readonly AttemptRow[], start: number, minutes: number): number[] {
  const events: [number, number][] = [];
  for (const r of rows) {
    events.push([r.startedAt, 1], [r.startedAt + Math.max(r.durationMs, 0), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // an end before a start at the same instant
  const peaks = new Array<number>(minutes).fill(0);
  let running = 0;
  let minute = 0;
  for (const [time, delta] of events) {
    const at = Math.floor((time - start) / MINUTE_MS);
    // Minutes passed with no event keep the count that was running through them.
    while (minute < Math.min(at, minutes)) {
      minute++;
      if (minute < minutes) peaks[minute] = Math.max(peaks[minute], running);
    }
    running += delta;
    if (at >= 0 && at < minutes) peaks[at] = Math.max(peaks[at], running);
  }
  return peaks;
}

export function buildSeries(rows: readonly AttemptRow[], throttles: ThrottleCounts, names: readonly string[], start: number, minutes: number): SeriesWindow {
  const byFunction = new Map<string, AttemptRow[]>(names.map((n) => [n, []]));
  for (const r of rows) byFunction.get(r.functionName)?.push(r);
  const firstMinute = Math.floor(start / MINUTE_MS);
  const functions = [...byFunction].map(([functionName, own]): FunctionSeries => {
    const durations: number[][] = Array.from({ length: minutes }, () => []);
    const invocations = new Array<number>(minutes).fill(0);
    const errors = new Array<number>(minutes).fill(0);
    const coldStarts = new Array<number>(minutes).fill(0);
    for (const r of own) {
      const i = Math.floor((r.startedAt - start) / MINUTE_MS);
      if (i < 0 || i >= minutes) continue;
      invocations[i]++;
      if (r.outcome !== 'success') errors[i]++;
      if (r.cold) coldStarts[i]++;
      durations[i].push(r.durationMs);
    }
    const sorted = durations.map((d) => d.sort((a, b) => a - b));
    return {
      functionName,
      invocations,
      errors,
      throttles: throttles.series(functionName, firstMinute, minutes),
      p50: sorted.map((d) => percentile(d, 50)),
      p99: sorted.map((d) => percentile(d, 99)),
      concurrency: peakConcurrency(own, start, minutes),
      coldStarts,
    };
  });
  return { start, minutes, functions };
}
