// Pids controller: the most processes (and threads) the container may have at once.
import { writeCgroupFile } from './files';

/** Same file on v1 and v2; a limit of 0 or below means unlimited. */
export function applyPids(dir: string, pids: { limit: number } | undefined): void {
  if (!pids) return;
  writeCgroupFile(dir, 'pids.max', pids.limit > 0 ? pids.limit : 'max');
}
