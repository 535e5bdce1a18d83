// The calls a container's first process makes, inside its namespaces, before it runs the user's
// program. Node is multithreaded, so these run in berth-init (linux/init/), a single-threaded
// helper that executes them in order. The setup code (rootfs.ts, process.ts, namespaces.ts) is
// written against the `InitSyscalls` interface; `InitProgram` records each call, both as readable
// text (what the unit tests assert, and what errors quote) and as the binary program the helper runs.
import type { SchedAttr } from '../scheduling';
import { CLONE, flagNames, MOUNT_ATTR, MS, PR } from './constants';

/** Op codes; the same numbers as the enum in init/berth-init.h (a unit test compares them). */
export enum Op {
  UNSHARE = 1,
  SETNS = 2,
  FORK = 3,
  SYNC = 4,
  MOUNT = 5,
  UMOUNT2 = 6,
  OPEN_ROOT = 7,
  MKDIRS = 8,
  MKFILE = 9,
  MKNOD = 10,
  SYMLINK = 11,
  CHOWN = 12,
  PIVOT_ROOT = 13,
  CHROOT = 14,
  CHDIR = 15,
  WRITE_FILE = 16,
  SETHOSTNAME = 17,
  SETDOMAINNAME = 18,
  SETGROUPS = 19,
  SETRESGID = 20,
  SETRESUID = 21,
  PRCTL = 22,
  CAPSET = 23,
  SETRLIMIT = 24,
  UMASK = 25,
  SECCOMP = 26,
  SETSID = 27,
  CONSOLE = 28,
  FIND_EXEC = 29,
  READY = 30,
  WAIT_START = 31,
  EXEC = 32,
  MASK_PATH = 33,
  READONLY_PATH = 34,
  PERSONALITY = 35,
  CLOSE = 36,
  REMOUNT = 37,
  RUN_HOOK = 38,
  WAIT_CGROUP = 39,
  MOUNT_SETATTR = 40,
  SCHED_SETATTR = 41,
  IOPRIO_SET = 42,
  SCHED_SETAFFINITY = 43,
  LOOPBACK_UP = 44,
}

/** Messages from the helper; the same numbers as in init/berth-init.h. */
export enum Message {
  PID = 1,
  SYNC = 2,
  ERROR = 3,
  READY = 4,
  CONSOLE = 5,
  EXIT = 6,
}

/** The points where the helper waits for the runtime to do its part. */
export enum SyncPoint {
  /** The user namespace exists: write its uid/gid maps. */
  USERNS_MAPS = 1,
  /** Namespaces and mounts are ready, the root is not yet pivoted: run the create hooks. */
  CREATE_HOOKS = 3,
}

/** How path arguments resolve (a bit set, as in init/berth-init.h). */
export const Where = {
  HOST: 0,
  /** Resolve inside the root opened by openRoot(), as if it were "/": symlinks cannot escape. */
  IN_ROOT: 1,
  SRC_IN_ROOT: 2,
  KEEP_LOCKED: 4,
  IGNORE_MISSING: 8,
  /** On a mount: copy what the destination held into the new mount (tmpcopyup). */
  COPY_UP: 16,
} as const;

export interface HookCall {
  path: string;
  args: string[];
  env: string[];
  timeout: number;
  state: string;
}

