// A container's cgroup on this host, whatever its layout (v1, v2, or hybrid like this VM: v1
// controllers plus a cgroup2 mount holding only hugetlb).
import { readFileSync } from 'node:fs';
import type { CgroupLayout } from './layout';
import { checkCgroupsPath, hostCgroupDir, parseCgroupMounts, parseProcCgroup } from './layout';
import type { Cgroup, CgroupDirs } from './types';
import { NoCgroup } from './none';
import { CgroupV1 } from './v1';
import { CgroupV2 } from './v2';

export type { Cgroup, CgroupDirs, DeviceRules } from './types';
export { CgroupError } from './files';
export { effectiveDeviceRules } from './devices';

export interface CgroupHost {
  layout: CgroupLayout;
  /** The runtime's own cgroup per hierarchy (for relative cgroupsPath). */
  own: Map<string, string>;
  /**
   * A cgroup v2 subtree delegated to a rootless runtime (rootless/cgroup-delegation.ts): the layout's
   * mount point is the delegated directory. Only `controllers` may be enabled there, and no device
   * filter is attached (attaching a BPF program needs privileges of the host's user namespace; the
   * user namespace already keeps the container from making device nodes).
   */
  delegated?: { controllers: string[] };
}

/** Reads this host's cgroup mounts and our own cgroup (override the files for tests). */
export function readCgroupHost(
  mountinfo = '/proc/self/mountinfo',
  procCgroup = '/proc/self/cgroup',
): CgroupHost {
  return {
    layout: parseCgroupMounts(readFileSync(mountinfo, 'utf8')),
    own: parseProcCgroup(readFileSync(procCgroup, 'utf8')),
  };
}

/** No cgroups: for a runtime in a user namespace that the host delegates none to (none.ts). */
export function noCgroupHost(): CgroupHost {
  return { layout: { mode: 'none', v1: [] }, own: new Map() };
}

/** The container's cgroup for `cgroupsPath` (default /berth/<id>), not yet created. */
export function containerCgroup(host: CgroupHost, cgroupsPath: string): Cgroup {
  checkCgroupsPath(cgroupsPath);
  const { layout, own } = host;
  if (layout.mode === 'none') return new NoCgroup();
  if (layout.mode === 'v2') {
    const unified = layout.unified!;
    return new CgroupV2(hostCgroupDir(unified, cgroupsPath, own), unified.mountPoint, host.delegated);
  }
  const dirs: CgroupDirs = {};
  const roots: Record<string, string> = {};
  for (const h of layout.v1) {
    dirs[h.name] = hostCgroupDir(h, cgroupsPath, own);
    for (const c of h.controllers) roots[c] = h.mountPoint;
  }
  if (layout.unified) dirs.unified = hostCgroupDir(layout.unified, cgroupsPath, own);
  return new CgroupV1(dirs, roots);
}

/** Rebuilds a container's cgroup from the directories saved in its state. */
export function cgroupFromDirs(version: 1 | 2, dirs: CgroupDirs, host: CgroupHost): Cgroup {
  if (Object.keys(dirs).length === 0) return new NoCgroup();
  if (version === 2)
    return new CgroupV2(dirs.unified, host.layout.unified?.mountPoint ?? '/sys/fs/cgroup', host.delegated);
  const roots: Record<string, string> = {};
  for (const h of host.layout.v1) for (const c of h.controllers) roots[c] = h.mountPoint;
  return new CgroupV1(dirs, roots);
}
