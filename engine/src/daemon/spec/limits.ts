// Which resource limits this berthd can enforce, and dropping the others with one warning per limit,
// as Docker does where a cgroup controller is missing ("… Limitation discarded."): a limit nothing
// enforces is never claimed. Root berthd enforces all; rootless berthd only what the host delegates
// to it (rootless/cgroup-delegation.ts), or nothing.
import type { LinuxResources } from '../../oci/runtime-spec';

export interface CgroupSupport {
  /** The cgroup version containers' cgroups (or the host's, without any) are. */
  version: '1' | '2';
  /** 'none': rootless berthd without a delegated cgroup; containers get no cgroup. */
  driver: 'cgroupfs' | 'none';
  /** The controllers containers get; undefined: every one the daemon uses (berthd as root). */
  controllers?: readonly string[];
  /** Why controllers are missing, with the fix: the warnings quote it. */
  reason?: string;
}

/** Root berthd: the host's cgroups, every controller. */
export function fullSupport(version: '1' | '2'): CgroupSupport {
  return { version, driver: 'cgroupfs' };
}

export function canEnforce(support: CgroupSupport, controller: string): boolean {
  return support.driver !== 'none' && (!support.controllers || support.controllers.includes(controller));
}

interface Limit {
  name: string;
  controller: string;
  present(r: LinuxResources): boolean;
  drop(r: LinuxResources): void;
}

const defined = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

const limits: Limit[] = [
  {
    name: 'Memory limit',
    controller: 'memory',
    present: (r) => Object.values(r.memory ?? {}).some(defined),
    drop: (r) => delete r.memory,
  },
  {
    name: 'CPU CFS quota',
    controller: 'cpu',
    present: (r) => defined(r.cpu?.quota) || defined(r.cpu?.period),
    drop: (r) => {
      delete r.cpu?.quota;
      delete r.cpu?.period;
    },
  },
  {
    name: 'CPU shares',
    controller: 'cpu',
    present: (r) => defined(r.cpu?.shares),
    drop: (r) => delete r.cpu?.shares,
  },
  {
    name: 'Cpuset',
    controller: 'cpuset',
    present: (r) => defined(r.cpu?.cpus) || defined(r.cpu?.mems),
    drop: (r) => {
      delete r.cpu?.cpus;
      delete r.cpu?.mems;
    },
  },
  {
    name: 'PIDs limit',
    controller: 'pids',
    present: (r) => (r.pids?.limit ?? 0) > 0,
    drop: (r) => delete r.pids,
  },
];

/** Removes from `resources` the limits this berthd cannot enforce; one warning per limit dropped. */
export function dropUnenforceable(resources: LinuxResources, support: CgroupSupport): string[] {
  const warnings: string[] = [];
  for (const limit of limits) {
    if (!limit.present(resources) || canEnforce(support, limit.controller)) continue;
    limit.drop(resources);
    const why =
      support.driver === 'none'
        ? `rootless berthd has no cgroup: ${support.reason ?? 'none is delegated to it'}`
        : `the ${limit.controller} controller is not delegated to rootless berthd's cgroup: ${support.reason ?? 'the host does not delegate it'}`;
    warnings.push(`${limit.name} discarded (${why})`);
  }
  if (resources.cpu && !Object.values(resources.cpu).some(defined)) delete resources.cpu;
  return warnings;
}