export interface InitSyscalls {
  unshare(flags: number): void;
  setns(fd: number, nstype: number): void;
  /**
   * Splits off the container's first process; the rest of the program runs in it. Meanwhile the
   * supervisor writes its pid to `cgroupProcs` (fds of cgroup.procs files): see waitCgroup().
   */
  fork(options: { detach: boolean; exitFd: number; cgroupProcs: number[]; statusFd: number }): void;
  /** Waits until the supervisor has put this process in the container's cgroups. */
  waitCgroup(): void;
  sync(point: SyncPoint): void;
  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number,
    data: string | null,
    where?: number,
  ): void;
  umount2(target: string, flags: number, where?: number): void;
  openRoot(path: string): void;
  mkdirs(path: string, mode: number, where?: number): void;
  mkfile(path: string, mode: number, where?: number): void;
  mknod(path: string, mode: number, major: number, minor: number, where?: number): void;
  symlink(target: string, path: string, where?: number): void;
  chown(path: string, uid: number, gid: number, where?: number): void;
  pivotRoot(path: string): void;
  chroot(path: string): void;
  chdir(path: string): void;
  writeFile(path: string, data: string): void;
  sethostname(name: string): void;
  setdomainname(name: string): void;
  setgroups(gids: number[]): void;
  setresgid(rgid: number, egid: number, sgid: number): void;
  setresuid(ruid: number, euid: number, suid: number): void;
  prctl(option: number, arg2?: number, arg3?: number, arg4?: number, arg5?: number): void;
  capset(effective: bigint, permitted: bigint, inheritable: bigint): void;
  setrlimit(resource: number, soft: bigint, hard: bigint): void;
  umask(mask: number): void;
  seccomp(flags: number, filter: Buffer): void;
  setsid(): void;
  console(rows: number, cols: number, channelFd: number): void;
  findExec(name: string, path: string): void;
  ready(): void;
  waitStart(listenerFd: number, minFd: number): void;
  exec(args: string[], env: string[], preserveFds: number): void;
  maskPath(path: string): void;
  readonlyPath(path: string): void;
  personality(domain: number): void;
  close(fd: number): void;
  remount(path: string, flags: number, where?: number): void;
  /** mount_setattr(2) with AT_RECURSIVE: MOUNT_ATTR_* bits set and cleared on the whole tree. */
  mountSetattr(path: string, set: number, clear: number, where?: number): void;
  runHook(hook: HookCall): void;
  schedSetattr(attr: SchedAttr): void;
  ioprioSet(value: number): void;
  /** `cpus` is the list the mask came from, for the call's text. */
  schedSetaffinity(mask: Buffer, cpus: string): void;
  /** Sets the loopback interface of the (new) network namespace up. */
  loopbackUp(): void;
}

type Arg = number | bigint | string | Buffer;

export interface RecordedCall {
  op: Op;
  args: Arg[];
  /** `mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, null)`, rendered on demand. */
  readonly text: string;
}

const q = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
const ms = (flags: number) => flagNames(flags, MS, 'MS_');
const clone = (flags: number) => flagNames(flags, CLONE, 'CLONE_');
const prName = (option: number) => {
  const name = Object.entries(PR).find(([, v]) => v === option)?.[0];
  return name ? `PR_${name}` : String(option);
};
const where = (w: number) => (w === 0 ? '' : `, ${flagNames(w, Where, '')}`);
const octal = (mode: number) => `0${mode.toString(8)}`;
const hex = (n: bigint) => `0x${n.toString(16)}`;

/** Records init calls in order and encodes them as the program berth-init runs. */
export class InitProgram implements InitSyscalls {
  readonly calls: RecordedCall[] = [];

  // Rendering every call's text costs more than the container setup needs: only errors and
  // tests read it, so it is made on first use.
  private add(op: Op, args: Arg[], text: () => string): void {
    let rendered: string | undefined;
    this.calls.push({
      op,
      args,
      get text() {
        return (rendered ??= text());
      },
    });
  }

  /** The recorded calls as text, one per call: what unit tests compare. */
  get texts(): string[] {
    return this.calls.map((c) => c.text);
  }

