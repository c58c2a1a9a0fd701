// Resource limits through cgroups, v1 (one hierarchy per controller) or v2 (unified): memory
// (no swap), process count, and a CPU share proportional to memory as on Lambda. Node's own
// limits do not cap Buffers, so the kernel is the only place a function can really be bounded.
import fs from 'node:fs';
import path from 'node:path';

const V1_ROOT = '/sys/fs/cgroup';
const V2_ROOT = '/sys/fs/cgroup';
/** Lambda gives one vCPU at 1,769 MB and a share in proportion below and above it. */
const MB_PER_VCPU = 1769;

export interface InstanceLimits {
  memoryBytes: number;
  maxProcesses: number;
  memoryMb: number;
}

export interface InstanceCgroup {
  /** The group's directories (one per v1 hierarchy): a process joins by writing its pid to each. */
  readonly dirs: string[];
  processIds(): number[];
  maxUsageBytes(): number;
  oomKilled(): boolean;
  killAll(): void;
  remove(): void;
}

export interface CgroupSupport {
  version: 'v1' | 'v2';
  swapLimited: boolean;
  /** Which of pids and cpu are limited besides memory. */
  controllers: string[];
  create(id: string, limits: InstanceLimits): InstanceCgroup;
  removeStale(): void;
  /** Removes every instance's cgroup and this server's own group. */
  dispose(): void;
}

const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
const write = (file: string, value: string) => fs.writeFileSync(file, value);
const tryWrite = (file: string, value: string) => {
  try {
    write(file, value);
  } catch {
    /* optional knob, absent on some kernels */
  }
};
const counter = (text: string, key: string) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

function killProcs(dir: string) {
  for (const pid of read(path.join(dir, 'cgroup.procs')).split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function removeDir(dir: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      killProcs(dir);
      // EBUSY until the killed processes are reaped; they go within milliseconds.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

function removeChildren(parent: string) {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(parent, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) removeDir(path.join(parent, entry.name));
}

/** One group per instance under `parents` (one parent per v1 hierarchy, or the single v2 one). */
function support(version: 'v1' | 'v2', parents: Record<string, string>, swapLimited: boolean, configure: (dirs: Record<string, string>, limits: InstanceLimits) => void, files: { usage: string; events: string }): CgroupSupport {
  const all = Object.values(parents);
  const unique = [...new Set(all)];
  return {
    version,
    swapLimited,
    controllers: Object.keys(parents).filter((c) => c !== 'memory'),
    create(id, limits) {
      const dirs = Object.fromEntries(Object.entries(parents).map(([c, parent]) => [c, path.join(parent, id)]));
      const made = [...new Set(Object.values(dirs))];
      for (const dir of made) fs.mkdirSync(dir);
      try {
        configure(dirs, limits);
      } catch (err) {
        for (const dir of made) removeDir(dir);
        throw err;
      }
      const memory = dirs.memory;
      return {
        dirs: made,
        processIds: () => read(path.join(memory, 'cgroup.procs')).split('\n').filter(Boolean).map(Number),
        maxUsageBytes: () => Number(read(path.join(memory, files.usage)).trim() || 0),
        oomKilled: () => counter(read(path.join(memory, files.events)), 'oom_kill') > 0,
        killAll: () => made.forEach(killProcs),
        remove: () => made.forEach(removeDir),
      };
    },
    removeStale: () => unique.forEach(removeChildren),
    dispose: () =>
      unique.forEach((parent) => {
        removeChildren(parent);
        removeDir(parent);
      }),
  };
}

function v1(group: string): CgroupSupport | null {
  const parents: Record<string, string> = {};
  for (const controller of ['memory', 'pids', 'cpu']) {
    const root = path.join(V1_ROOT, controller);
    if (!fs.existsSync(path.join(root, 'cgroup.procs'))) continue;
    try {
      fs.mkdirSync(path.join(root, group), { recursive: true });
      parents[controller] = path.join(root, group);
    } catch {
      /* controller not writable: go without it */
    }
  }
  if (!parents.memory) return null;
  const swapLimited = fs.existsSync(path.join(parents.memory, 'memory.memsw.limit_in_bytes'));
  return support(
    'v1',
    parents,
    swapLimited,
    (dirs, limits) => {
      write(path.join(dirs.memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      if (swapLimited) write(path.join(dirs.memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
      tryWrite(path.join(dirs.memory, 'memory.swappiness'), '0');
      if (dirs.pids) write(path.join(dirs.pids, 'pids.max'), String(limits.maxProcesses));
      if (dirs.cpu) write(path.join(dirs.cpu, 'cpu.shares'), String(Math.max(2, Math.round((1024 * limits.memoryMb) / MB_PER_VCPU))));
    },
    { usage: 'memory.max_usage_in_bytes', events: 'memory.oom_control' },
  );
}

function v2(group: string): CgroupSupport | null {
  const available = read(path.join(V2_ROOT, 'cgroup.controllers')).split(/\s+/);
  if (!available.includes('memory')) return null;
  const wanted = ['memory', 'pids', 'cpu'].filter((c) => available.includes(c));
  const parent = path.join(V2_ROOT, group);
  try {
    // Each level must delegate the controllers to the one below it.
    let dir = V2_ROOT;
    for (const part of [...group.split('/'), null]) {
      tryWrite(path.join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
      if (part === null) break;
      dir = path.join(dir, part);
      fs.mkdirSync(dir, { recursive: true });
    }
  } catch {
    return null;
  }
  const enabled = read(path.join(parent, 'cgroup.subtree_control')).split(/\s+/);
  if (!enabled.includes('memory')) return null;
  const parents = Object.fromEntries(wanted.filter((c) => enabled.includes(c)).map((c) => [c, parent]));
  return support(
    'v2',
    parents,
    true,
    (dirs, limits) => {
      write(path.join(dirs.memory, 'memory.max'), String(limits.memoryBytes));
      tryWrite(path.join(dirs.memory, 'memory.swap.max'), '0');
      if (dirs.pids) write(path.join(dirs.pids, 'pids.max'), String(limits.maxProcesses));
      if (dirs.cpu) write(path.join(dirs.cpu, 'cpu.weight'), String(Math.min(10000, Math.max(1, Math.round((100 * limits.memoryMb) / MB_PER_VCPU)))));
    },
    { usage: 'memory.peak', events: 'memory.events' },
  );
}

/**
 * Detects a usable cgroup hierarchy and prepares `group` (e.g. gust/<data-dir hash>) in it, so
 * that Gust servers with different data directories never touch each other's instances.
 * Null when this process may not create memory cgroups.
 */
export function detectCgroups(group: string): CgroupSupport | null {
  if (fs.existsSync(path.join(V1_ROOT, 'memory', 'memory.limit_in_bytes'))) return v1(group);
  if (fs.existsSync(path.join(V2_ROOT, 'cgroup.controllers'))) return v2(group);
  return null;
}
