// Our own seccomp compiler, for hosts without libseccomp: config.json's seccomp section to a
// classic BPF program with the same meaning libseccomp gives it (x86_64, x86 and x32).
//
// Layout: check the architecture, then per architecture one `jeq nr` per syscall followed by its
// block (argument checks, then `ret action`), and `ret default` at the end of the chain.
import type { LinuxSeccomp, LinuxSeccompArg } from '../../oci/runtime-spec';
import { actionValue, argumentGroups, archName } from '../linux/libseccomp';
import syscallTables from './syscalls-x86.json';

const tables = syscallTables as unknown as Record<string, Record<string, number>>;

/** The syscall number of `name` on x86_64, x86 or x32 (x32's include X32_SYSCALL_BIT). */
export function syscallNumber(arch: 'x86_64' | 'x86' | 'x32', name: string): number | undefined {
  return tables[arch][name];
}

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const X32_SYSCALL_BIT = 0x40000000;
const RET_KILL_THREAD = 0;

// struct seccomp_data: nr at 0, arch at 4, instruction pointer at 8, args at 16 (u64 each).
const OFF_NR = 0;
const OFF_ARCH = 4;
const argLow = (i: number) => 16 + 8 * i;
const argHigh = (i: number) => 20 + 8 * i;

const LD_W_ABS = 0x20;
const ALU_AND_K = 0x54;
const JEQ = 0x15;
const JGT = 0x25;
const JGE = 0x35;
const JA = 0x05;
const RET = 0x06;

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const ins = (code: number, k: number, jt = 0, jf = 0): Insn => ({ code, jt, jf, k: k >>> 0 });
const ld = (offset: number) => ins(LD_W_ABS, offset);
const ret = (value: number) => ins(RET, value);

interface CompiledRule {
  action: number;
  args: LinuxSeccompArg[];
}

/**
 * Instructions that fall through when `arg` matches and jump `fail` instructions past their
 * own end when it does not. Values are compared as 64-bit, high word then low word.
 */
function argCheck(arg: LinuxSeccompArg, fail: number): Insn[] {
  const value = BigInt.asUintN(64, BigInt(arg.value));
  const hi = Number(value >> 32n);
  const lo = Number(value & 0xffffffffn);
  const i = arg.index;
  switch (arg.op) {
    case 'SCMP_CMP_EQ':
      return [ld(argHigh(i)), ins(JEQ, hi, 0, fail + 2), ld(argLow(i)), ins(JEQ, lo, 0, fail)];
    case 'SCMP_CMP_NE':
      // Matches unless both words are equal.
      return [ld(argHigh(i)), ins(JEQ, hi, 0, 2), ld(argLow(i)), ins(JEQ, lo, fail, 0)];
    case 'SCMP_CMP_MASKED_EQ': {
      const mask = BigInt.asUintN(64, BigInt(arg.value));
      const want = BigInt.asUintN(64, BigInt(arg.valueTwo ?? 0));
      return [
        ld(argHigh(i)),
        ins(ALU_AND_K, Number(mask >> 32n)),
        ins(JEQ, Number(want >> 32n), 0, fail + 3),
        ld(argLow(i)),
        ins(ALU_AND_K, Number(mask & 0xffffffffn)),
        ins(JEQ, Number(want & 0xffffffffn), 0, fail),
      ];
    }
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE': {
      const low = arg.op === 'SCMP_CMP_GT' ? JGT : JGE;
      // hi > H: match; hi < H (not >=): fail; hi == H: compare low words.
      return [
        ld(argHigh(i)),
        ins(JGT, hi, 3, 0),
        ins(JEQ, hi, 0, fail + 2),
        ld(argLow(i)),
        ins(low, lo, 0, fail),
      ];
    }
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE': {
      // lt: !(>=); le: !(>).
      const low = arg.op === 'SCMP_CMP_LT' ? JGE : JGT;
      return [
        ld(argHigh(i)),
        ins(JGT, hi, fail + 3, 0),
        ins(JEQ, hi, 0, 2),
        ld(argLow(i)),
        ins(low, lo, fail, 0),
      ];
    }
    default:
      throw new Error(`seccomp: unknown operator "${String(arg.op)}"`);
  }
}

