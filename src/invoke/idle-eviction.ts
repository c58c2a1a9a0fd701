// Stops idle instances when the machine runs short of memory, least recently used first. Warm
// instances are kept for the keep-alive only because memory is cheap; when MemAvailable falls
// below a floor, the coldest idle ones go before the kernel's OOM killer picks a victim (which
// could be a running instance, or Gust). A running instance is never chosen: only instances
// parked on /next are candidates (Pool.idleInstances).
import fs from 'node:fs';
import type { Clock } from '../clock.js';

/** The pool's side: idle instances, and a way to stop one. */
export interface IdleInstances {
  /** Instances parked on /next and not kept by provisioned concurrency, with when they parked. */
  idleInstances(): Array<{ idleSince: number; stop(): void }>;
}

export interface IdleEvictorOptions {
  pool: IdleInstances;
  clock: Clock;
  /** Evict while the machine's available memory is below this many bytes. */
  floorBytes: number;
  /** Bytes the machine could still give out (MemAvailable); injectable so tests choose it. */
  availableBytes?: () => number;
  /** How often to look; each look that finds a shortfall evicts a batch. */
  intervalMs?: number;
  /** A guess of what stopping one idle instance frees, to size a batch (USS of a Node runtime). */
  bytesPerInstance?: number;
  /** Told how many instances were stopped and why, for the log. */
  onEvicted?: (count: number, availableBytes: number) => void;
}

/** MemAvailable from /proc/meminfo, in bytes; Infinity where there is none (not Linux). */
export function memAvailableBytes(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    return match ? Number(match[1]) * 1024 : Infinity;
  } catch {
    return Infinity;
  }
}

export class IdleEvictor {
  private timer: { clear(): void } | null = null;
  private readonly available: () => number;

  constructor(private readonly options: IdleEvictorOptions) {
    this.available = options.availableBytes ?? memAvailableBytes;
  }

  start(): void {
    const every = this.options.intervalMs ?? 1000;
    const tick = () => {
      this.check();
      if (this.timer) this.timer = this.options.clock.setTimeout(tick, every);
    };
    this.timer = this.options.clock.setTimeout(tick, every);
  }

  stop(): void {
    this.timer?.clear();
    this.timer = null;
  }

  /** One look: if memory is short, stops enough of the least recently used idle instances. Returns how many. */
  check(): number {
    const available = this.available();
    const shortfall = this.options.floorBytes - available;
    if (shortfall <= 0) return 0;
    const perInstance = this.options.bytesPerInstance ?? 32 * 1024 * 1024;
    const wanted = Math.max(1, Math.ceil(shortfall / perInstance));
    const idle = this.options.pool.idleInstances().sort((a, b) => a.idleSince - b.idleSince);
    const chosen = idle.slice(0, wanted);
    for (const instance of chosen) instance.stop();
    if (chosen.length > 0) this.options.onEvicted?.(chosen.length, available);
    return chosen.length;
  }
}
