// Memory controller: limit, reservation, swap, swappiness, OOM killer; and OOM-kill counts.
import type { LinuxMemory } from '../../oci/runtime-spec';
import { hasCgroupFile, readCgroupFile, readKeyValues, writeCgroupFile } from './files';

const unlimited = (n: number) => n < 0;

export function applyMemoryV1(dir: string, memory: LinuxMemory | undefined): void {
  if (!memory) return;
  const setLimit = memory.limit !== undefined && memory.limit !== 0;
  const setSwap = memory.swap !== undefined && memory.swap !== 0;
  if (setSwap && !hasCgroupFile(dir, 'memory.memsw.limit_in_bytes')) {
    throw new Error(
      'linux.resources.memory.swap is set but this kernel does not account swap (boot with swapaccount=1)',
    );
  }
  const writeLimit = () =>
    writeCgroupFile(dir, 'memory.limit_in_bytes', unlimited(memory.limit!) ? -1 : memory.limit!);
  const writeSwap = () =>
    writeCgroupFile(dir, 'memory.memsw.limit_in_bytes', unlimited(memory.swap!) ? -1 : memory.swap!);
  // memsw (memory+swap) may never be below the limit: a limit raised above the current memsw
  // (an update) needs memsw raised first; otherwise (a fresh, unlimited cgroup) the limit goes first.
  if (setLimit && setSwap && raisesAboveMemsw(dir, memory.limit!)) {
    writeSwap();
    writeLimit();
  } else {
    if (setLimit) writeLimit();
    if (setSwap) writeSwap();
  }
  if (memory.reservation !== undefined && memory.reservation !== 0) {
    writeCgroupFile(
      dir,
      'memory.soft_limit_in_bytes',
      unlimited(memory.reservation) ? -1 : memory.reservation,
    );
  }
  if (memory.swappiness !== undefined && memory.swappiness >= 0 && memory.swappiness <= 100) {
    writeCgroupFile(dir, 'memory.swappiness', memory.swappiness);
  }
  if (memory.disableOOMKiller) writeCgroupFile(dir, 'memory.oom_control', 1);
}

function raisesAboveMemsw(dir: string, limit: number): boolean {
  const memsw = Number(readCgroupFile(dir, 'memory.memsw.limit_in_bytes'));
  return unlimited(limit) || limit > memsw;
}

export function applyMemoryV2(dir: string, memory: LinuxMemory | undefined): void {
  if (!memory) return;
  if (memory.limit !== undefined && memory.limit !== 0) {
    writeCgroupFile(dir, 'memory.max', unlimited(memory.limit) ? 'max' : memory.limit);
  }
  if (memory.swap !== undefined && memory.swap !== 0) {
    // The spec's swap is memory+swap (v1 semantics); v2's memory.swap.max is swap alone.
    let swapMax: string | number = 'max';
    if (!unlimited(memory.swap)) {
      if (memory.limit === undefined || unlimited(memory.limit)) {
        throw new Error('linux.resources.memory.swap needs memory.limit on cgroup v2 (swap is memory+swap)');
      }
      if (memory.swap < memory.limit) {
        throw new Error(
          `linux.resources.memory.swap (${memory.swap}) is below memory.limit (${memory.limit}): it counts memory+swap`,
        );
      }
      swapMax = memory.swap - memory.limit;
    }
    writeCgroupFile(dir, 'memory.swap.max', swapMax);
  }
  if (memory.reservation !== undefined && memory.reservation !== 0) {
    writeCgroupFile(dir, 'memory.low', unlimited(memory.reservation) ? 'max' : memory.reservation);
  }
  // v2 has no switch to disable the OOM killer, nor swappiness per cgroup: refusing would break
  // specs written for v1 hosts, so these two are ignored (documented in docs/runtime.md).
}

/** How many processes the kernel's OOM killer killed in this cgroup. */
export function oomKillsV1(dir: string): number {
  return readKeyValues(dir, 'memory.oom_control').get('oom_kill') ?? 0;
}

export function oomKillsV2(dir: string): number {
  return readKeyValues(dir, 'memory.events').get('oom_kill') ?? 0;
}
