// How many instance starts the machine can take right now: those already running plus one per
// core that sat idle over the last moment. A start is mostly CPU (an interpreter booting), so
// when other work (other functions, other programs) fills the cores, starting more at once only
// makes every one of them slower, until they hit the init timeout together.
import os from 'node:os';

export interface CpuTimes {
  idle: number;
  total: number;
}

/** Cumulative idle and total CPU time over all cores (ms), as the kernel counts them. */
export function readCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/**
 * Returns capacity(running): `running` plus the idle cores seen since the previous sample (taken
 * at most every `windowMs`; between samples the last figure holds).
 */
export function machineCapacity(options: { cores?: number; windowMs?: number; read?: () => CpuTimes; now?: () => number } = {}): (running: number) => number {
  const cores = options.cores ?? os.availableParallelism();
  const windowMs = options.windowMs ?? 50;
  const read = options.read ?? readCpuTimes;
  const now = options.now ?? Date.now;
  let last = read();
  let lastAt = now();
  let idleCores = cores;
  return (running) => {
    if (now() - lastAt >= windowMs) {
      const sample = read();
      const total = sample.total - last.total;
      if (total > 0) idleCores = (cores * (sample.idle - last.idle)) / total;
      last = sample;
      lastAt = now();
    }
    // Half an idle core is worth a start: starts wait on the disk and the kernel too.
    return running + Math.round(idleCores);
  };
}
