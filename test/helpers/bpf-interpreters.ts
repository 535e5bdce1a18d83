// Tiny interpreters for the BPF programs the runtime generates, so unit tests can check what a
// filter decides without loading it into a kernel.

/** Runs a classic BPF seccomp filter (struct sock_filter[]) on a seccomp_data. */
export function runSeccompFilter(
  program: Buffer,
  data: { nr: number; arch: number; args?: bigint[] },
): number {
  const mem = Buffer.alloc(64);
  mem.writeInt32LE(data.nr, 0);
  mem.writeUInt32LE(data.arch, 4);
  (data.args ?? []).forEach((a, i) => mem.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
  let acc = 0;
  let x = 0;
  for (let pc = 0, steps = 0; pc < program.length / 8 && steps < 100000; steps++) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    pc++;
    switch (code) {
      case 0x20: // ld [k]
        acc = mem.readUInt32LE(k);
        break;
      case 0x54: // and #k
        acc = (acc & k) >>> 0;
        break;
      case 0x05: // ja
        pc += k;
        break;
      case 0x15: // jeq
        pc += acc === k ? jt : jf;
        break;
      case 0x25: // jgt
        pc += acc > k ? jt : jf;
        break;
      case 0x35: // jge
        pc += acc >= k ? jt : jf;
        break;
      case 0x45: // jset
        pc += (acc & k) !== 0 ? jt : jf;
        break;
      case 0x06: // ret #k
        return k;
      case 0x16: // ret a
        return acc;
      case 0x00: // ld #k (libseccomp uses it)
        acc = k;
        break;
      case 0x07: // tax
        x = acc;
        break;
      case 0x87: // txa
        acc = x;
        break;
      case 0x01: // ldx #k
        x = k;
        break;
      case 0x61: // ldx [k]... (mem) — not produced by our compilers
      default:
        throw new Error(`unsupported classic BPF instruction 0x${code.toString(16)} at ${pc - 1}`);
    }
  }
  throw new Error('filter ran off its end');
}

/** Runs a BPF_PROG_TYPE_CGROUP_DEVICE program (the subset devices-bpf.ts emits). */
export function runDeviceProgram(
  program: Buffer,
  dev: { type: 'b' | 'c'; access: 'm' | 'r' | 'w' | 'rw'; major: number; minor: number },
): number {
  const access = [...dev.access].reduce((a, c) => a | ({ m: 1, r: 2, w: 4 } as Record<string, number>)[c], 0);
  const ctx = Buffer.alloc(12);
  ctx.writeUInt32LE(((access << 16) | (dev.type === 'b' ? 1 : 2)) >>> 0, 0);
  ctx.writeUInt32LE(dev.major, 4);
  ctx.writeUInt32LE(dev.minor, 8);
  const r = new Array<bigint>(11).fill(0n);
  for (let pc = 0, steps = 0; pc < program.length / 8 && steps < 10000; steps++) {
    const code = program.readUInt8(pc * 8);
    const regs = program.readUInt8(pc * 8 + 1);
    const dst = regs & 0xf;
    const src = regs >> 4;
    const off = program.readInt16LE(pc * 8 + 2);
    const imm = program.readInt32LE(pc * 8 + 4);
    pc++;
    switch (code) {
      case 0x61: // ldx w
        r[dst] = BigInt(ctx.readUInt32LE(off));
        break;
      case 0x54: // and32 imm
        r[dst] = BigInt((Number(r[dst] & 0xffffffffn) & imm) >>> 0);
        break;
      case 0x74: // rsh32 imm
        r[dst] = BigInt(Number(r[dst] & 0xffffffffn) >>> imm);
        break;
      case 0xbc: // mov32 reg
        r[dst] = r[src] & 0xffffffffn;
        break;
      case 0xb7: // mov64 imm
        r[dst] = BigInt(imm);
        break;
      case 0x55: // jne imm
        if (r[dst] !== BigInt.asUintN(64, BigInt(imm))) pc += off;
        break;
      case 0x95:
        return Number(r[0]);
      default:
        throw new Error(`unsupported eBPF instruction 0x${code.toString(16)}`);
    }
  }
  throw new Error('program ran off its end');
}
