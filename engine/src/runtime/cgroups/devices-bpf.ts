// Device rules on cgroup v2: the kernel has no devices.allow there, so the rules become an eBPF
// program (BPF_PROG_TYPE_CGROUP_DEVICE) that answers each open/mknod of a device node.
import type { LinuxDeviceCgroup } from '../../oci/runtime-spec';
import { attachCgroupProgram, BPF_CGROUP_DEVICE, BPF_PROG_TYPE_CGROUP_DEVICE } from '../linux/bpf';

// struct bpf_insn: code, dst:4|src:4, off (s16), imm (s32).
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(code, 0);
  b.writeUInt8((src << 4) | dst, 1);
  b.writeInt16LE(off, 2);
  b.writeInt32LE(imm | 0, 4);
  return b;
}
const LDX_W = 0x61; // dst = *(u32 *)(src + off)
const ALU32_AND_K = 0x54;
const ALU32_RSH_K = 0x74;
const MOV32_X = 0xbc;
const MOV64_K = 0xb7;
const JNE_K = 0x55;
const EXIT = 0x95;

const BPF_DEVCG_DEV_BLOCK = 1;
const BPF_DEVCG_DEV_CHAR = 2;
const accessBits: Record<string, number> = { m: 1, r: 2, w: 4 };

function accessMask(access: string | undefined): number {
  let mask = 0;
  for (const c of access || 'rwm') mask |= accessBits[c] ?? 0;
  return mask;
}

const wildcard = (n: number | null | undefined) => n === undefined || n === null || n < 0;

/**
 * Compiles the rules with cgroup v1's meaning: a rule for every device and access ("a") resets
 * the default; otherwise the last matching rule decides.
 */
export function compileDeviceFilter(rules: LinuxDeviceCgroup[]): Buffer {
  let allowByDefault = true;
  let kept: LinuxDeviceCgroup[] = [];
  for (const rule of rules) {
    const everything =
      (rule.type ?? 'a') === 'a' &&
      wildcard(rule.major) &&
      wildcard(rule.minor) &&
      accessMask(rule.access) === 7;
    if (everything) {
      allowByDefault = rule.allow;
      kept = [];
    } else {
      kept.push(rule);
    }
  }
  const out: Buffer[] = [
    insn(LDX_W, 2, 1, 0, 0), // r2 = access_type
    insn(ALU32_AND_K, 2, 0, 0, 0xffff), // r2 = device type
    insn(LDX_W, 3, 1, 0, 0),
    insn(ALU32_RSH_K, 3, 0, 0, 16), // r3 = requested access
    insn(LDX_W, 4, 1, 4, 0), // r4 = major
    insn(LDX_W, 5, 1, 8, 0), // r5 = minor
  ];
  for (const rule of [...kept].reverse()) {
    const block: Buffer[] = [];
    const checks: ((skip: number) => Buffer[])[] = [];
    const type = rule.type ?? 'a';
    if (type !== 'a') {
      const t = type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
      checks.push((skip) => [insn(JNE_K, 2, 0, skip, t)]);
    }
    const mask = accessMask(rule.access);
    if (mask !== 7) {
      // Requested access must be within the rule's: (r3 & ~mask) == 0.
      checks.push((skip) => [
        insn(MOV32_X, 1, 3, 0, 0),
        insn(ALU32_AND_K, 1, 0, 0, ~mask & 7),
        insn(JNE_K, 1, 0, skip, 0),
      ]);
    }
    if (!wildcard(rule.major)) checks.push((skip) => [insn(JNE_K, 4, 0, skip, rule.major!)]);
    if (!wildcard(rule.minor)) checks.push((skip) => [insn(JNE_K, 5, 0, skip, rule.minor!)]);
    // Lay the checks out so each jump skips to the end of this rule's block.
    const sizes = checks.map((c) => c(0).length);
    let remaining = sizes.reduce((a, b) => a + b, 0) + 2;
    checks.forEach((c, i) => {
      remaining -= sizes[i];
      block.push(...c(remaining));
    });
    block.push(insn(MOV64_K, 0, 0, 0, rule.allow ? 1 : 0), insn(EXIT, 0, 0, 0, 0));
    out.push(...block);
  }
  out.push(insn(MOV64_K, 0, 0, 0, allowByDefault ? 1 : 0), insn(EXIT, 0, 0, 0, 0));
  return Buffer.concat(out);
}

export function attachDeviceFilter(cgroupDir: string, rules: LinuxDeviceCgroup[]): void {
  if (rules.length === 0) return;
  attachCgroupProgram(cgroupDir, BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, compileDeviceFilter(rules));
}
