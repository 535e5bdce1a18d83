// libseccomp through koffi: compiles a runtime-spec seccomp section into the BPF program the
// kernel loads (seccomp_export_bpf). Nothing is loaded here: berth-init loads the program.
import { fstatSync, readSync } from 'node:fs';
import type { LinuxSeccomp } from '../../oci/runtime-spec';
import { check, ErrnoError, ffi, lastErrno, libc } from './libc';

type Fn = (...args: unknown[]) => unknown;

interface Libseccomp {
  init: Fn;
  release: Fn;
  archAdd: Fn;
  archResolveName: Fn;
  attrSet: Fn;
  resolveName: Fn;
  ruleAddArray: Fn;
  exportBpf: Fn;
}

let loaded: Libseccomp | null | undefined;

/** libseccomp.so.2, or null when it is not installed (then seccomp/bpf.ts compiles instead). */
export function libseccomp(): Libseccomp | null {
  if (loaded !== undefined) return loaded;
  try {
    const lib = ffi().load('libseccomp.so.2');
    ffi().struct('scmp_arg_cmp', {
      arg: 'uint32_t',
      op: 'uint32_t',
      datum_a: 'uint64_t',
      datum_b: 'uint64_t',
    });
    loaded = {
      init: lib.func('void *seccomp_init(uint32_t def_action)'),
      release: lib.func('void seccomp_release(void *ctx)'),
      archAdd: lib.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
      archResolveName: lib.func('uint32_t seccomp_arch_resolve_name(const char *name)'),
      attrSet: lib.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
      resolveName: lib.func('int seccomp_syscall_resolve_name(const char *name)'),
      ruleAddArray: lib.func(
        'int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const scmp_arg_cmp *args)',
      ),
      exportBpf: lib.func('int seccomp_export_bpf(void *ctx, int fd)'),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}

const memfdCreate = libc.func('int memfd_create(const char *name, unsigned int flags)');
const closeFd = libc.func('int close(int fd)');

export const actions: Record<string, number> = {
  SCMP_ACT_KILL: 0x00000000,
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO: 0x00050000,
  SCMP_ACT_TRACE: 0x7ff00000,
  SCMP_ACT_LOG: 0x7ffc0000,
  SCMP_ACT_ALLOW: 0x7fff0000,
};

export const operators: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** The action word for a spec action, with its errno (ERRNO) or message (TRACE). */
export function actionValue(action: string, ret: number | undefined, errnoDefault = 1): number {
  const base = actions[action];
  if (base === undefined) {
    if (action === 'SCMP_ACT_NOTIFY') {
      throw new Error('seccomp: SCMP_ACT_NOTIFY (user notification) is not supported by berth-runtime yet');
    }
    throw new Error(`seccomp: unknown action "${action}" (use one of ${Object.keys(actions).join(', ')})`);
  }
  if (action === 'SCMP_ACT_ERRNO') return (base | ((ret ?? errnoDefault) & 0xffff)) >>> 0;
  if (action === 'SCMP_ACT_TRACE') return (base | ((ret ?? 0) & 0xffff)) >>> 0;
  return base >>> 0;
}

const SCMP_FLTATR_CTL_NNP = 3;

/** libseccomp's architecture names: SCMP_ARCH_X86_64 -> "x86_64". */
export function archName(specArch: string): string {
  return specArch.replace(/^SCMP_ARCH_/, '').toLowerCase();
}

export interface CompiledFilter {
  program: Buffer;
  /** Syscall names this libseccomp does not know (skipped, as runc does). */
  unknown: string[];
}

export function compileWithLibseccomp(lib: Libseccomp, seccomp: LinuxSeccomp): CompiledFilter {
  const defaultAction = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet);
  const ctx = lib.init(defaultAction);
  if (!ctx) throw new ErrnoError('seccomp_init', seccomp.defaultAction, lastErrno() || 22);
  const unknown: string[] = [];
  let fd = -1;
  try {
    // Do not let libseccomp touch no_new_privs; berth-init sets it per config.json.
    check('seccomp_attr_set', 'SCMP_FLTATR_CTL_NNP', lib.attrSet(ctx, SCMP_FLTATR_CTL_NNP, 0) as number);
    for (const arch of seccomp.architectures ?? []) {
      const token = lib.archResolveName(archName(arch)) as number;
      if (!token) throw new Error(`seccomp: unknown architecture "${arch}"`);
      const rc = lib.archAdd(ctx, token) as number;
      if (rc < 0 && rc !== -17 /* EEXIST: the native one */)
        throw new ErrnoError('seccomp_arch_add', arch, -rc);
    }
    for (const rule of seccomp.syscalls ?? []) {
      const action = actionValue(rule.action, rule.errnoRet);
      if (action === defaultAction) continue; // libseccomp refuses rules that repeat the default
      for (const name of rule.names) {
        const nr = lib.resolveName(name) as number;
        if (nr === -1) {
          unknown.push(name);
          continue;
        }
        for (const args of argumentGroups(rule.args ?? [])) {
          const cmp = args.map((a) => ({
            arg: a.index,
            op: operators[a.op] ?? badOperator(a.op),
            datum_a: BigInt(a.value),
            datum_b: BigInt(a.valueTwo ?? 0),
          }));
          const rc = lib.ruleAddArray(ctx, action, nr, cmp.length, cmp.length ? cmp : null) as number;
          if (rc < 0) throw new ErrnoError('seccomp_rule_add', `${name}, ${rule.action}`, -rc);
        }
      }
    }
    fd = check('memfd_create', '"seccomp"', memfdCreate('seccomp', 1 /* MFD_CLOEXEC */) as number);
    const rc = lib.exportBpf(ctx, fd) as number;
    if (rc < 0) throw new ErrnoError('seccomp_export_bpf', String(fd), -rc);
    const size = fstatSync(fd).size;
    const program = Buffer.alloc(size);
    readSync(fd, program, 0, size, 0);
    return { program, unknown };
  } finally {
    if (fd >= 0) closeFd(fd);
    lib.release(ctx);
  }
}

function badOperator(op: string): never {
  throw new Error(`seccomp: unknown operator "${op}" (use one of ${Object.keys(operators).join(', ')})`);
}

/**
 * The spec's args become one rule when their indexes differ (all must match), or one rule per
 * arg when an index repeats (any may match): the convention runc and crun follow.
 */
export function argumentGroups<T extends { index: number }>(args: T[]): T[][] {
  if (args.length === 0) return [[]];
  const indexes = new Set(args.map((a) => a.index));
  return indexes.size === args.length ? [args] : args.map((a) => [a]);
}
