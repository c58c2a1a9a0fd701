// The clock that time-driven parts (keep-alive sweeps, schedules, retries, retention) read and
// set timers on, injected so that tests run on fake time instead of sleeping.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { clear(): void };
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    t.unref();
    return { clear: () => clearTimeout(t) };
  },
};