  unshare(flags: number): void {
    this.add(Op.UNSHARE, [flags], () => `unshare(${clone(flags)})`);
  }
  setns(fd: number, nstype: number): void {
    this.add(Op.SETNS, [fd, nstype], () => `setns(${fd}, ${clone(nstype)})`);
  }
  fork(options: { detach: boolean; exitFd: number; cgroupProcs: number[]; statusFd: number }): void {
    const fds = Buffer.alloc(options.cgroupProcs.length * 4);
    options.cgroupProcs.forEach((fd, i) => fds.writeInt32LE(fd, i * 4));
    this.add(
      Op.FORK,
      [options.detach ? 1 : 0, options.exitFd, fds, options.statusFd],
      () =>
        `fork(${options.detach ? 'detach' : 'supervise'}, cgroup.procs [${options.cgroupProcs.join(', ')}])`,
    );
  }
  waitCgroup(): void {
    this.add(Op.WAIT_CGROUP, [], () => 'wait_cgroup()');
  }
  sync(point: SyncPoint): void {
    this.add(Op.SYNC, [point], () => `sync(${SyncPoint[point]})`);
  }
  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number,
    data: string | null,
    w = 0,
  ): void {
    this.add(
      Op.MOUNT,
      [source ?? '', target, fstype ?? '', flags, data ?? '', w],
      () => `mount(${q(source)}, ${q(target)}, ${q(fstype)}, ${ms(flags)}, ${q(data)}${where(w)})`,
    );
  }
  umount2(target: string, flags: number, w = 0): void {
    this.add(Op.UMOUNT2, [target, flags, w], () => `umount2(${q(target)}, ${flags}${where(w)})`);
  }
  openRoot(path: string): void {
    this.add(Op.OPEN_ROOT, [path], () => `open_root(${q(path)})`);
  }
  mkdirs(path: string, mode: number, w = 0): void {
    this.add(Op.MKDIRS, [path, mode, w], () => `mkdirs(${q(path)}, ${octal(mode)}${where(w)})`);
  }
  mkfile(path: string, mode: number, w = 0): void {
    this.add(Op.MKFILE, [path, mode, w], () => `mkfile(${q(path)}, ${octal(mode)}${where(w)})`);
  }
  mknod(path: string, mode: number, major: number, minor: number, w = 0): void {
    this.add(
      Op.MKNOD,
      [path, mode, major, minor, w],
      () => `mknod(${q(path)}, ${octal(mode)}, ${major}:${minor}${where(w)})`,
    );
  }
  symlink(target: string, path: string, w = 0): void {
    this.add(Op.SYMLINK, [target, path, w], () => `symlink(${q(target)}, ${q(path)}${where(w)})`);
  }
  chown(path: string, uid: number, gid: number, w = 0): void {
    this.add(Op.CHOWN, [path, uid, gid, w], () => `chown(${q(path)}, ${uid}, ${gid}${where(w)})`);
  }
  pivotRoot(path: string): void {
    this.add(Op.PIVOT_ROOT, [path], () => `pivot_root(${q(path)})`);
  }
  chroot(path: string): void {
    this.add(Op.CHROOT, [path], () => `chroot(${q(path)})`);
  }
  chdir(path: string): void {
    this.add(Op.CHDIR, [path], () => `chdir(${q(path)})`);
  }
  writeFile(path: string, data: string): void {
    this.add(Op.WRITE_FILE, [path, data], () => `write_file(${q(path)}, ${q(data)})`);
  }
  sethostname(name: string): void {
    this.add(Op.SETHOSTNAME, [name], () => `sethostname(${q(name)})`);
  }
  setdomainname(name: string): void {
    this.add(Op.SETDOMAINNAME, [name], () => `setdomainname(${q(name)})`);
  }
  setgroups(gids: number[]): void {
    const buf = Buffer.alloc(gids.length * 4);
    gids.forEach((g, i) => buf.writeUInt32LE(g, i * 4));
    this.add(Op.SETGROUPS, [buf], () => `setgroups([${gids.join(', ')}])`);
  }
  setresgid(r: number, e: number, s: number): void {
    this.add(Op.SETRESGID, [r, e, s], () => `setresgid(${r}, ${e}, ${s})`);
  }
  setresuid(r: number, e: number, s: number): void {
    this.add(Op.SETRESUID, [r, e, s], () => `setresuid(${r}, ${e}, ${s})`);
  }
  prctl(option: number, a2 = 0, a3 = 0, a4 = 0, a5 = 0): void {
    this.add(
      Op.PRCTL,
      [option, a2, a3, a4, a5],
      () => `prctl(${prName(option)}, ${a2}, ${a3}, ${a4}, ${a5})`,
    );
  }
  capset(effective: bigint, permitted: bigint, inheritable: bigint): void {
    const lo = (n: bigint) => Number(n & 0xffffffffn);
    const hi = (n: bigint) => Number(n >> 32n);
    this.add(
      Op.CAPSET,
      [lo(effective), hi(effective), lo(permitted), hi(permitted), lo(inheritable), hi(inheritable)],
      () => `capset(e=${hex(effective)}, p=${hex(permitted)}, i=${hex(inheritable)})`,
    );
  }
  setrlimit(resource: number, soft: bigint, hard: bigint): void {
    this.add(Op.SETRLIMIT, [resource, soft, hard], () => `setrlimit(${resource}, ${soft}, ${hard})`);
  }
  umask(mask: number): void {
    this.add(Op.UMASK, [mask], () => `umask(${octal(mask)})`);
  }
  seccomp(flags: number, filter: Buffer): void {
    this.add(
      Op.SECCOMP,
      [flags, filter],
      () => `seccomp(SECCOMP_SET_MODE_FILTER, ${flags}, ${filter.length / 8} instructions)`,
    );
  }
  setsid(): void {
    this.add(Op.SETSID, [], () => 'setsid()');
  }
  console(rows: number, cols: number, channelFd: number): void {
    this.add(Op.CONSOLE, [rows, cols, channelFd], () => `console(${rows}x${cols}, ${channelFd})`);
  }
  findExec(name: string, path: string): void {
    this.add(Op.FIND_EXEC, [name, path], () => `find_exec(${q(name)}, ${q(path)})`);
  }
  ready(): void {
    this.add(Op.READY, [], () => 'ready()');
  }
  waitStart(listenerFd: number, minFd: number): void {
    this.add(Op.WAIT_START, [listenerFd, minFd], () => `wait_start(${listenerFd})`);
  }
  exec(args: string[], env: string[], preserveFds: number): void {
    this.add(
      Op.EXEC,
      [nulJoin(args), nulJoin(env), preserveFds],
      () => `execve(${q(args[0] ?? '')}, ${JSON.stringify(args)})`,
    );
  }
  maskPath(path: string): void {
    this.add(Op.MASK_PATH, [path], () => `mask_path(${q(path)})`);
  }
  readonlyPath(path: string): void {
    this.add(Op.READONLY_PATH, [path], () => `readonly_path(${q(path)})`);
  }
  personality(domain: number): void {
    this.add(Op.PERSONALITY, [domain], () => `personality(0x${domain.toString(16)})`);
  }
  close(fd: number): void {
    this.add(Op.CLOSE, [fd], () => `close(${fd})`);
  }
  remount(path: string, flags: number, w = 0): void {
    this.add(Op.REMOUNT, [path, flags, w], () => `remount(${q(path)}, ${ms(flags)}${where(w)})`);
  }
  mountSetattr(path: string, set: number, clear: number, w = 0): void {
    this.add(
      Op.MOUNT_SETATTR,
      [path, set, clear, w],
      () =>
        `mount_setattr(${q(path)}, AT_RECURSIVE, set=${flagNames(set, MOUNT_ATTR, 'MOUNT_ATTR_')}, clear=${flagNames(clear, MOUNT_ATTR, 'MOUNT_ATTR_')}${where(w)})`,
    );
  }
  schedSetattr(a: SchedAttr): void {
    this.add(
      Op.SCHED_SETATTR,
      [a.policy, a.flags, a.nice, a.priority, a.runtime, a.deadline, a.period],
      () =>
        `sched_setattr(policy=${a.policy}, flags=0x${a.flags.toString(16)}, nice=${a.nice}, priority=${a.priority}, runtime=${a.runtime}, deadline=${a.deadline}, period=${a.period})`,
    );
  }
  ioprioSet(value: number): void {
    this.add(
      Op.IOPRIO_SET,
      [value],
      () => `ioprio_set(IOPRIO_WHO_PROCESS, 0, class ${value >> 13}, ${value & 7})`,
    );
  }
  schedSetaffinity(mask: Buffer, cpus: string): void {
    this.add(Op.SCHED_SETAFFINITY, [mask], () => `sched_setaffinity(0, ${q(cpus)})`);
  }
  loopbackUp(): void {
    this.add(Op.LOOPBACK_UP, [], () => 'loopback_up()');
  }
  runHook(hook: HookCall): void {
    this.add(
      Op.RUN_HOOK,
      [hook.path, nulJoin(hook.args), nulJoin(hook.env), hook.state, hook.timeout],
      () => `run_hook(${q(hook.path)})`,
    );
  }

  /** The binary program: "BRTH", op count, then per op: code, argc, tagged args (little-endian). */
  encode(): Buffer {
    const bytes = (arg: Arg) => (typeof arg === 'string' ? Buffer.byteLength(arg) : (arg as Buffer).length);
    let size = 8;
    for (const call of this.calls) {
      size += 8;
      for (const arg of call.args)
        size += typeof arg === 'number' || typeof arg === 'bigint' ? 9 : 5 + bytes(arg);
    }
    const out = Buffer.allocUnsafe(size);
    out.write('BRTH', 0, 'latin1');
    out.writeUInt32LE(this.calls.length, 4);
    let at = 8;
    for (const call of this.calls) {
      out.writeUInt32LE(call.op, at);
      out.writeUInt32LE(call.args.length, at + 4);
      at += 8;
      for (const arg of call.args) {
        if (typeof arg === 'number' || typeof arg === 'bigint') {
          out.writeUInt8(0, at);
          out.writeBigInt64LE(BigInt.asIntN(64, BigInt(arg)), at + 1);
          at += 9;
        } else {
          out.writeUInt8(1, at);
          const n =
            typeof arg === 'string' ? out.write(arg, at + 5, 'utf8') : (arg.copy(out, at + 5), arg.length);
          out.writeUInt32LE(n, at + 1);
          at += 5 + n;
        }
      }
    }
    return out;
  }
}

function nulJoin(items: string[]): Buffer {
  return Buffer.concat(items.map((s) => Buffer.from(s + '\0', 'utf8')));
}
