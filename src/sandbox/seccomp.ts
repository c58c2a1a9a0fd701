// The seccomp filter every namespaced instance runs under, as defence in depth behind the
// namespaces, the dropped capabilities and no_new_privs: a classic-BPF program, generated here
// (no libseccomp needed), that bubblewrap loads with `--seccomp FD` just before the sandbox's
// first command runs. It denies the kernel interfaces a function has no use for and container
// escapes have used, as Docker's default profile does; everything else is allowed.
import os from 'node:os';

export type SeccompArch = 'x86_64' | 'aarch64';

interface DeniedSyscall {
  name: string;
  /** Syscall numbers; absent where the architecture has no such call. */
  x86_64?: number;
  aarch64?: number;
  /** Why it is denied (docs/security.md lists the same, and a test keeps the two in step). */
  why: string;
}

/** Denied outright with EPERM. Numbers from the kernel's unistd_64.h (x86_64) and asm-generic/unistd.h (aarch64). */
export const DENIED_SYSCALLS: readonly DeniedSyscall[] = [
  { name: 'open_by_handle_at', x86_64: 304, aarch64: 265, why: 'opens any file on a mounted filesystem by its handle, bypassing the mount namespace (the "shocker" escape)' },
  { name: 'name_to_handle_at', x86_64: 303, aarch64: 264, why: 'the other half of open_by_handle_at: leaks file handles' },
  { name: 'mount', x86_64: 165, aarch64: 40, why: 'changes the filesystem view the sandbox was built on' },
  { name: 'umount2', x86_64: 166, aarch64: 39, why: 'uncovers what the sandbox hides' },
  { name: 'pivot_root', x86_64: 155, aarch64: 41, why: 'changes the root filesystem' },
  { name: 'open_tree', x86_64: 428, aarch64: 428, why: 'the new mount API: same power as mount' },
  { name: 'move_mount', x86_64: 429, aarch64: 429, why: 'the new mount API' },
  { name: 'fsopen', x86_64: 430, aarch64: 430, why: 'the new mount API' },
  { name: 'fsconfig', x86_64: 431, aarch64: 431, why: 'the new mount API' },
  { name: 'fsmount', x86_64: 432, aarch64: 432, why: 'the new mount API' },
  { name: 'fspick', x86_64: 433, aarch64: 433, why: 'the new mount API' },
  { name: 'mount_setattr', x86_64: 442, aarch64: 442, why: 'the new mount API (changes mount flags such as read-only)' },
  { name: 'unshare', x86_64: 272, aarch64: 97, why: 'new namespaces, above all user namespaces, which open kernel code paths meant for root to any user' },
  { name: 'setns', x86_64: 308, aarch64: 268, why: 'joins another namespace' },
  { name: 'keyctl', x86_64: 250, aarch64: 219, why: 'the kernel keyring is not namespaced: keys of other users and instances' },
  { name: 'add_key', x86_64: 248, aarch64: 217, why: 'the kernel keyring is not namespaced' },
  { name: 'request_key', x86_64: 249, aarch64: 218, why: 'the kernel keyring is not namespaced' },
  { name: 'bpf', x86_64: 321, aarch64: 280, why: 'loads programs into the kernel; a frequent source of kernel exploits' },
  { name: 'perf_event_open', x86_64: 298, aarch64: 241, why: 'observes the host (and other processes); a frequent source of kernel exploits' },
  { name: 'ptrace', x86_64: 101, aarch64: 117, why: 'inspects and controls other processes; the kernel has been escaped through it' },
  { name: 'process_vm_readv', x86_64: 310, aarch64: 270, why: 'reads another process\'s memory (as ptrace)' },
  { name: 'process_vm_writev', x86_64: 311, aarch64: 271, why: 'writes another process\'s memory (as ptrace)' },
  { name: 'kcmp', x86_64: 312, aarch64: 272, why: 'compares kernel resources of other processes (as ptrace)' },
  { name: 'userfaultfd', x86_64: 323, aarch64: 282, why: 'stalls the kernel on a page fault at will, which makes races in the kernel easy to win' },
  { name: 'io_uring_setup', x86_64: 425, aarch64: 425, why: 'a large, young kernel interface with many exploits; Docker denies it too (programs fall back to ordinary I/O)' },
  { name: 'io_uring_enter', x86_64: 426, aarch64: 426, why: 'io_uring' },
  { name: 'io_uring_register', x86_64: 427, aarch64: 427, why: 'io_uring' },
  { name: 'kexec_load', x86_64: 246, aarch64: 104, why: 'loads a new kernel' },
  { name: 'kexec_file_load', x86_64: 320, aarch64: 294, why: 'loads a new kernel' },
  { name: 'init_module', x86_64: 175, aarch64: 105, why: 'loads a kernel module' },
  { name: 'finit_module', x86_64: 313, aarch64: 273, why: 'loads a kernel module' },
  { name: 'delete_module', x86_64: 176, aarch64: 106, why: 'unloads a kernel module' },
  { name: 'iopl', x86_64: 172, why: 'raw access to I/O ports' },
  { name: 'ioperm', x86_64: 173, why: 'raw access to I/O ports' },
  { name: 'swapon', x86_64: 167, aarch64: 224, why: 'changes the host\'s swap' },
  { name: 'swapoff', x86_64: 168, aarch64: 225, why: 'changes the host\'s swap' },
  { name: 'reboot', x86_64: 169, aarch64: 142, why: 'reboots the host' },
  { name: 'settimeofday', x86_64: 164, aarch64: 170, why: 'the clock is not namespaced: sets the host\'s time' },
  { name: 'clock_settime', x86_64: 227, aarch64: 112, why: 'sets the host\'s time' },
  { name: 'acct', x86_64: 163, aarch64: 89, why: 'switches process accounting of the host' },
  { name: 'quotactl', x86_64: 179, aarch64: 60, why: 'changes disk quotas of the host' },
  { name: 'quotactl_fd', x86_64: 443, aarch64: 443, why: 'changes disk quotas of the host' },
  { name: 'lookup_dcookie', x86_64: 212, aarch64: 18, why: 'kernel profiling interface' },
  { name: 'fanotify_init', x86_64: 300, aarch64: 262, why: 'watches file access across the filesystem' },
  { name: 'syslog', x86_64: 103, aarch64: 116, why: 'reads the kernel log, which leaks kernel addresses' },
  { name: 'vhangup', x86_64: 153, aarch64: 58, why: 'hangs up the terminal' },
  { name: 'uselib', x86_64: 134, why: 'obsolete loader interface' },
];

