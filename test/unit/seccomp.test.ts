// The seccomp program Gust generates, run through a small classic-BPF interpreter (the subset of
// opcodes a seccomp filter uses) as the kernel would run it: what each kind of call gets, that
// the program is well formed, that its syscall numbers match the kernel's headers, and that
// docs/security.md lists every denied call.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  ALLOWED_PERSONALITIES,
  AUDIT_ARCH,
  BPF,
  CLONE,
  CLONE3,
  CLONE_NEW_FLAGS,
  DENIED_SYSCALLS,
  ENOSYS,
  EPERM,
  PERSONALITY,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  seccompProgram,
  type SeccompArch,
} from '../../src/sandbox/seccomp.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const program = seccompProgram();
const DENY = SECCOMP_RET_ERRNO | EPERM;
const NO_SUCH_CALL = SECCOMP_RET_ERRNO | ENOSYS;
const AUDIT_ARCH_I386 = 0x40000003;
const AUDIT_ARCH_ARM = 0x40000028;

/** Runs the program on one struct seccomp_data, as the kernel does; throws on anything malformed. */
function run(arch: number, nr: number, args: bigint[] = []): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(nr | 0, 0);
  data.writeUInt32LE(arch >>> 0, 4);
  args.forEach((arg, i) => data.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + i * 8));
  let a = 0;
  for (let pc = 0, steps = 0; steps < 10_000; steps++) {
    assert.ok(pc >= 0 && pc * 8 < program.length, `pc ${pc} ran off the program`);
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    switch (code) {
      case BPF.LD_W_ABS:
        assert.ok(k % 4 === 0 && k < 64, `load from offset ${k}`);
        a = data.readUInt32LE(k);
        pc += 1;
        break;
      case BPF.JEQ_K:
        pc += 1 + (a === k ? jt : jf);
        break;
      case BPF.JGE_K:
        pc += 1 + (a >= k ? jt : jf);
        break;
      case BPF.JSET_K:
        pc += 1 + ((a & k) >>> 0 !== 0 ? jt : jf);
        break;
      case BPF.RET_K:
        return k;
      default:
        assert.fail(`unexpected opcode 0x${code.toString(16)} at ${pc}`);
    }
  }
  assert.fail('the program loops');
}

const ARCHES: SeccompArch[] = ['x86_64', 'aarch64'];
/** Calls every program makes: read, write, openat, mmap, execve, exit_group, socket, connect, futex, getpid. */
const ORDINARY: Record<SeccompArch, number[]> = {
  x86_64: [0, 1, 257, 9, 59, 231, 41, 42, 202, 39],
  aarch64: [63, 64, 56, 222, 221, 94, 198, 203, 98, 172],
};

test('the program is well formed: whole instructions, within the kernel’s limit, every jump inside it', () => {
  assert.equal(program.length % 8, 0);
  const count = program.length / 8;
  assert.ok(count < 4096, `${count} instructions`);
  for (let pc = 0; pc < count; pc++) {
    const code = program.readUInt16LE(pc * 8);
    if (code === BPF.RET_K) continue;
    if (code === BPF.LD_W_ABS) continue;
    assert.ok(pc + 1 + Math.max(program.readUInt8(pc * 8 + 2), program.readUInt8(pc * 8 + 3)) < count, `jump at ${pc} leaves the program`);
  }
  assert.equal(program.readUInt16LE(program.length - 8), BPF.RET_K, 'the last instruction returns');
});

test('each denied call gets EPERM on both architectures; ordinary calls are allowed', () => {
  for (const arch of ARCHES) {
    for (const call of DENIED_SYSCALLS) {
      const nr = call[arch];
      if (nr !== undefined) assert.equal(run(AUDIT_ARCH[arch], nr), DENY, `${arch} ${call.name}`);
    }
    for (const nr of ORDINARY[arch]) assert.equal(run(AUDIT_ARCH[arch], nr), SECCOMP_RET_ALLOW, `${arch} syscall ${nr}`);
  }
});