/** One syscall's block: its conditional rules in order, then its unconditional action or the default. */
function syscallBlock(rules: CompiledRule[], defaultAction: number): Insn[] {
  const out: Insn[] = [];
  let fallback = defaultAction;
  for (const rule of rules) {
    if (rule.args.length === 0) {
      fallback = rule.action;
      continue;
    }
    // Build the checks back to front so each knows how far its failure jump goes.
    let tail: Insn[] = [ret(rule.action)];
    for (const arg of [...rule.args].reverse()) tail = [...argCheck(arg, tail.length), ...tail];
    out.push(...tail);
  }
  out.push(ret(fallback));
  return out;
}

function chain(byNr: Map<number, CompiledRule[]>, defaultAction: number): Insn[] {
  const out: Insn[] = [];
  for (const [nr, rules] of byNr) {
    const block = syscallBlock(rules, defaultAction);
    if (block.length > 255) throw new Error(`seccomp: the rules for syscall ${nr} are too long to compile`);
    out.push(ins(JEQ, nr, 0, block.length), ...block);
  }
  out.push(ret(defaultAction));
  return out;
}

function rulesFor(
  table: Record<string, number>,
  seccomp: LinuxSeccomp,
  defaultAction: number,
  unknown: Set<string>,
  offset = 0,
): Map<number, CompiledRule[]> {
  const byNr = new Map<number, CompiledRule[]>();
  for (const rule of seccomp.syscalls ?? []) {
    const action = actionValue(rule.action, rule.errnoRet);
    if (action === defaultAction) continue;
    for (const name of rule.names) {
      const nr = table[name];
      if (nr === undefined) {
        unknown.add(name);
        continue;
      }
      for (const args of argumentGroups(rule.args ?? [])) {
        const list = byNr.get(nr + offset) ?? [];
        list.push({ action, args });
        byNr.set(nr + offset, list);
      }
    }
  }
  return byNr;
}

export function compileFilter(seccomp: LinuxSeccomp): { program: Buffer; unknown: string[] } {
  const arches = new Set((seccomp.architectures ?? []).map(archName));
  if (process.arch !== 'x64') {
    throw new Error(
      `seccomp: berth's own compiler covers x86_64 only; install libseccomp (libseccomp2) on ${process.arch}`,
    );
  }
  arches.add('x86_64');
  for (const a of arches) {
    if (!['x86_64', 'x86', 'x32'].includes(a))
      throw new Error(`seccomp: architecture "${a}" needs libseccomp (libseccomp2) installed`);
  }
  const defaultAction = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet);
  const unknownPerArch: Set<string>[] = [];
  const section = (table: string, offset = 0) => {
    const unknown = new Set<string>();
    unknownPerArch.push(unknown);
    return chain(rulesFor(tables[table], seccomp, defaultAction, unknown, offset), defaultAction);
  };

  // x86_64 and x32 share an audit arch; x32 syscall numbers carry X32_SYSCALL_BIT.
  const x64 = section('x86_64');
  const x32 = arches.has('x32') ? section('x32') : [ret(RET_KILL_THREAD)];
  const x64Section = [ld(OFF_NR), ins(JGE, X32_SYSCALL_BIT, 0, 1), ins(JA, x64.length), ...x64, ...x32];
  const i386 = arches.has('x86') ? [ld(OFF_NR), ...section('x86')] : null;

  const program: Insn[] = [ld(OFF_ARCH)];
  if (i386) {
    program.push(ins(JEQ, AUDIT_ARCH_I386, 0, 1), ins(JA, 2 + x64Section.length + 1));
  }
  program.push(ins(JEQ, AUDIT_ARCH_X86_64, 1, 0), ret(RET_KILL_THREAD), ...x64Section);
  if (i386) program.push(ret(RET_KILL_THREAD), ...i386);

  if (program.length > 4096)
    throw new Error(`seccomp: the filter needs ${program.length} instructions; the kernel allows 4096`);
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((p, i) => {
    buf.writeUInt16LE(p.code, i * 8);
    buf.writeUInt8(p.jt, i * 8 + 2);
    buf.writeUInt8(p.jf, i * 8 + 3);
    buf.writeUInt32LE(p.k, i * 8 + 4);
  });
  // A name is unknown only if no architecture knows it.
  const unknown = [...unknownPerArch[0]].filter((n) => unknownPerArch.every((s) => s.has(n)));
  return { program: buf, unknown };
}
