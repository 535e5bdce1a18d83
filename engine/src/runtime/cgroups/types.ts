import type { LinuxDeviceCgroup, LinuxResources } from '../../oci/runtime-spec';
import type { CgroupMountSource } from '../rootfs';

/** The container's cgroup directory per hierarchy name (v2: just "unified"). */
export type CgroupDirs = Record<string, string>;

export type DeviceRules = LinuxDeviceCgroup[];

/** A container's cgroup, whatever the host's cgroup version. */
export interface Cgroup {
  readonly version: 1 | 2;
  readonly dirs: CgroupDirs;
  /** Makes the directories (and, on v1, gives cpuset its cpus/mems). */
  create(): void;
  /** Writes config.json's limits and the device rules (none: left as they are, for an update). */
  apply(resources: LinuxResources | undefined, devices?: DeviceRules): void;
  /** The cgroup.procs file of each directory (the init's supervisor writes the pid there). */
  procsFiles(): string[];
  /** What to mount at /sys/fs/cgroup inside the container. */
  mountSource(namespaced: boolean): CgroupMountSource;
  procs(): number[];
  /** Processes the kernel OOM-killed in this cgroup so far. */
  oomKills(): number;
  setFrozen(frozen: boolean): void;
  isFrozen(): boolean;
  /** Removes the directories; they must be empty of processes. */
  destroy(): void;
}
