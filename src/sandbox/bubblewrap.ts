// The namespace sandbox's command line: bubblewrap builds a fresh mount, PID, IPC and UTS
// namespace with a read-only view of the system, the code at /var/task, its layers at /opt, a private size-capped
// /tmp, and nothing of Gust's data directory, keeps only the capabilities the next step needs
// and loads the seccomp filter; setpriv then drops to an unprivileged user with no capabilities
// and no way to gain privileges, and only then does the function's environment come into play.
import fs from 'node:fs';
import path from 'node:path';
import { BASH, ENV, execFunctionCommand } from './function-exec.js';
import { HOST_TOOLS_ROOT, hostTools } from './host-tools.js';

export const BWRAP = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));
export const TASK_ROOT = '/var/task';
/** Where a function's layers are, read-only, as on Lambda. */
export const OPT_ROOT = '/opt';
/** The user functions run as: nobody, which owns nothing on the host. */
export const SANDBOX_UID = 65534;
/** Where the runtime clients are, as on Lambda (and what a stack trace shows of them). */
export const RUNTIME_ROOT = '/var/runtime';
/** Where Lambda keeps the language's own installation (the Python interpreter and its library). */
export const LANG_ROOT = '/var/lang';
/** Where an instance without network finds its Runtime API's unix socket. */
export const RUNTIME_SOCKET = `${RUNTIME_ROOT}/api.sock`;

export interface BubblewrapSpec {
  codeDir: string;
  tmpMb: number;
  /** Host paths the runtime needs (its client, the interpreter), bound read-only at the same path. */
  readOnlyPaths: string[];
  /** The merged layers, bound read-only at /opt. */
  optDir?: string;
  /** The runtime clients: each entry bound read-only under /var/runtime (a directory of its own, where the sockets go too). */
  runtimeDir?: string;
  /** The interpreter's installation, bound read-only at /var/lang. */
  langDir?: string;
  network: 'on' | 'off' | 'allow-list';
  runtimeSocket?: string;
  /** Keep the runtime channel (RUNTIME_CHANNEL_FD) open for the function's process. */
  runtimeChannel?: boolean;
  egressSocket?: string;
  hostsFile?: string;
  /**
   * A command that starts as root inside the sandbox (with LAUNCHER_ENV and only the
   * capabilities FORWARDER_CAPS), binds what needs root, drops to SANDBOX_UID and only then
   * runs the words after its `--` (the exec step, which reads the function's argv from
   * FUNCTION_ARGV_FD). Without it, setpriv drops first and runs the exec step.
   */
  forwarder?: string[];
  /** The descriptor bubblewrap reads the seccomp program from; none means no filter. */
  seccompFd?: number;
  /** A container image's unpacked root filesystem: the sandbox's `/` instead of the host's system. */
  rootfs?: string;
  /** Image functions: the directory the function starts in (inside the image). */
  workingDir?: string;
}

/** What the setpriv step needs: change uid and gids, and empty the bounding set. */
const SETPRIV_CAPS = ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'];
/** What the forwarder needs besides: to bind the allowed ports (443, 80, …) inside its network namespace. */
const FORWARDER_CAPS = [...SETPRIV_CAPS, 'CAP_NET_BIND_SERVICE'];

