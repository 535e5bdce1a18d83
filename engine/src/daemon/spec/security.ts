// Capabilities and --security-opt: Docker's rules for turning the defaults and the user's options
// into the spec's process capabilities, no_new_privs and seccomp choice (profiles are expanded by
// the runtime's seccomp module).
import { invalid } from '../errors';
import { dockerDefaultCapabilities } from '../../oci/docker-defaults';
import { capabilityNames } from '../../runtime/capabilities';

const allCapabilities: readonly string[] = capabilityNames;
import type { SeccompProfile } from '../../runtime/seccomp/profile';

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
    caps = dockerDefaultCapabilities.filter((c) => !drops.includes(c));
    for (const c of adds) if (!caps.includes(c)) caps.push(c);
  }
  return allCapabilities.filter((c) => caps.includes(c));
}

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** 'default', 'unconfined', or a Docker-format profile given inline (the CLI sends the file's content). */
  seccomp: 'default' | 'unconfined' | SeccompProfile;
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
            out.seccomp = JSON.parse(value) as SeccompProfile;
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
