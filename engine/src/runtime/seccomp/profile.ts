// Docker's default seccomp profile (docker-default.json, data from moby) expanded for one
// container, as dockerd does: keep the rules whose includes/excludes match the container's
// capabilities, architecture and kernel.
import { release } from 'node:os';
import type { LinuxSeccomp, LinuxSyscall } from '../../oci/runtime-spec';
import dockerDefault from './docker-default.json';

interface ProfileFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

interface ProfileRule extends LinuxSyscall {
  comment?: string;
  includes?: ProfileFilter;
  excludes?: ProfileFilter;
}

/** A seccomp profile in Docker's format (moby's default.json, or one given with --security-opt). */
export interface SeccompProfile {
  defaultAction: LinuxSeccomp['defaultAction'];
  defaultErrnoRet?: number;
  /** The architectures (used when there is no archMap). */
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] | null }[];
  flags?: string[];
  syscalls?: ProfileRule[];
}

/** Node's process.arch to the seccomp architecture and to Go's GOARCH (the profile's arch names). */
const arches: Record<string, { seccomp: string; goarch: string }> = {
  x64: { seccomp: 'SCMP_ARCH_X86_64', goarch: 'amd64' },
  arm64: { seccomp: 'SCMP_ARCH_AARCH64', goarch: 'arm64' },
  arm: { seccomp: 'SCMP_ARCH_ARM', goarch: 'arm' },
  s390x: { seccomp: 'SCMP_ARCH_S390X', goarch: 's390x' },
  ppc64: { seccomp: 'SCMP_ARCH_PPC64LE', goarch: 'ppc64le' },
  riscv64: { seccomp: 'SCMP_ARCH_RISCV64', goarch: 'riscv64' },
  loong64: { seccomp: 'SCMP_ARCH_LOONGARCH64', goarch: 'loong64' },
};

function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (v: string) => v.split(/[.-]/).slice(0, 2).map(Number);
  const [a, b] = parse(kernel);
  const [c, d] = parse(min);
  return a > c || (a === c && b >= d);
}

export interface ProfileTarget {
  /** The container's bounding capabilities (moby checks these). */
  capabilities: string[];
  /** Node's process.arch naming (default: this machine). */
  arch?: string;
  /** Kernel release (default: this machine's). */
  kernel?: string;
}

/** Docker's default profile, as data (the daemon expands it, or a user's profile, per container). */
export const dockerDefaultProfile = dockerDefault as unknown as SeccompProfile;

/** The runtime-spec `linux.seccomp` section Docker would give a container with these capabilities. */
export function dockerDefaultSeccomp(target: ProfileTarget): LinuxSeccomp {
  return expandSeccompProfile(dockerDefaultProfile, target);
}

/** A Docker-format profile expanded for one container, as dockerd does. */
export function expandSeccompProfile(profile: SeccompProfile, target: ProfileTarget): LinuxSeccomp {
  const arch = arches[target.arch ?? process.arch];
  if (!arch)
    throw new Error(`seccomp profiles have no entry for architecture ${target.arch ?? process.arch}`);
  const kernel = target.kernel ?? release();
  const caps = new Set(target.capabilities);

  const architectures: string[] = [];
  for (const entry of profile.archMap ?? []) {
    if (entry.architecture === arch.seccomp)
      architectures.push(entry.architecture, ...(entry.subArchitectures ?? []));
  }
  if (!profile.archMap) architectures.push(...(profile.architectures ?? []));

  const syscalls: LinuxSyscall[] = [];
  for (const rule of profile.syscalls ?? []) {
    const ex = rule.excludes;
    if (ex?.arches?.includes(arch.goarch)) continue;
    if (ex?.caps?.some((c) => caps.has(c))) continue;
    const inc = rule.includes;
    if (inc?.arches && !inc.arches.includes(arch.goarch)) continue;
    if (inc?.caps && !inc.caps.every((c) => caps.has(c))) continue;
    if (inc?.minKernel && !kernelAtLeast(kernel, inc.minKernel)) continue;
    const out: LinuxSyscall = { names: rule.names, action: rule.action };
    if (rule.errnoRet !== undefined) out.errnoRet = rule.errnoRet;
    if (rule.args) out.args = rule.args;
    syscalls.push(out);
  }
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    architectures,
    ...(profile.flags?.length ? { flags: profile.flags } : {}),
    syscalls,
  };
}
