// No cgroup at all: what a runtime in a user namespace gets where the host delegates no cgroup to
// the user (cgroup v1, or v2 without systemd's delegation; with it, see delegation.ts). The cgroups
// there belong to the host's root; the container runs in its launcher's cgroup, without limits, and
// the runtime finds its processes through its pid namespace instead.
import type { LinuxResources } from '../../oci/runtime-spec';
import type { CgroupMountSource } from '../rootfs';
import type { Cgroup, DeviceRules } from './types';

const why =
  'the runtime runs in a user namespace and the host gives it no cgroup of its own: ' +
  'start rootless berthd in a cgroup v2 cgroup delegated to the user ' +
  '(systemd-run --user --scope -p Delegate=yes berthd, see docs/rootless.md), or run berthd as root';

/** The limits of a spec's linux.resources (the runtime's or the daemon's view of it). */
interface RequestedResources {
  memory?: object;
  cpu?: object;
  pids?: { limit?: number };
  blockIO?: object;
  hugepageLimits?: unknown[];
  unified?: object;
}

/** The resources config.json asks for, by name, for the error that refuses them. */
export function requestedResources(resources: RequestedResources | undefined): string[] {
  if (!resources) return [];
  const names: string[] = [];
  if (resources.memory && Object.values(resources.memory).some((v) => v !== undefined && v !== null))
    names.push('memory');
  if (resources.cpu && Object.values(resources.cpu).some((v) => v !== undefined && v !== null && v !== ''))
    names.push('cpu');
  if (resources.pids?.limit !== undefined && resources.pids.limit > 0) names.push('pids');
  if (resources.blockIO && Object.keys(resources.blockIO).length) names.push('blockIO');
  if (resources.hugepageLimits?.length) names.push('hugepageLimits');
  if (resources.unified && Object.keys(resources.unified).length) names.push('unified');
  return names;
}

export class NoCgroup implements Cgroup {
  readonly version = 1;
  readonly dirs = {};

  create(): void {}

  apply(resources: LinuxResources | undefined, _devices: DeviceRules): void {
    const names = requestedResources(resources);
    if (names.length) {
      throw new Error(
        `linux.resources.${names.join(', linux.resources.')} cannot be applied: ${why}; remove the limits to run without them`,
      );
    }
  }

  procsFiles(): string[] {
    return [];
  }

  mountSource(): CgroupMountSource {
    // An empty (read-only) tmpfs at /sys/fs/cgroup: nothing of the host's cgroups shows.
    return { version: 1, hierarchies: [] };
  }

  procs(): number[] {
    return [];
  }

  oomKills(): number {
    return 0;
  }

  setFrozen(): void {
    throw new Error(`pause and unpause need the freezer cgroup, which is unavailable: ${why}`);
  }

  isFrozen(): boolean {
    return false;
  }

  destroy(): void {}
}