test('clone is allowed for fork and threads, denied with any new-namespace flag; clone3 gets ENOSYS', () => {
  const SIGCHLD = 17n;
  const THREAD_FLAGS = 0x3d0f00n; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID, as glibc's pthread_create
  for (const arch of ARCHES) {
    const clone = (flags: bigint) => run(AUDIT_ARCH[arch], CLONE[arch], [flags]);
    assert.equal(clone(SIGCHLD), SECCOMP_RET_ALLOW, `${arch} fork`);
    assert.equal(clone(THREAD_FLAGS), SECCOMP_RET_ALLOW, `${arch} thread`);
    for (let bit = 0; bit < 32; bit++) {
      const flag = 1 << bit;
      if (CLONE_NEW_FLAGS & flag) assert.equal(clone(BigInt(flag >>> 0) | SIGCHLD), DENY, `${arch} clone flag 0x${(flag >>> 0).toString(16)}`);
    }
    assert.equal(clone(0x10000000n | (1n << 40n)), DENY, 'the kernel reads the low 32 bits of the flags, and so does the filter');
    assert.equal(run(AUDIT_ARCH[arch], CLONE3[arch]), NO_SUCH_CALL, `${arch} clone3`);
  }
});

test('personality: only the values Docker allows', () => {
  for (const arch of ARCHES) {
    for (const value of ALLOWED_PERSONALITIES) assert.equal(run(AUDIT_ARCH[arch], PERSONALITY[arch], [BigInt(value)]), SECCOMP_RET_ALLOW, `${arch} personality(0x${value.toString(16)})`);
    assert.equal(run(AUDIT_ARCH[arch], PERSONALITY[arch], [0x0040000n]), DENY, 'ADDR_NO_RANDOMIZE');
    assert.equal(run(AUDIT_ARCH[arch], PERSONALITY[arch], [0x0008000n]), DENY);
  }
});

test('x32 calls on x86_64 are denied; other ABIs (i386, arm32) are killed', () => {
  assert.equal(run(AUDIT_ARCH.x86_64, 0x40000000 | 39), DENY, 'x32 getpid');
  assert.equal(run(AUDIT_ARCH.x86_64, 0x40000000 | 257), DENY, 'x32 openat');
  assert.equal(run(AUDIT_ARCH_I386, 20), SECCOMP_RET_KILL_PROCESS, 'i386 getpid');
  assert.equal(run(AUDIT_ARCH_ARM, 20), SECCOMP_RET_KILL_PROCESS, 'arm getpid');
});

test('the syscall numbers match the kernel headers on this machine', (t) => {
  const headers: Record<SeccompArch, string> = {
    x86_64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
    aarch64: '/usr/include/asm-generic/unistd.h', // arm64 uses the generic table
  };
  for (const arch of ARCHES) {
    if (!fs.existsSync(headers[arch])) {
      t.diagnostic(`${headers[arch]} is missing: ${arch} numbers not checked`);
      continue;
    }
    const text = fs.readFileSync(headers[arch], 'utf8');
    const numberOf = (name: string) => {
      const m = new RegExp(`#define __NR(?:3264)?_${name}\\s+(\\d+)`).exec(text);
      return m ? Number(m[1]) : undefined;
    };
    for (const call of DENIED_SYSCALLS) assert.equal(call[arch], numberOf(call.name), `${arch} ${call.name}`);
    assert.equal(CLONE[arch], numberOf('clone'));
    assert.equal(CLONE3[arch], numberOf('clone3'));
    assert.equal(PERSONALITY[arch], numberOf('personality'));
  }
});

test('no call is listed twice, and docs/security.md lists every denied call', () => {
  const names = DENIED_SYSCALLS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const arch of ARCHES) {
    const numbers = DENIED_SYSCALLS.map((c) => c[arch]).filter((n) => n !== undefined);
    assert.equal(new Set(numbers).size, numbers.length, arch);
  }
  const doc = fs.readFileSync(path.join(ROOT, 'docs/security.md'), 'utf8');
  for (const name of [...names, 'clone', 'clone3', 'personality']) assert.ok(doc.includes(`\`${name}\``), `docs/security.md does not mention ${name}`);
});
