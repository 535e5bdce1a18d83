// A container's cgroup on a unified (v2) host: one directory, controllers enabled from the root down.
import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { LinuxResources } from '../../oci/runtime-spec';
import type { CgroupMountSource } from '../rootfs';
import { applyIoV2 } from './blkio';
import { applyCpuV2 } from './cpu';
import { applyCpusetV2 } from './cpuset';
import { attachDeviceFilter } from './devices-bpf';
import { hasCgroupFile, readCgroupFile, readProcs, writeCgroupFile } from './files';
import { isFrozenV2, setFrozenV2 } from './freezer';
import { applyHugetlbV2 } from './hugetlb';
import { applyMemoryV2, oomKillsV2 } from './memory';
import { applyPids } from './pids';
import type { Cgroup, DeviceRules } from './types';

export class CgroupV2 implements Cgroup {
  readonly version = 2;
  readonly dirs: { unified: string };

  constructor(
    dir: string,
    private readonly mountPoint: string,
    /** A subtree delegated to a rootless runtime (CgroupHost.delegated in index.ts). */
    private readonly delegated?: { controllers: string[] },
  ) {
    this.dirs = { unified: dir };
  }

  private get dir(): string {
    return this.dirs.unified;
  }

  create(): void {
    mkdirSync(this.dir, { recursive: true });
    // Controllers are only available in a cgroup when its parent delegates them: enable them
    // from the mount point down to the container's parent.
    const parts = relative(this.mountPoint, dirname(this.dir)).split('/').filter(Boolean);
    const ancestors = [
      this.mountPoint,
      ...parts.map((_, i) => join(this.mountPoint, ...parts.slice(0, i + 1))),
    ];
    for (const d of ancestors) {
      const available = readCgroupFile(d, 'cgroup.controllers')
        .split(/\s+/)
        .filter((c) => c && (!this.delegated || this.delegated.controllers.includes(c)));
      const enabled = new Set(readCgroupFile(d, 'cgroup.subtree_control').split(/\s+/).filter(Boolean));
      const missing = available.filter((c) => !enabled.has(c));
      if (missing.length) writeCgroupFile(d, 'cgroup.subtree_control', missing.map((c) => `+${c}`).join(' '));
    }
  }

  apply(resources: LinuxResources | undefined, devices?: DeviceRules): void {
    applyMemoryV2(this.dir, resources?.memory);
    applyCpuV2(this.dir, resources?.cpu);
    applyCpusetV2(this.dir, resources?.cpu);
    applyPids(this.dir, resources?.pids);
    applyIoV2(this.dir, resources?.blockIO);
    applyHugetlbV2(this.dir, resources?.hugepageLimits);
    for (const [key, value] of Object.entries(resources?.unified ?? {})) {
      if (key.includes('/') || key.startsWith('.'))
        throw new Error(`linux.resources.unified: "${key}" is not a control file name`);
      writeCgroupFile(this.dir, key, value);
    }
    if (devices && !this.delegated) attachDeviceFilter(this.dir, devices);
  }

  procsFiles(): string[] {
    return [join(this.dir, 'cgroup.procs')];
  }

  mountSource(namespaced: boolean): CgroupMountSource {
    return { version: 2, hostPath: this.dir, namespaced };
  }

  procs(): number[] {
    return readProcs(this.dir);
  }

  oomKills(): number {
    return oomKillsV2(this.dir);
  }

  setFrozen(frozen: boolean): void {
    setFrozenV2(this.dir, frozen);
  }

  isFrozen(): boolean {
    return hasCgroupFile(this.dir, 'cgroup.events') && isFrozenV2(this.dir);
  }

  destroy(): void {
    try {
      rmdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
