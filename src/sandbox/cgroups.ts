// Memory limits through cgroups, v1 (memory controller) or v2 (unified). Node's own limits do
// not cap Buffers, so the kernel is the only place a function's memory can really be bounded.
import fs from 'node:fs';
import path from 'node:path';

const V1_MEMORY = '/sys/fs/cgroup/memory';
const V2_ROOT = '/sys/fs/cgroup';
const GROUP = 'gust';

export interface MemoryCgroup {
  readonly dir: string;
  addProcess(pid: number): void;
  maxUsageBytes(): number;
  oomKilled(): boolean;
  killAll(): void;
  remove(): void;
}

export interface CgroupSupport {
  version: 'v1' | 'v2';
  swapLimited: boolean;
  create(id: string, limitBytes: number): MemoryCgroup;
  removeStale(): void;
}

const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
const write = (file: string, value: string) => fs.writeFileSync(file, value);
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

function makeGroup(dir: string, files: { usage: string; events: string; eventKey: string }): MemoryCgroup {
  return {
    dir,
    addProcess: (pid) => write(path.join(dir, 'cgroup.procs'), String(pid)),
    maxUsageBytes: () => Number(read(path.join(dir, files.usage)).trim() || 0),
    oomKilled: () => counter(read(path.join(dir, files.events)), files.eventKey) > 0,
    killAll: () => killProcs(dir),
    remove: () => removeDir(dir),
  };
}

function v1(): CgroupSupport | null {
  const parent = path.join(V1_MEMORY, GROUP);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch {
    return null;
  }
  const swapLimited = fs.existsSync(path.join(parent, 'memory.memsw.limit_in_bytes'));
  return {
    version: 'v1',
    swapLimited,
    create(id, limitBytes) {
      const dir = path.join(parent, id);
      fs.mkdirSync(dir);
      write(path.join(dir, 'memory.limit_in_bytes'), String(limitBytes));
      if (swapLimited) write(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
      try {
        write(path.join(dir, 'memory.swappiness'), '0');
      } catch {
        /* not settable on every kernel */
      }
      return makeGroup(dir, { usage: 'memory.max_usage_in_bytes', events: 'memory.oom_control', eventKey: 'oom_kill' });
    },
    removeStale: () => removeChildren(parent),
  };
}

function v2(): CgroupSupport | null {
  const controllers = read(path.join(V2_ROOT, 'cgroup.controllers'));
  if (!controllers.split(/\s+/).includes('memory')) return null;
  const parent = path.join(V2_ROOT, GROUP);
  try {
    fs.mkdirSync(parent, { recursive: true });
    write(path.join(parent, 'cgroup.subtree_control'), '+memory');
  } catch {
    return null;
  }
  return {
    version: 'v2',
    swapLimited: true,
    create(id, limitBytes) {
      const dir = path.join(parent, id);
      fs.mkdirSync(dir);
      write(path.join(dir, 'memory.max'), String(limitBytes));
      write(path.join(dir, 'memory.swap.max'), '0');
      return makeGroup(dir, { usage: 'memory.peak', events: 'memory.events', eventKey: 'oom_kill' });
    },
    removeStale: () => removeChildren(parent),
  };
}

function removeChildren(parent: string) {
  for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
    if (entry.isDirectory()) removeDir(path.join(parent, entry.name));
  }
}

/** Detects a usable memory cgroup hierarchy; null when this process may not create cgroups. */
export function detectCgroups(): CgroupSupport | null {
  if (fs.existsSync(path.join(V1_MEMORY, 'memory.limit_in_bytes'))) return v1();
  if (fs.existsSync(path.join(V2_ROOT, 'cgroup.controllers'))) return v2();
  return null;
}
