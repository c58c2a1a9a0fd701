// The sandbox driver: each instance is an OS process in its own process group with a clean
// environment, its own cgroup (memory without swap, at most 1,024 processes, a CPU share
// proportional to memory), at most 1,024 open files, killed by the kernel if Gust dies; and,
// in 'namespaces' isolation, inside bubblewrap's namespaces as an unprivileged user under a
// seccomp filter. Every process of the launch chain runs with a fixed environment; only the
// function's own process gets the function's (see function-exec.ts).
import { spawn, type StdioPipe } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Duplex, Writable } from 'node:stream';
import { BWRAP, bubblewrapCommand, LANG_ROOT, OPT_ROOT, RUNTIME_ROOT, TASK_ROOT } from './bubblewrap.js';
import { detectCgroups, type CgroupSupport } from './cgroups.js';
import { RUNTIME_CHANNEL_FD, type Sandbox, type SandboxDriver, type SandboxExit, type SandboxSpec } from './driver.js';
import { BASH, encodeArgv, ENV, execFunctionCommand, FUNCTION_ARGV_FD, functionArgv, LAUNCHER_ENV } from './function-exec.js';
import { hostSeccompArch, seccompProgram } from './seccomp.js';

const MB = 1024 * 1024;
const MAX_PROCESSES = 1024;
/** How often an instance's memory peak is read at most (see maxMemoryBytes). */
const PEAK_READ_INTERVAL_MS = 100;
const MAX_OPEN_FILES = 1024;
/** util-linux tools present on every Linux: setpriv (parent-death signal) and prlimit. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => fs.existsSync(p));

/** The seccomp program, on the architectures whose syscall numbers it knows. */
const SECCOMP = hostSeccompArch() ? seccompProgram() : null;
/** Where bubblewrap reads it from: the descriptor after the function's argv. */
const SECCOMP_FD = FUNCTION_ARGV_FD + 1;

/** Hands a small buffer to the child on one of its descriptors; the child reads it to the end. */
function feed(stream: Writable | null, data: Buffer): void {
  // The child may be gone before it read everything (bwrap refused to start, or the spawn
  // failed): that is reported by its exit or its 'error', not here.
  stream?.on('error', () => {});
  // Once written, the bytes wait in the child's end of the socket pair: Gust's end can go, so
  // that an instance does not hold two more descriptors of Gust's for its whole life.
  stream?.end(data, () => stream.destroy());
}

/** sh script: write our pid into each cgroup directory given before `--`, then exec the rest. */
const JOIN_CGROUPS = 'while [ "$1" != "--" ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; done; shift; exec "$@"';

export type Isolation = 'namespaces' | 'process';
export type MemoryEnforcement = 'auto' | 'cgroup' | 'none';

