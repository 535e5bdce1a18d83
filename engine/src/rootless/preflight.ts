// Whether this host lets an unprivileged user create user namespaces, and if not, the error that
// names the fix. The sysctls are read first (cheap and certain); Ubuntu's AppArmor restriction lets
// unshare() succeed and then denies the capabilities it should give, so it is confirmed by a probe
// (berth-userns --probe mounts a tmpfs in a fresh namespace).
import { readFileSync } from 'node:fs';

export interface UserNamespaceSysctls {
  /** user.max_user_namespaces (0 disables user namespaces for everyone but root). */
  maxUserNamespaces?: number;
  /** kernel.unprivileged_userns_clone (Debian's and Arch's patch; 0 = root only). */
  unprivilegedUsernsClone?: number;
  /** kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+; 1 = confined by AppArmor). */
  apparmorRestrict?: number;
}

export function readUserNamespaceSysctls(proc = '/proc/sys'): UserNamespaceSysctls {
  const read = (path: string): number | undefined => {
    try {
      const n = Number(readFileSync(`${proc}/${path}`, 'utf8').trim());
      return Number.isInteger(n) ? n : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    maxUserNamespaces: read('user/max_user_namespaces'),
    unprivilegedUsernsClone: read('kernel/unprivileged_userns_clone'),
    apparmorRestrict: read('kernel/apparmor_restrict_unprivileged_userns'),
  };
}

const orRoot = 'or run berthd as root (sudo)';

/** The reason user namespaces cannot work here that the sysctls already prove, or undefined. */
export function sysctlBlocker(s: UserNamespaceSysctls): string | undefined {
  if (s.maxUserNamespaces === 0) {
    return (
      'user namespaces are disabled on this host (user.max_user_namespaces = 0), and Berth needs ' +
      'them to run containers without root. Enable them as root: `sysctl -w user.max_user_namespaces=28633` ' +
      `(put user.max_user_namespaces=28633 in /etc/sysctl.d/99-berth.conf to keep it), ${orRoot}`
    );
  }
  if (s.unprivilegedUsernsClone === 0) {
    return (
      'this kernel allows user namespaces to root only (kernel.unprivileged_userns_clone = 0), and Berth ' +
      'needs them to run containers without root. Allow them as root: `sysctl -w kernel.unprivileged_userns_clone=1` ' +
      `(put kernel.unprivileged_userns_clone=1 in /etc/sysctl.d/99-berth.conf to keep it), ${orRoot}`
    );
  }
  return undefined;
}

/** An AppArmor profile that lets berth-userns create user namespaces (Ubuntu 23.10+). */
export function apparmorProfile(helperPath: string): string {
  return [
    'abi <abi/4.0>,',
    'include <tunables/global>',
    `profile berth-userns ${helperPath} flags=(unconfined) {`,
    '  userns,',
    '}',
  ].join('\n');
}

/** The error for a failed probe (berth-userns's own message in `detail`), naming the fix. */
export function probeFailure(s: UserNamespaceSysctls, helperPath: string, detail: string): string {
  if (s.apparmorRestrict === 1) {
    return (
      'AppArmor blocks unprivileged user namespaces on this host (kernel.apparmor_restrict_unprivileged_userns = 1, ' +
      `as on Ubuntu 23.10 and later): ${detail.trim()}. Allow them for Berth's helper with this profile in ` +
      `/etc/apparmor.d/berth-userns, then \`apparmor_parser -r /etc/apparmor.d/berth-userns\` as root:\n\n` +
      `${apparmorProfile(helperPath)}\n\nor for every program: \`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0\`; ${orRoot}`
    );
  }
  return (
    `cannot create a user namespace here: ${detail.trim()}. Unprivileged user namespaces are blocked ` +
    '(a seccomp filter of the container or sandbox VS Code runs in, or a security module, can do this): ' +
    `allow them for this user, ${orRoot}`
  );
}
