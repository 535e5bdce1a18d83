// Cpuset controller: which CPUs and memory nodes the container may use.
import { dirname, join, relative } from 'node:path';
import type { LinuxCPU } from '../../oci/runtime-spec';
import { hasCgroupFile, readCgroupFile, writeCgroupFile } from './files';

const files = ['cpuset.cpus', 'cpuset.mems'] as const;

/**
 * On v1 a new cpuset cgroup starts with empty cpus and mems, and nothing can join it (nor can a
 * child get values) until both are set: fill every empty level from `root` down to `dir` with
 * its parent's values, then apply the spec's.
 */
export function applyCpusetV1(dir: string, root: string, cpu: LinuxCPU | undefined): void {
  const parts = relative(root, dir).split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const level = join(root, ...parts.slice(0, i));
    for (const file of files) {
      if (hasCgroupFile(level, file) && readCgroupFile(level, file) === '') {
        writeCgroupFile(level, file, readCgroupFile(dirname(level), file));
      }
    }
  }
  if (cpu?.cpus) writeCgroupFile(dir, 'cpuset.cpus', cpu.cpus);
  if (cpu?.mems) writeCgroupFile(dir, 'cpuset.mems', cpu.mems);
}

export function applyCpusetV2(dir: string, cpu: LinuxCPU | undefined): void {
  if (cpu?.cpus) writeCgroupFile(dir, 'cpuset.cpus', cpu.cpus);
  if (cpu?.mems) writeCgroupFile(dir, 'cpuset.mems', cpu.mems);
}