/** clone: allowed (fork and threads use it) unless a flag asks for a new namespace. */
export const CLONE = { x86_64: 56, aarch64: 220 } as const;
/** clone3 passes its flags in memory a filter cannot read: it gets ENOSYS, so libc falls back to clone (as Docker does). */
export const CLONE3 = { x86_64: 435, aarch64: 435 } as const;
/** personality: only the values Docker allows (the default, UNAME26 and ADDR_NO_RANDOMIZE-free variants, and the query). */
export const PERSONALITY = { x86_64: 135, aarch64: 92 } as const;
export const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff] as const;

/** CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET */
export const CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

export const AUDIT_ARCH = { x86_64: 0xc000003e, aarch64: 0xc00000b7 } as const;
/** x86_64's x32 ABI sets this bit in the syscall number; its calls would bypass the table above. */
export const X32_SYSCALL_BIT = 0x40000000;

export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const EPERM = 1;
export const ENOSYS = 38;

// Classic BPF opcodes (linux/bpf_common.h).
export const BPF = {
  LD_W_ABS: 0x20, // A = 32-bit word at offset k of struct seccomp_data
  JEQ_K: 0x15, // pc += (A == k) ? jt : jf
  JGE_K: 0x35, // pc += (A >= k) ? jt : jf
  JSET_K: 0x45, // pc += (A & k) ? jt : jf
  RET_K: 0x06, // return k
} as const;

