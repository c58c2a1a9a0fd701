// Memory limits through cgroups, v1 (memory controller) or v2 (unified). Node's own limits do
// not cap Buffers, so the kernel is the only place a function's memory can really be bounded.
import fs from 'node:fs';
import path from 'node:path';

const V1_MEMORY = '/sys/fs/cgroup/memory';
const V2_ROOT = '/sys/fs/cgroup';

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

function v1(group: string): CgroupSupport | null {
  const parent = path.join(V1_MEMORY, group);
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
    dispose: () => {
      removeChildren(parent);
      removeDir(parent);
    },
  };
}

function v2(group: string): CgroupSupport | null {
  const controllers = read(path.join(V2_ROOT, 'cgroup.controllers'));
  if (!controllers.split(/\s+/).includes('memory')) return null;
  const parent = path.join(V2_ROOT, group);
  try {
    // Each level must delegate the memory controller to the one below it.
    let dir = V2_ROOT;
    for (const part of group.split('/')) {
      write(path.join(dir, 'cgroup.subtree_control'), '+memory');
      dir = path.join(dir, part);
      fs.mkdirSync(dir, { recursive: true });
    }
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
    dispose: () => {
      removeChildren(parent);
      removeDir(parent);
    },
  };
}

function removeChildren(parent: string) {
  for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
    if (entry.isDirectory()) removeDir(path.join(parent, entry.name));
  }
}

/**
 * Detects a usable memory cgroup hierarchy and prepares `group` (e.g. gust/<data-dir hash>) in
 * it, so that Gust servers with different data directories never touch each other's instances.
 * Null when this process may not create cgroups.
 */
export function detectCgroups(group: string): CgroupSupport | null {
  if (fs.existsSync(path.join(V1_MEMORY, 'memory.limit_in_bytes'))) return v1(group);
  if (fs.existsSync(path.join(V2_ROOT, 'cgroup.controllers'))) return v2(group);
  return null;
}