/** Peak resident memory of one process, for machines without a memory cgroup. */
function peakRss(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const signalName = (n: number) => Object.entries(os.constants.signals).find(([, v]) => v === n)?.[0] ?? `signal ${n}`;

export class SandboxUnavailableError extends Error {}

export class ProcessDriver implements SandboxDriver {
  private readonly cgroups: CgroupSupport | null;

  /** `group` names this server's own cgroup subtree, e.g. gust/<hash of its data directory>. */
  constructor(
    private readonly isolation: Isolation,
    memoryEnforcement: MemoryEnforcement,
    group: string,
  ) {
    if (isolation === 'namespaces' && (!BWRAP || !SETPRIV || process.getuid?.() !== 0)) {
      throw new SandboxUnavailableError(
        'namespace isolation needs root and bubblewrap (apt-get install bubblewrap). Install it, or start with --sandbox process to run functions as plain processes (weaker: they share the host filesystem view and user).',
      );
    }
    if (!fs.existsSync(BASH) || !fs.existsSync(ENV)) throw new SandboxUnavailableError(`starting a function needs ${BASH} and ${ENV}`);
    this.cgroups = memoryEnforcement === 'none' ? null : detectCgroups(group);
    if (memoryEnforcement === 'cgroup' && !this.cgroups) {
      throw new SandboxUnavailableError('memory enforcement "cgroup" was required, but no writable memory cgroup was found (run as root on a machine with cgroups)');
    }
  }

  describe(): string {
    const isolation =
      this.isolation === 'namespaces'
        ? `namespaces (bubblewrap: mount, PID, IPC, UTS; read-only system, private /tmp, user nobody, no capabilities, no new privileges${SECCOMP ? ', seccomp' : ', NO seccomp filter on this architecture'})`
        : 'plain processes (NO filesystem or user isolation)';
    if (!this.cgroups) return `${isolation}; memory limits NOT enforced (no writable memory cgroup), only reported`;
    const swap = this.cgroups.swapLimited ? 'no swap' : 'swap not limited';
    const extra = this.cgroups.controllers.length > 0 ? ` + ${this.cgroups.controllers.join(', ')}` : '';
    return `${isolation}; memory limits by cgroup ${this.cgroups.version} (${swap})${extra}; ${MAX_OPEN_FILES} open files`;
  }

  taskRoot(codeDir: string): string {
    return this.isolation === 'namespaces' ? TASK_ROOT : codeDir;
  }

  optRoot(optDir: string): string {
    return this.isolation === 'namespaces' ? OPT_ROOT : optDir;
  }

  runtimeRoot(runtimeDir: string): string {
    return this.isolation === 'namespaces' ? RUNTIME_ROOT : runtimeDir;
  }

  langRoot(prefix: string): string {
    return this.isolation === 'namespaces' ? LANG_ROOT : prefix;
  }

  supportsNetworkIsolation(): boolean {
    return this.isolation === 'namespaces';
  }

  providesRuntimeChannel(): boolean {
    return true;
  }

  cleanup(): void {
    this.cgroups?.removeStale();
  }

  shutdown(): void {
    this.cgroups?.dispose();
  }

  private command(spec: SandboxSpec, cgroupDirs: string[]): string[] {
    if (spec.forwarder && this.isolation !== 'namespaces') throw new SandboxUnavailableError('a forwarder needs namespace isolation');
    if (spec.rootfs && this.isolation !== 'namespaces') throw new SandboxUnavailableError('a container image needs namespace isolation');
    // The function's command itself comes last, read from FUNCTION_ARGV_FD.
    let cmd = this.isolation === 'namespaces' ? bubblewrapCommand({ ...spec, seccompFd: SECCOMP ? SECCOMP_FD : undefined }) : execFunctionCommand(undefined, spec.runtimeChannel);
    if (PRLIMIT) cmd = [PRLIMIT, `--nofile=${MAX_OPEN_FILES}:${MAX_OPEN_FILES}`, '--', ...cmd];
    // The kernel kills the instance if Gust itself dies, even by kill -9.
    if (SETPRIV) cmd = [SETPRIV, '--pdeathsig', 'KILL', '--', ...cmd];
    // Join the cgroup before anything runs: bubblewrap forks at once, and a child forked before
    // its parent joined would stay outside the limits.
    if (cgroupDirs.length > 0) cmd = ['/bin/sh', '-c', JOIN_CGROUPS, 'join-cgroups', ...cgroupDirs, '--', ...cmd];
    return cmd;
  }

  start(spec: SandboxSpec): Sandbox {
    const cgroup = this.cgroups?.create(spec.id, { memoryBytes: spec.memoryMb * MB, memoryMb: spec.memoryMb, maxProcesses: MAX_PROCESSES }) ?? null;
    let child;
    try {
      const argv = encodeArgv(functionArgv(spec.cmd, spec.env));
      const cmd = this.command(spec, cgroup?.dirs ?? []);
      const seccomp = this.isolation === 'namespaces' ? SECCOMP : null;
      // Descriptors 3 (argv), 4 (seccomp) and 5 (RUNTIME_CHANNEL_FD): the runtime channel is a
      // socket pair, which is what libuv makes of a 'pipe'.
      const extra: ('pipe' | 'ignore')[] = [seccomp ? 'pipe' : 'ignore'];
      if (spec.runtimeChannel) extra.push('pipe');
      child = spawn(cmd[0], cmd.slice(1), {
        cwd: this.isolation === 'namespaces' ? '/' : spec.codeDir,
        env: LAUNCHER_ENV,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...extra] as StdioPipe[],
        detached: true,
      });
      feed(child.stdio[FUNCTION_ARGV_FD] as Writable | null, argv);
      if (seccomp) feed(child.stdio[SECCOMP_FD] as Writable | null, seccomp);
    } catch (err) {
      cgroup?.remove();
      throw err;
    }
    const pid = child.pid ?? -1;

    let lastPeak = 0;
    let lastMeasuredAt = -Infinity;
    // The cgroup counts only what was charged after the process joined it; the main process's
    // peak RSS also counts the runtime's own start-up, as Lambda's "Max Memory Used" does. With a
    // cgroup, one RSS reading (after start-up) is enough: later growth is charged to the cgroup.
    let rssRead = false;
    const measure = () => {
      if (!cgroup) return peakRss(pid);
      const rss = rssRead ? 0 : peakRss(pid);
      rssRead = true;
      return Math.max(cgroup.maxUsageBytes(), rss);
    };
    const exited = new Promise<SandboxExit>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: string | null) => {
        if (done) return;
        done = true;
        const oom = cgroup?.oomKilled() ?? false;
        lastPeak = Math.max(lastPeak, cgroup?.maxUsageBytes() ?? 0);
        cgroup?.remove();
        resolve({ code, signal, oom });
      };
      // bubblewrap reports a child killed by a signal as exit status 128 + signal.
      child.once('exit', (code, signal) => (code !== null && code > 128 && code < 160 ? finish(null, signalName(code - 128)) : finish(code, signal)));
      child.once('error', () => finish(null, null));
    });
    let alive = pid > 0;
    void exited.then(() => (alive = false));

    const canFreeze = this.cgroups?.freezes ?? false;
    return {
      pid,
      stdout: child.stdout!,
      stderr: child.stderr!,
      runtimeChannel: spec.runtimeChannel ? ((child.stdio as unknown[])[RUNTIME_CHANNEL_FD] as Duplex) : undefined,
      exited,
      maxMemoryBytes() {
        // The peak only grows, and reading it is a file read: under load, one read per
        // PEAK_READ_INTERVAL_MS serves every invocation of that window (the exit reads it again).
        const now = performance.now();
        if (alive && now - lastMeasuredAt >= PEAK_READ_INTERVAL_MS) {
          lastMeasuredAt = now;
          lastPeak = Math.max(lastPeak, measure());
        }
        return lastPeak;
      },
      processIds: () => cgroup?.processIds() ?? null,
      freeze() {
        if (!alive || !cgroup || !canFreeze) return false;
        cgroup.freeze();
        return true;
      },
      thaw: () => cgroup?.thaw(),
      // killAll also thaws: a process frozen by the v1 freezer dies of its SIGKILL only then.
      kill() {
        if (!alive) return;
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* group already gone */
        }
        cgroup?.killAll();
      },
    };
  }
}
