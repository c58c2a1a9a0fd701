// How fast a function version's instances come back to /next, against how long a new instance
// takes to start, learnt from what the pool sees. The pool uses it to let a waiting invocation
// queue for the instances it has rather than start one more, when they will serve it sooner than
// a cold start could: 50 concurrent calls of a 1 ms function on 2 cores then share a few warm
// instances instead of starting 50 processes that compete for the same CPUs (issue 12, goal 7).
// The rate is measured, not derived from durations: on a busy CPU a hello world "lasts" 10 ms
// because the runtime waits to be scheduled, yet the instances still finish hundreds per second.

/** Weight of the newest sample in the moving averages. */
const WEIGHT = 0.1;
/** A waiter never queues for busy instances longer than this, whatever a cold start costs. */
const MAX_PATIENCE_MS = 1000;
/** Longer than this between a finish and the next invocation, and the version was idle. */
const IDLE_GAP_MS = 50;

export class SupplyEstimate {
  /** Moving average of the time between two invocations of this version finishing, in ms. */
  private intervalMs = 0;
  private lastFinishedAt = 0;
  /** Moving average of a start (launch to the first /next), in ms. */
  private coldStartMs = 0;
  /**
   * Starts under way: they take the CPU the serving instances would use, so the finishes seen
   * meanwhile would teach that serving is slow, and call for more starts still.
   */
  startsInFlight = 0;

  /** @param parallelism CPUs Gust may use: up to that many instances always add throughput. */
  constructor(private readonly parallelism: number) {}

  /**
   * An invocation handed over at `startedAt` finished at `now` (both performance.now()). The
   * interval counts from the previous finish, or from its own start if the version was idle a
   * moment before. After a longer idle spell the sample is left out: the first invocation then
   * also pays for thawing and cold caches, which says nothing about how fast busy instances
   * come back.
   */
  observeFinish(startedAt: number, now: number): void {
    const idleMs = startedAt - this.lastFinishedAt;
    const previous = this.lastFinishedAt;
    this.lastFinishedAt = now;
    if (this.intervalMs !== 0 && (idleMs > IDLE_GAP_MS || this.startsInFlight > 0)) return;
    const sample = Math.min(now - Math.max(previous, startedAt), MAX_PATIENCE_MS);
    this.intervalMs = this.intervalMs === 0 ? sample : this.intervalMs + WEIGHT * (sample - this.intervalMs);
  }

  observeColdStart(ms: number): void {
    this.coldStartMs = this.coldStartMs === 0 ? ms : this.coldStartMs + WEIGHT * (ms - this.coldStartMs);
  }

  /**
   * How many waiting invocations the live instances are expected to serve before a new instance
   * could: each `returning` one serves one (it is a moment from /next); once there are as many
   * instances live or on their way as CPUs, the busy ones serve as many as they finish, at the
   * rate seen, in one cold start. Before both are known (a new function, a burst), only the
   * returning ones count.
   */
  covered(busy: number, returning: number, starting: number): number {
    if (this.intervalMs === 0 || this.coldStartMs === 0 || busy + returning === 0 || busy + returning + starting < this.parallelism) return returning;
    return Math.max(returning, Math.floor(this.coldStartMs / Math.max(this.intervalMs, 0.001)));
  }

  /** How long a waiter counts on busy instances before it starts one of its own. */
  patienceMs(floorMs: number): number {
    return Math.min(MAX_PATIENCE_MS, Math.max(floorMs, this.coldStartMs));
  }
}
