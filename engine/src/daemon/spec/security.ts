// Capabilities, --security-opt and seccomp: Docker's rules for turning the defaults and the
// user's options into the spec's process capabilities, no_new_privs and seccomp filter.
import { release } from 'node:os';
import { invalid } from '../errors';
import { allCapabilities, defaultCapabilities } from './defaults';
import type { LinuxSeccomp, LinuxSyscall } from './oci-runtime';

function normaliseCap(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return upper;
  const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!allCapabilities.includes(cap)) throw invalid(`unknown capability: "${name}"`);
  return cap;
}

/**
 * Docker's order: with ALL in cap-add start from every capability and drop; with ALL in cap-drop
 * start from nothing and add; otherwise drop from the defaults first, then add (an explicit add wins).
 */
export function effectiveCapabilities(capAdd: string[], capDrop: string[], privileged: boolean): string[] {
  if (privileged) return [...allCapabilities];
  const adds = capAdd.map(normaliseCap);
  const drops = capDrop.map(normaliseCap);
  let caps: string[];
  if (adds.includes('ALL')) caps = allCapabilities.filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = adds.filter((c) => c !== 'ALL');
  else {
    caps = defaultCapabilities.filter((c) => !drops.includes(c));
    for (const c of adds) if (!caps.includes(c)) caps.push(c);
  }
  return allCapabilities.filter((c) => caps.includes(c));
}

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** 'default', 'unconfined', or a Docker-format profile given inline (the CLI sends the file's content). */
  seccomp: 'default' | 'unconfined' | DockerSeccompProfile;
  /** `systempaths=unconfined`: no masked or read-only /proc and /sys paths. */
  unmaskSystemPaths: boolean;
}

export function parseSecurityOpts(opts: string[]): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: 'default', unmaskSystemPaths: false };
  for (const opt of opts) {
    const sep = opt.search(/[=:]/);
    const key = sep < 0 ? opt : opt.slice(0, sep);
    const value = sep < 0 ? '' : opt.slice(sep + 1);
    switch (key) {
      case 'no-new-privileges':
        if (!['', 'true', 'false'].includes(value)) {
          throw invalid(
            `invalid --security-opt ${JSON.stringify(opt)}: no-new-privileges takes true or false`,
          );
        }
        out.noNewPrivileges = value !== 'false';
        break;
      case 'seccomp':
        if (value === 'unconfined') out.seccomp = 'unconfined';
        else if (value === '' || value === 'builtin') out.seccomp = 'default';
        else {
          try {
            out.seccomp = JSON.parse(value) as DockerSeccompProfile;
          } catch {
            throw invalid(
              `invalid --security-opt seccomp: expected "unconfined" or a JSON profile (the docker CLI reads the file for you)`,
            );
          }
        }
        break;
      case 'systempaths':
        if (value !== 'unconfined')
          throw invalid(`invalid --security-opt ${JSON.stringify(opt)}: use systempaths=unconfined`);
        out.unmaskSystemPaths = true;
        break;
      // No AppArmor or SELinux on the hosts Berth targets by default: accepted and not applied,
      // as dockerd does when the host has no such LSM.
      case 'apparmor':
      case 'label':
        break;
      default:
        throw invalid(
          `invalid --security-opt ${JSON.stringify(opt)}: supported are no-new-privileges, seccomp, systempaths, apparmor, label`,
        );
    }
  }
  return out;
}

/** Docker's seccomp profile format (moby's profiles/seccomp/default.json). */
export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  flags?: string[];
  syscalls?: {
    name?: string;
    names?: string[];
    action: string;
    errnoRet?: number;
    args?: { index: number; value: number; valueTwo?: number; op: string }[] | null;
    includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
    excludes?: { caps?: string[]; arches?: string[] };
  }[];
}

/** Node's process.arch → the names Docker's profile uses in includes/excludes. */
const dockerArch: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: 'x86',
  s390x: 's390x',
  ppc64: 'ppc64le',
};
const seccompArch: Record<string, string> = {
  x64: 'SCMP_ARCH_X86_64',
  arm64: 'SCMP_ARCH_AARCH64',
  ia32: 'SCMP_ARCH_X86',
  s390x: 'SCMP_ARCH_S390X',
  ppc64: 'SCMP_ARCH_PPC64LE',
};

function kernelAtLeast(min: string, kernel: string): boolean {
  const a = kernel.split(/[.-]/).map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 2; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  return true;
}

/**
 * Turns a Docker-format profile into the spec's seccomp section for this host: the rules whose
 * includes/excludes (capabilities granted, architecture, kernel version) apply, and the host's
 * architectures from archMap.
 */
export function seccompForContainer(
  profile: DockerSeccompProfile,
  caps: string[],
  arch = process.arch,
  kernel = release(),
): LinuxSeccomp {
  const hostArch = dockerArch[arch] ?? arch;
  let architectures = profile.architectures ?? [];
  const mapped = profile.archMap?.find((m) => m.architecture === seccompArch[arch]);
  if (mapped) architectures = [mapped.architecture, ...(mapped.subArchitectures ?? [])];
  const syscalls: LinuxSyscall[] = [];
  for (const rule of profile.syscalls ?? []) {
    const inc = rule.includes ?? {};
    const exc = rule.excludes ?? {};
    if (exc.caps?.some((c) => caps.includes(c))) continue;
    if (exc.arches?.includes(hostArch)) continue;
    if (inc.caps?.length && !inc.caps.every((c) => caps.includes(c))) continue;
    if (inc.arches?.length && !inc.arches.includes(hostArch)) continue;
    if (inc.minKernel && !kernelAtLeast(inc.minKernel, kernel)) continue;
    const names = rule.names ?? (rule.name ? [rule.name] : []);
    if (names.length === 0) continue;
    syscalls.push({
      names,
      action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(rule.args?.length ? { args: rule.args } : {}),
    });
  }
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    architectures,
    ...(profile.flags?.length ? { flags: profile.flags } : {}),
    syscalls,
  };
}
