// Which namespaces a container gets, new or joined, and in which order the init enters them.
import type { LinuxNamespace, NamespaceType, Spec } from '../oci/runtime-spec';
import { CLONE } from './linux/constants';

export const namespaceFlags: Record<NamespaceType, number> = {
  pid: CLONE.NEWPID,
  network: CLONE.NEWNET,
  mount: CLONE.NEWNS,
  ipc: CLONE.NEWIPC,
  uts: CLONE.NEWUTS,
  user: CLONE.NEWUSER,
  cgroup: CLONE.NEWCGROUP,
  time: CLONE.NEWTIME,
};

/** The /proc/<pid>/ns/<name> file of each type. */
export const namespaceProcName: Record<NamespaceType, string> = {
  pid: 'pid',
  network: 'net',
  mount: 'mnt',
  ipc: 'ipc',
  uts: 'uts',
  user: 'user',
  cgroup: 'cgroup',
  time: 'time',
};

export interface NamespacePlan {
  /** Types the container has at all (new or joined). */
  has: Set<NamespaceType>;
  /** Types to create, keyed to nothing; user, pid and time are created before the fork. */
  create: Set<NamespaceType>;
  /** Types to join, with the path of the namespace file. */
  join: Map<NamespaceType, string>;
}

export function planNamespaces(spec: Spec): NamespacePlan {
  const plan: NamespacePlan = { has: new Set(), create: new Set(), join: new Map() };
  for (const ns of spec.linux?.namespaces ?? ([] as LinuxNamespace[])) {
    if (!(ns.type in namespaceFlags)) {
      throw new Error(
        `linux.namespaces: unknown type "${ns.type}" (use ${Object.keys(namespaceFlags).join(', ')})`,
      );
    }
    if (plan.has.has(ns.type)) throw new Error(`linux.namespaces: "${ns.type}" is listed twice`);
    plan.has.add(ns.type);
    if (ns.path) plan.join.set(ns.type, ns.path);
    else plan.create.add(ns.type);
  }
  if (plan.has.has('user') && !plan.join.has('user')) {
    if (!spec.linux?.uidMappings?.length || !spec.linux?.gidMappings?.length) {
      throw new Error('a new user namespace needs linux.uidMappings and linux.gidMappings');
    }
  }
  if (spec.hostname && !plan.create.has('uts')) {
    throw new Error(
      'process hostname is set but the container has no new uts namespace: add {"type": "uts"} to linux.namespaces',
    );
  }
  return plan;
}

/**
 * Flags for the unshare() the container's first process makes right after the fork: all but
 * user, pid and time (made before the fork) and cgroup (made once the process is in its cgroup,
 * which becomes the namespace's root).
 */
export function unshareFlags(plan: NamespacePlan): number {
  let flags = 0;
  for (const type of plan.create) {
    if (type !== 'user' && type !== 'pid' && type !== 'time' && type !== 'cgroup')
      flags |= namespaceFlags[type];
  }
  return flags;
}
