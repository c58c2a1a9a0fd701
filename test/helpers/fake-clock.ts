// A clock for unit tests: time moves only when the test says, and timers run in order as it does.
import type { Clock } from '../../src/clock.js';

export class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; active: boolean }[] = [];
  constructor(public time: number) {}
  now = () => this.time;
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.time + ms, fn, active: true };
    this.timers.push(timer);
    return { clear: () => (timer.active = false) };
  }
  /** Timers not yet run or cleared. */
  pending = () => this.timers.filter((t) => t.active);
  /** Moves time forward, running timers in order as they come due. */
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.active && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.active = false;
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
  }

  /**
   * Like advance, for parts whose timers start async work (the scheduler): a timer callback that
   * returns a promise is waited for before the next timer is looked at, so the timers it sets
   * count too.
   */
  async advanceAsync(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.active && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.active = false;
      this.time = Math.max(this.time, next.at);
      await (next.fn() as unknown);
    }
    this.time = end;
  }
}
