// A container's cgroup on a v1 (or hybrid) host: one directory per hierarchy.
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LinuxResources } from '../../oci/runtime-spec';
import type { CgroupMountSource } from '../rootfs';
import { applyBlkioV1 } from './blkio';
import { applyCpuV1 } from './cpu';
import { applyCpusetV1 } from './cpuset';
import { applyDevicesV1 } from './devices';
import { readProcs, writeCgroupFile } from './files';
import { isFrozenV1, setFrozenV1 } from './freezer';
import { applyHugetlbV1, applyHugetlbV2 } from './hugetlb';
import { applyMemoryV1, oomKillsV1 } from './memory';
import { applyPids } from './pids';
import type { Cgroup, CgroupDirs, DeviceRules } from './types';

export class CgroupV1 implements Cgroup {
  readonly version = 1;

  /**
   * @param dirs the container's directory in each hierarchy, keyed by hierarchy name ("memory",
   *   "cpu,cpuacct", "systemd"), plus "unified" on hybrid hosts
   * @param roots each hierarchy's mount point, so cpuset can inherit from the nearest ancestor
   */
  constructor(
    readonly dirs: CgroupDirs,
    private readonly roots: Record<string, string>,
  ) {}

  private dir(controller: string): string | undefined {
    for (const [name, dir] of Object.entries(this.dirs)) {
      if (name.split(',').includes(controller)) return dir;
    }
    return undefined;
  }

  create(): void {
    for (const dir of Object.values(this.dirs)) mkdirSync(dir, { recursive: true });
    const cpuset = this.dir('cpuset');
    if (cpuset) applyCpusetV1(cpuset, this.roots.cpuset ?? '/', undefined);
  }

  apply(resources: LinuxResources | undefined, devices?: DeviceRules): void {
    const need = (controller: string, what: string): string => {
      const dir = this.dir(controller);
      if (!dir) throw new Error(`${what} is set but the ${controller} cgroup controller is not mounted`);
      return dir;
    };
    if (resources?.memory) applyMemoryV1(need('memory', 'linux.resources.memory'), resources.memory);
    if (resources?.cpu) {
      applyCpuV1(need('cpu', 'linux.resources.cpu'), resources.cpu);
      if (resources.cpu.cpus || resources.cpu.mems) {
        applyCpusetV1(need('cpuset', 'linux.resources.cpu.cpus'), this.roots.cpuset ?? '/', resources.cpu);
      }
    }
    if (resources?.pids) applyPids(need('pids', 'linux.resources.pids'), resources.pids);
    if (resources?.blockIO) applyBlkioV1(need('blkio', 'linux.resources.blockIO'), resources.blockIO);
    if (resources?.hugepageLimits?.length) {
      const dir = this.dir('hugetlb');
      if (dir) applyHugetlbV1(dir, resources.hugepageLimits);
      else if (this.dirs.unified) applyHugetlbV2(this.dirs.unified, resources.hugepageLimits);
      else throw new Error('linux.resources.hugepageLimits is set but the hugetlb controller is not mounted');
    }
    if (resources?.network?.classID !== undefined) {
      writeCgroupFile(
        need('net_cls', 'linux.resources.network.classID'),
        'net_cls.classid',
        resources.network.classID,
      );
    }
    for (const p of resources?.network?.priorities ?? []) {
      writeCgroupFile(
        need('net_prio', 'linux.resources.network.priorities'),
        'net_prio.ifpriomap',
        `${p.name} ${p.priority}`,
      );
    }
    if (resources?.unified && Object.keys(resources.unified).length) {
      throw new Error('linux.resources.unified needs a cgroup v2 host; this host uses cgroup v1');
    }
    const devicesDir = this.dir('devices');
    if (devicesDir && devices) applyDevicesV1(devicesDir, devices);
  }

  procsFiles(): string[] {
    return Object.values(this.dirs).map((dir) => join(dir, 'cgroup.procs'));
  }

  mountSource(): CgroupMountSource {
    return {
      version: 1,
      hierarchies: Object.entries(this.dirs)
        .filter(([name]) => name !== 'unified')
        .map(([name, hostPath]) => ({ name, hostPath })),
    };
  }

  procs(): number[] {
    const dir = this.dir('pids') ?? this.dir('memory') ?? Object.values(this.dirs)[0];
    return dir ? readProcs(dir) : [];
  }

  oomKills(): number {
    const dir = this.dir('memory');
    return dir ? oomKillsV1(dir) : 0;
  }

  setFrozen(frozen: boolean): void {
    const dir = this.dir('freezer');
    if (!dir) throw new Error('pause/resume need the freezer cgroup controller, which is not mounted');
    setFrozenV1(dir, frozen);
  }

  isFrozen(): boolean {
    const dir = this.dir('freezer');
    return dir ? isFrozenV1(dir) : false;
  }

  destroy(): void {
    for (const dir of Object.values(this.dirs)) {
      try {
        rmdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}
