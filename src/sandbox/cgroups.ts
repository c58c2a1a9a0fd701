// Resource limits through cgroups, v1 (one hierarchy per controller) or v2 (unified): memory
// (no swap), process count, and a CPU share proportional to memory as on Lambda. Node's own
// limits do not cap Buffers, so the kernel is the only place a function can really be bounded.
// The freezer stops an idle instance's processes between invocations, as Lambda does.
import { spawn } from 'node:child_process';
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
  /** Stops every process of the group (no-op without a freezer); does not wait for it. */
  freeze(): void;
  /** Lets the group's processes run again: one small synchronous write. */
  thaw(): void;
  /** SIGKILLs every process, and thaws them so that a frozen process really dies. */
  killAll(): void;
  remove(): void;
}

export interface CgroupSupport {
  version: 'v1' | 'v2';
  swapLimited: boolean;
  /** Which of pids, cpu and freezer are in force besides memory. */
  controllers: string[];
  /** Whether idle instances can be frozen. */
  freezes: boolean;
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

/**
 * A cgroup file read or written often (the memory peak after invocations, the freezer): opened
 * once, then read and written at offset 0, one system call each instead of an open, a stat, the
 * read or write and a close.
 */
class KeptOpenFile {
  private fd: number | null = null;
  private readonly buffer = Buffer.alloc(64);

  constructor(private readonly file: string) {}

  private open(): number {
    this.fd ??= fs.openSync(this.file, 'r+');
    return this.fd;
  }

  /** The file's text, '' when it cannot be read. */
  read(): string {
    try {
      const n = fs.readSync(this.open(), this.buffer, 0, this.buffer.length, 0);
      return this.buffer.toString('latin1', 0, n);
    } catch {
      return '';
    }
  }

  /** Writes `value`; false when the knob is absent or refused it. */
  write(value: string): boolean {
    try {
      fs.writeSync(this.open(), value, 0);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
const tryWrite = (file: string, value: string) => {
  try {
    write(file, value);
  } catch {
    /* optional knob, absent on some kernels */
  }
};
const counter = (text: string, key: string) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

/** Freezer files: v1's freezer hierarchy, or v2's unified group (cgroup.freeze, Linux 5.2+). */
const FREEZE_FILES = {
  v1: { file: 'freezer.state', frozen: 'FROZEN', thawed: 'THAWED' },
  v2: { file: 'cgroup.freeze', frozen: '1', thawed: '0' },
} as const;

/** Thaws a group if it has a freezer: a v1 process frozen with a SIGKILL pending dies only then. */
function thawDir(dir: string) {
  for (const f of Object.values(FREEZE_FILES)) {
    if (fs.existsSync(path.join(dir, f.file))) tryWrite(path.join(dir, f.file), f.thawed);
  }
}

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
      thawDir(dir);
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
function support(
  version: 'v1' | 'v2',
  parents: Record<string, string>,
  swapLimited: boolean,
  configure: (dirs: Record<string, string>, limits: InstanceLimits) => void,
  files: { usage: string; events: string; freezerController: string | null },
): CgroupSupport {
  const all = Object.values(parents);
  const unique = [...new Set(all)];
  const freezer = files.freezerController ? FREEZE_FILES[version] : null;
  return {
    version,
    swapLimited,
    controllers: [...Object.keys(parents).filter((c) => c !== 'memory'), ...(version === 'v2' && freezer ? ['freezer'] : [])],
    freezes: freezer !== null,
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
      const freezeFile = freezer ? new KeptOpenFile(path.join(dirs[files.freezerController!], freezer.file)) : null;
      const peakFile = new KeptOpenFile(path.join(memory, files.usage));
      const thaw = () => {
        if (freezeFile) freezeFile.write(freezer!.thawed);
      };
      return {
        dirs: made,
        processIds: () => read(path.join(memory, 'cgroup.procs')).split('\n').filter(Boolean).map(Number),
        maxUsageBytes: () => Number(peakFile.read().trim() || 0),
        oomKilled: () => counter(read(path.join(memory, files.events)), 'oom_kill') > 0,
        freeze: () => {
          if (freezeFile) freezeFile.write(freezer!.frozen);
        },
        thaw,
        killAll: () => {
          made.forEach(killProcs);
          thaw();
        },
        remove: () => {
          peakFile.close();
          freezeFile?.close();
          made.forEach(removeDir);
        },
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
  for (const controller of ['memory', 'pids', 'cpu', 'freezer']) {
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
  if (parents.freezer) thawWhenGustDies(parents.freezer);
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
    { usage: 'memory.max_usage_in_bytes', events: 'memory.oom_control', freezerController: parents.freezer ? 'freezer' : null },
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
    // cgroup.freeze lives in every non-root group of a kernel that has it: probe the parent.
    { usage: 'memory.peak', events: 'memory.events', freezerController: fs.existsSync(path.join(parent, 'cgroup.freeze')) ? 'memory' : null },
  );
}

/**
 * If Gust dies, even by kill -9, the kernel sends its instances SIGKILL (parent-death signal); but
 * a v1-frozen process keeps that signal pending until it is thawed. So a small shell, outside
 * every instance's group and holding only a pipe from Gust, thaws them all when the pipe closes.
 * (cgroup v2 lets a fatal signal through a frozen group, so v2 needs no such guardian.)
 */
function thawWhenGustDies(freezerParent: string) {
  const script = 'read -r _; for d in "$1"/*/; do echo THAWED > "$d/freezer.state"; done 2>/dev/null';
  try {
    const guardian = spawn('/bin/sh', ['-c', script, 'gust-thaw-guardian', freezerParent], { stdio: ['pipe', 'ignore', 'ignore'], env: {}, cwd: '/', detached: true });
    guardian.on('error', () => {});
    guardian.stdin!.on('error', () => {});
    // Neither the guardian nor its pipe may keep Gust's event loop alive.
    guardian.unref();
    (guardian.stdin as unknown as { unref?: () => void }).unref?.();
  } catch {
    /* without the guardian, a killed Gust's frozen instances are thawed at its next start */
  }
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
