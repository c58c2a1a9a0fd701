// The first sandbox driver: each instance is a plain OS process in its own process group, with
// a clean environment and, where the machine allows it, its own memory cgroup.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Sandbox, SandboxDriver, SandboxExit, SandboxSpec } from './driver.js';
import { detectCgroups, type CgroupSupport } from './cgroups.js';

const MB = 1024 * 1024;
/** util-linux setpriv makes the kernel kill an instance if Gust itself dies (even by kill -9). */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/** Peak resident memory of one process, for machines without a memory cgroup. */
function peakRss(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export class ProcessDriver implements SandboxDriver {
  private readonly cgroups: CgroupSupport | null;

  /** `group` names this server's own cgroup subtree, e.g. gust/<hash of its data directory>. */
  constructor(memoryEnforcement: 'auto' | 'cgroup' | 'none', group: string) {
    this.cgroups = memoryEnforcement === 'none' ? null : detectCgroups(group);
    if (memoryEnforcement === 'cgroup' && !this.cgroups) {
      throw new Error('memory enforcement "cgroup" was required, but no writable memory cgroup was found (run as root on a machine with cgroups)');
    }
  }

  describe(): string {
    if (!this.cgroups) return 'process sandbox; memory limits NOT enforced (no writable memory cgroup), only reported';
    const swap = this.cgroups.swapLimited ? 'no swap' : 'swap not limited';
    const orphans = SETPRIV ? '; instances die with Gust' : '';
    return `process sandbox; memory limits enforced by cgroup ${this.cgroups.version} (${swap})${orphans}`;
  }

  cleanup(): void {
    this.cgroups?.removeStale();
  }

  shutdown(): void {
    this.cgroups?.dispose();
  }

  start(spec: SandboxSpec): Sandbox {
    const cgroup = this.cgroups?.create(spec.id, spec.memoryMb * MB) ?? null;
    let child;
    try {
      const cmd = SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...spec.cmd] : spec.cmd;
      child = spawn(cmd[0], cmd.slice(1), {
        cwd: spec.codeDir,
        env: spec.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (err) {
      cgroup?.remove();
      throw err;
    }
    const pid = child.pid ?? -1;
    // The child is still inside node's or python's start-up when it joins its cgroup, long
    // before any user code can allocate or fork.
    if (cgroup && pid > 0) cgroup.addProcess(pid);

    let lastPeak = 0;
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
      child.once('exit', (code, signal) => finish(code, signal));
      child.once('error', () => finish(null, null));
    });
    let alive = pid > 0;
    void exited.then(() => (alive = false));

    return {
      pid,
      stdout: child.stdout!,
      stderr: child.stderr!,
      exited,
      maxMemoryBytes: () => (alive ? (lastPeak = Math.max(lastPeak, measure())) : lastPeak),
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