/** Drops to nobody for good: no capabilities, an empty bounding set, no_new_privs. */
export const DROP_PRIVILEGES = ['/usr/bin/setpriv', `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--'];
/** Before the forwarder: root still, but holding only what it needs to bind its ports and drop. */
const FORWARDER_PREPARE = ['/usr/bin/setpriv', '--bounding-set=-all,+net_bind_service,+setuid,+setgid', '--inh-caps=-all', '--'];

/** Where the sandbox finds the unix socket of its allowed outbound connections. */
export const EGRESS_SOCKET_IN_SANDBOX = '/var/runtime/egress.sock';

function networkMounts(spec: BubblewrapSpec): string[] {
  if (spec.network === 'on') return [];
  const args = ['--unshare-net', '--perms', '0755', '--dir', '/var/runtime', '--bind', spec.runtimeSocket!, RUNTIME_SOCKET];
  if (spec.network === 'allow-list') args.push('--bind', spec.egressSocket!, EGRESS_SOCKET_IN_SANDBOX, '--ro-bind', spec.hostsFile!, '/etc/hosts');
  return args;
}

/** Each entry of the runtime clients' directory, read-only under /var/runtime. */
function runtimeMounts(runtimeDir: string): string[] {
  const args = ['--perms', '0755', '--dir', RUNTIME_ROOT];
  for (const entry of fs.readdirSync(runtimeDir)) args.push('--ro-bind', path.join(runtimeDir, entry), `${RUNTIME_ROOT}/${entry}`);
  return args;
}

/** The system directories a runtime needs; on merged-/usr systems /bin and /lib are symlinks. */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let stat;
    try {
      stat = fs.lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** Binds a host path read-only at the same place; bwrap would create its parents 0700. */
function bindWithParents(hostPath: string, made: Set<string>): string[] {
  const args: string[] = [];
  const parts = hostPath.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = '/' + parts.slice(0, i).join('/');
    if (made.has(dir)) continue;
    made.add(dir);
    args.push('--perms', '0755', '--dir', dir);
  }
  return [...args, '--ro-bind', hostPath, hostPath];
}

/** Where setpriv is on the host. */
const SETPRIV_PATH = '/usr/bin/setpriv';
/** Top-level names of an image that the sandbox provides itself. */
const IMAGE_OWN = new Set(['proc', 'dev', 'tmp', HOST_TOOLS_ROOT.slice(1)]);

/**
 * An image's root: each top-level entry of the unpacked tree bound read-only (a symbolic link
 * recreated as a link, never followed on the host), over bubblewrap's own root, which is then
 * made read-only; the host's tools under HOST_TOOLS_ROOT for the privilege drop.
 */
function imageMounts(rootfs: string, hostBinds: string[]): string[] {
  const args: string[] = [];
  for (const entry of fs.readdirSync(rootfs, { withFileTypes: true })) {
    if (IMAGE_OWN.has(entry.name)) continue;
    const full = path.join(rootfs, entry.name);
    if (entry.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(full), `/${entry.name}`);
    else if (entry.isDirectory() || entry.isFile()) args.push('--ro-bind', full, `/${entry.name}`);
  }
  args.push('--perms', '0755', '--dir', HOST_TOOLS_ROOT);
  for (const dir of hostBinds) args.push('--ro-bind', dir, `${HOST_TOOLS_ROOT}${dir}`);
  return args;
}

function imageCommand(spec: BubblewrapSpec): string[] {
  const tools = hostTools([SETPRIV_PATH, BASH, ENV]);
  if (!tools) throw new Error('cannot find the dynamic loader of the host tools needed to start an image function');
  const caps = ['--cap-drop', 'ALL', ...SETPRIV_CAPS.flatMap((cap) => ['--cap-add', cap])];
  return [
    BWRAP!,
    ...imageMounts(spec.rootfs!, tools.binds),
    '--proc', '/proc',
    '--dev', '/dev',
    '--perms', '1777', '--size', String(spec.tmpMb * 1024 * 1024), '--tmpfs', '/tmp',
    '--remount-ro', '/',
    '--chdir', spec.workingDir ?? '/',
    ...isolationFlags(caps, spec.seccompFd),
    '--',
    ...tools.run(SETPRIV_PATH), ...DROP_PRIVILEGES.slice(1),
    ...execFunctionCommand((p) => tools.run(p)),
  ];
}

/** What both sandboxes (code and image) unshare, and the capabilities and seccomp filter they keep. */
function isolationFlags(caps: string[], seccompFd: number | undefined): string[] {
  return [
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--hostname', 'sandbox',
    '--die-with-parent',
    '--new-session',
    ...caps,
    ...(seccompFd !== undefined ? ['--seccomp', String(seccompFd)] : []),
  ];
}

export function bubblewrapCommand(spec: BubblewrapSpec): string[] {
  if (spec.rootfs) {
    if (spec.network !== 'on' || spec.forwarder) throw new Error('an image function runs with the network on');
    return imageCommand(spec);
  }
  const made = new Set(['/usr', '/etc', '/var']);
  const binds = spec.readOnlyPaths.filter((p) => !p.startsWith('/usr/')).flatMap((p) => bindWithParents(p, made));
  // bwrap run by root keeps every capability for its command unless told otherwise.
  const caps = ['--cap-drop', 'ALL', ...(spec.forwarder ? FORWARDER_CAPS : SETPRIV_CAPS).flatMap((cap) => ['--cap-add', cap])];
  return [
    BWRAP!,
    ...systemMounts(),
    '--proc', '/proc',
    '--dev', '/dev',
    '--perms', '1777', '--size', String(spec.tmpMb * 1024 * 1024), '--tmpfs', '/tmp',
    '--perms', '0755', '--dir', '/var',
    '--ro-bind', spec.codeDir, TASK_ROOT,
    ...(spec.optDir ? ['--ro-bind', spec.optDir, OPT_ROOT] : []),
    ...(spec.runtimeDir ? runtimeMounts(spec.runtimeDir) : []),
    ...(spec.langDir ? ['--ro-bind', spec.langDir, LANG_ROOT] : []),
    ...binds,
    ...networkMounts(spec),
    '--chdir', TASK_ROOT,
    ...isolationFlags(caps, spec.seccompFd),
    '--',
    ...(spec.forwarder ? [...FORWARDER_PREPARE, ...spec.forwarder, '--'] : DROP_PRIVILEGES),
    ...execFunctionCommand(undefined, spec.runtimeChannel),
  ];
}
