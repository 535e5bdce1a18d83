// Loading and attaching eBPF programs (the cgroup v2 device filter) through the bpf(2) syscall.
import { closeSync, openSync } from 'node:fs';
import { check, ErrnoError, ffi, lastErrno, libc } from './libc';

const syscall = libc.func('long syscall(long number, ...)');
const SYS_bpf = process.arch === 'arm64' ? 280 : 321;
const BPF_PROG_LOAD = 5;
const BPF_PROG_ATTACH = 8;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
const BPF_F_ALLOW_MULTI = 2;

/**
 * Loads `instructions` (struct bpf_insn[], 8 bytes each) as a program of `type` and attaches it to
 * the cgroup directory `cgroupDir`. The program stays attached for the cgroup's lifetime.
 */
export function attachCgroupProgram(
  cgroupDir: string,
  type: number,
  attachType: number,
  instructions: Buffer,
): void {
  const insns = ffi().alloc('uint8_t', instructions.length) as bigint;
  const license = ffi().alloc('uint8_t', 8) as bigint;
  const logSize = 65536;
  const log = ffi().alloc('uint8_t', logSize) as bigint;
  let progFd = -1;
  let cgroupFd = -1;
  try {
    instructions.copy(Buffer.from(ffi().view(insns, instructions.length)));
    Buffer.from('MIT\0').copy(Buffer.from(ffi().view(license, 8)));
    const load = Buffer.alloc(72);
    load.writeUInt32LE(type, 0);
    load.writeUInt32LE(instructions.length / 8, 4);
    load.writeBigUInt64LE(insns, 8);
    load.writeBigUInt64LE(license, 16);
    load.writeUInt32LE(1, 24); // log_level: explain a rejected program
    load.writeUInt32LE(logSize, 28);
    load.writeBigUInt64LE(log, 32);
    load.write('berth_devices', 48, 'latin1');
    progFd = Number(syscall(SYS_bpf, 'int', BPF_PROG_LOAD, 'void *', load, 'unsigned int', load.length));
    if (progFd < 0) {
      const errno = lastErrno();
      const verifier = (ffi().decode(log, 'char', -1) as string).trim();
      const err = new ErrnoError('bpf', 'BPF_PROG_LOAD, cgroup device filter', errno);
      if (verifier) err.message += `\n${verifier}`;
      throw err;
    }
    cgroupFd = openSync(cgroupDir, 'r');
    const attach = Buffer.alloc(20);
    attach.writeUInt32LE(cgroupFd, 0);
    attach.writeUInt32LE(progFd, 4);
    attach.writeUInt32LE(attachType, 8);
    attach.writeUInt32LE(BPF_F_ALLOW_MULTI, 12);
    check(
      'bpf',
      `BPF_PROG_ATTACH, ${JSON.stringify(cgroupDir)}`,
      Number(syscall(SYS_bpf, 'int', BPF_PROG_ATTACH, 'void *', attach, 'unsigned int', attach.length)),
    );
  } finally {
    if (progFd >= 0) closeSync(progFd);
    if (cgroupFd >= 0) closeSync(cgroupFd);
    ffi().free(insns);
    ffi().free(license);
    ffi().free(log);
  }
}
