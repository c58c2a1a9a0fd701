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

/** Waits `ms` on the clock, or less if the signal aborts first (a stopping poller must not wait out its backoff). */
export function pauseUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = clock.setTimeout(done, ms);
    function done() {
      timer.clear();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
