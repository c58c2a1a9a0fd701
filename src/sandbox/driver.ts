// The seam between the pool and the operating system: how an instance's process is started,
// limited and stopped. The pool knows only this interface; drivers implement it.
import type { Duplex, Readable } from 'node:stream';

/**
 * Where the function's process finds its runtime channel (a socket pair with Gust, one per
 * instance: docs/runtime-channel.md), when the launch asked for one (GUST_RUNTIME_FD says so).
 */
export const RUNTIME_CHANNEL_FD = 5;

export interface SandboxSpec {
  /** Unique id of the instance, used to name its cgroup. */
  id: string;
  /** The function's command, run as the unprivileged user. */
  cmd: string[];
  /**
   * The complete environment of the function's process: nothing is inherited from Gust, and no
   * other process (launcher, bubblewrap, setpriv, forwarder) ever sees it.
   */
  env: Record<string, string>;
  /** The function's unpacked code on the host. */
  codeDir: string;
  memoryMb: number;
  /** Size of the instance's private /tmp (EphemeralStorage). */
  tmpMb: number;
  /** Host paths the runtime itself needs (its client, the interpreter), read-only. */
  readOnlyPaths: string[];
  /** The function's layers, merged, shown read-only at /opt (namespaces only; see optRoot). */
  optDir?: string;
  /** Gust's runtime clients on the host, shown read-only under /var/runtime (namespaces only; see runtimeRoot). */
  runtimeDir?: string;
  /** The interpreter's installation on the host, shown read-only at /var/lang (namespaces only; see langRoot). */
  langDir?: string;
  /**
   * 'off': no network at all; the Runtime API is then a unix socket bound into the sandbox.
   * 'allow-list': the same, plus an egress socket and an /etc/hosts for the allowed hosts.
   */
  network: 'on' | 'off' | 'allow-list';
  /** The Runtime API's unix socket on the host, when the network is not 'on'. */
  runtimeSocket?: string;
  /** Give the function's process a runtime channel at RUNTIME_CHANNEL_FD (Gust's own runtime clients). */
  runtimeChannel?: boolean;
  egressSocket?: string;
  hostsFile?: string;
  /**
   * A forwarder to run before the function (namespaces only): it starts as root inside the
   * sandbox with a fixed environment, binds its ports, drops to the unprivileged user, and then
   * runs the exec step appended after its `--`, which reads the function's command from file
   * descriptor 3.
   */
  forwarder?: string[];
  /** A container image's unpacked root filesystem, the sandbox's `/` (namespaces only). */
  rootfs?: string;
  /** Image functions: where the function starts, inside the image. */
  workingDir?: string;
}

export interface SandboxExit {
  code: number | null;
  signal: string | null;
  /** True when the kernel killed the process for exceeding its memory limit. */
  oom: boolean;
}

export interface Sandbox {
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Gust's end of the runtime channel, when the spec asked for one. */
  readonly runtimeChannel?: Duplex;
  /** Peak memory of everything in the sandbox so far, in bytes. */
  maxMemoryBytes(): number;
  /** Every process of the sandbox, or null when the driver cannot tell (no cgroup). */
  processIds(): number[] | null;
  /**
   * Stops every process of the sandbox until thaw() (the cgroup freezer), so that work left
   * running after an invocation neither runs nor goes unbilled. False when the driver cannot
   * freeze (no cgroup freezer): the instance then simply stays running while idle.
   */
  freeze(): boolean;
  /** Lets a frozen sandbox run again; cheap and synchronous, safe when not frozen. */
  thaw(): void;
  /** Ends every process the sandbox started, frozen or not. */
  kill(): void;
  readonly exited: Promise<SandboxExit>;
}

export interface SandboxDriver {
  /** One line for the start-up banner: what isolation and limits are in force. */
  describe(): string;
  /** Where a function sees its code: /var/task inside namespaces, the host path otherwise. */
  taskRoot(codeDir: string): string;
  /** Where a function sees its layers: /opt inside namespaces, the host path otherwise. */
  optRoot(optDir: string): string;
  /** Where a function sees Gust's runtime clients: /var/runtime inside namespaces, the host path otherwise. */
  runtimeRoot(runtimeDir: string): string;
  /** Where a function sees its interpreter's installation: /var/lang inside namespaces, the host path otherwise. */
  langRoot(prefix: string): string;
  /** Whether instances can be cut off from the network (needs namespaces). */
  supportsNetworkIsolation(): boolean;
  /** Whether start() can give a sandbox a runtime channel (else the runtime speaks HTTP). */
  providesRuntimeChannel?(): boolean;
  start(spec: SandboxSpec): Sandbox;
  /** Removes what a previous run left behind (cgroups of instances killed with Gust). */
  cleanup(): void;
  /** Ends every instance still running and removes what the driver created. */
  shutdown(): void;
}