/** Offsets in struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }. */
export const DATA = { nr: 0, arch: 4, arg0Low: 16 } as const; // little-endian: the low half of args[0] comes first

type Target = string | number; // a label, or the next instruction (0)
interface Instruction {
  code: number;
  k: number;
  jt?: Target;
  jf?: Target;
  label?: string;
}

const ld = (offset: number, label?: string): Instruction => ({ code: BPF.LD_W_ABS, k: offset, label });
const jump = (code: number, k: number, jt: Target, jf: Target): Instruction => ({ code, k, jt, jf });
const ret = (k: number, label?: string): Instruction => ({ code: BPF.RET_K, k, label });

/** The checks for one architecture, entered with A = arch already matched. */
function archSection(arch: SeccompArch): Instruction[] {
  const section: Instruction[] = [ld(DATA.nr, arch)];
  if (arch === 'x86_64') section.push(jump(BPF.JGE_K, X32_SYSCALL_BIT, 'deny', 0));
  for (const call of DENIED_SYSCALLS) {
    const nr = call[arch];
    if (nr !== undefined) section.push(jump(BPF.JEQ_K, nr, 'deny', 0));
  }
  section.push(
    jump(BPF.JEQ_K, CLONE[arch], 'clone', 0),
    jump(BPF.JEQ_K, CLONE3[arch], 'enosys', 0),
    jump(BPF.JEQ_K, PERSONALITY[arch], 'personality', 0),
    ret(SECCOMP_RET_ALLOW),
  );
  return section;
}

function assemble(program: Instruction[]): Buffer {
  const at = new Map<string, number>();
  program.forEach((ins, i) => ins.label && at.set(ins.label, i));
  const offset = (from: number, target: Target | undefined): number => {
    if (target === undefined || typeof target === 'number') return target ?? 0;
    const to = at.get(target);
    if (to === undefined) throw new Error(`seccomp: no label ${target}`);
    const distance = to - from - 1;
    // Classic BPF jumps only forward, at most 255 instructions.
    if (distance < 0 || distance > 255) throw new Error(`seccomp: jump to ${target} out of range (${distance})`);
    return distance;
  };
  // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } in the host's byte order.
  const out = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    out.writeUInt16LE(ins.code, i * 8);
    out.writeUInt8(offset(i, ins.jt), i * 8 + 2);
    out.writeUInt8(offset(i, ins.jf), i * 8 + 3);
    out.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return out;
}

/** The whole program: both architectures (so one filter serves either host), any other ABI killed. */
export function seccompProgram(): Buffer {
  return assemble([
    ld(DATA.arch),
    jump(BPF.JEQ_K, AUDIT_ARCH.x86_64, 'x86_64', 0),
    jump(BPF.JEQ_K, AUDIT_ARCH.aarch64, 'aarch64', 0),
    // i386 or arm32 compat calls on a 64-bit host, with numbers of their own: not allowed at all.
    ret(SECCOMP_RET_KILL_PROCESS),
    ...archSection('x86_64'),
    ...archSection('aarch64'),
    ld(DATA.arg0Low, 'clone'),
    jump(BPF.JSET_K, CLONE_NEW_FLAGS, 'deny', 'allow'),
    ld(DATA.arg0Low, 'personality'),
    ...ALLOWED_PERSONALITIES.map((value) => jump(BPF.JEQ_K, value, 'allow', 0)),
    ret(SECCOMP_RET_ERRNO | EPERM, 'deny'),
    ret(SECCOMP_RET_ALLOW, 'allow'),
    ret(SECCOMP_RET_ERRNO | ENOSYS, 'enosys'),
  ]);
}

/** The host's architecture, if the filter knows its syscall numbers; null means no filter. */
export function hostSeccompArch(): SeccompArch | null {
  if (os.endianness() !== 'LE') return null;
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : null;
}
