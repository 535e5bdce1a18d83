// Whether the cgroup v2 cgroup this process runs in is delegated to it: the way a normal user gets
// cgroups (systemd's Delegate=yes hands the user a subtree, chowning the directory and its
// cgroup.procs, cgroup.subtree_control and cgroup.threads). findDelegatedCgroup is pure: the caller
// passes the text of /proc/self/cgroup and /proc/self/mountinfo and a view of the files, so tests
// feed fixtures; findOwnDelegatedCgroup asks it about this process on this host.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, posix } from 'node:path';
import { parseCgroupMounts, parseProcCgroup } from './layout';

/** The files the check looks at (the host's: hostDelegationFiles). */
export interface DelegationFiles {
  /** The owner's uid, or undefined when the path does not exist. */
  owner(path: string): number | undefined;
  /** The file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
}

export interface DelegatedCgroup {
  /** The cgroup, as /proc/self/cgroup names it (e.g. /user.slice/user-1000.slice/…/berthd.scope). */
  path: string;
  /** Its directory on this host (under the cgroup2 mount). */
  dir: string;
  /** The controllers its parent gives it (cgroup.controllers): what it can enable for containers. */
  controllers: string[];
}

export type DelegationCheck = { delegated: DelegatedCgroup } | { delegated?: undefined; reason: string };

/** The leaf berthd moves itself to: a v2 cgroup that enables controllers may hold no processes. */
export const daemonLeaf = 'berthd';

/** The control files systemd's delegation chowns besides the directory (cgroup.threads is optional). */
const delegatedFiles = ['cgroup.procs', 'cgroup.subtree_control'];

export function findDelegatedCgroup(input: {
  procCgroup: string;
  mountinfo: string;
  uid: number;
  files: DelegationFiles;
}): DelegationCheck {
  let unified;
  try {
    unified = parseCgroupMounts(input.mountinfo).unified;
  } catch (err) {
    return { reason: (err as Error).message };
  }
  if (!unified)
    return {
      reason:
        'this host mounts only cgroup v1, which cannot be delegated to a user: boot it with cgroup v2 ' +
        '(systemd.unified_cgroup_hierarchy=1 on the kernel command line) and delegate a cgroup to the user (docs/rootless.md)',
    };
  const own = parseProcCgroup(input.procCgroup).get('');
  const where =
    unified.mountPoint === '/sys/fs/cgroup' ? 'cgroup v2' : `the cgroup v2 tree at ${unified.mountPoint}`;
  if (own === undefined)
    return { reason: `this process is in no cgroup of ${where} (no 0:: line in /proc/self/cgroup)` };
  const rel = posix.relative(unified.root, own);
  if (rel.startsWith('..'))
    return {
      reason: `this process's cgroup ${own} is outside ${where} as mounted here (its root is ${unified.root})`,
    };
  const owned = (dir: string): boolean =>
    input.files.owner(dir) === input.uid &&
    delegatedFiles.every((f) => input.files.owner(posix.join(dir, f)) === input.uid);
  let dir = posix.join(unified.mountPoint, rel);
  let path = own;
  // An earlier berthd moved itself (and the user namespace's keeper) to the leaf: delegated is its parent.
  if (basename(dir) === daemonLeaf && owned(dirname(dir))) {
    dir = dirname(dir);
    path = posix.dirname(path);
  }
  // The root cgroup is the host's, whoever owns its files.
  if (dir === unified.mountPoint || !owned(dir)) {
    return {
      reason:
        `this process's cgroup ${path} in ${where} is not delegated to the user (it and its cgroup.procs and ` +
        "cgroup.subtree_control are not the user's): start berthd in a delegated cgroup, e.g. " +
        '`systemd-run --user --scope -p Delegate=yes berthd` with Delegate=yes for user@.service (docs/rootless.md)',
    };
  }
  const controllers = (input.files.read(posix.join(dir, 'cgroup.controllers')) ?? '')
    .split(/\s+/)
    .filter(Boolean);
  return { delegated: { path, dir, controllers } };
}

export const hostDelegationFiles: DelegationFiles = {
  owner(path) {
    try {
      return statSync(path).uid;
    } catch {
      return undefined;
    }
  },
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** findDelegatedCgroup for this process, as `uid`, on this host. */
export function findOwnDelegatedCgroup(uid: number): DelegationCheck {
  return findDelegatedCgroup({
    procCgroup: readFileSync('/proc/self/cgroup', 'utf8'),
    mountinfo: readFileSync('/proc/self/mountinfo', 'utf8'),
    uid,
    files: hostDelegationFiles,
  });
}
