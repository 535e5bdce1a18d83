// Freezing (pause/resume): freezer.state on v1, cgroup.freeze on v2.
import { readCgroupFile, readKeyValues, writeCgroupFile } from './files';

/** Freezes or thaws; returns once the kernel reports the new state (bounded by `attempts` reads). */
export function setFrozenV1(dir: string, frozen: boolean, attempts = 10000): void {
  const want = frozen ? 'FROZEN' : 'THAWED';
  for (let i = 0; i < attempts; i++) {
    writeCgroupFile(dir, 'freezer.state', want);
    if (readCgroupFile(dir, 'freezer.state') === want) return;
  }
  throw new Error(`cgroup: ${dir} did not reach ${want}: a task may be stuck in uninterruptible sleep`);
}

export function isFrozenV1(dir: string): boolean {
  return readCgroupFile(dir, 'freezer.state') === 'FROZEN';
}

export function setFrozenV2(dir: string, frozen: boolean, attempts = 10000): void {
  writeCgroupFile(dir, 'cgroup.freeze', frozen ? 1 : 0);
  for (let i = 0; i < attempts; i++) {
    if ((readKeyValues(dir, 'cgroup.events').get('frozen') === 1) === frozen) return;
  }
  throw new Error(
    `cgroup: ${dir} did not ${frozen ? 'freeze' : 'thaw'}: a task may be stuck in uninterruptible sleep`,
  );
}

export function isFrozenV2(dir: string): boolean {
  return readKeyValues(dir, 'cgroup.events').get('frozen') === 1;
}
