// The volumes and binds of a container that is not running, mounted into its root for `docker cp`
// (as Docker does for archive requests): without them a copy into /data of a container with a
// volume there would land in the container's own layer, where no later run sees it.
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DaemonCalls, MS_BIND, MS_RDONLY, MS_REC, MS_REMOUNT } from '../../runtime/linux/daemon-calls';
import { resolveInRoot } from '../../fs/resolve-in-root';
import type { PlannedMount } from '../spec/mounts';
import type { VolumeService } from '../volumes';

/**
 * Binds each volume and bind mount of `mounts` at its destination under `root` (an overlayfs root
 * mounted for the occasion: unmounting it with MNT_DETACH takes these along). A volume is
 * acquired as a start would (its image content copied up when still empty); tmpfs mounts hold
 * nothing while the container is stopped and are left out. Returns what releases the volumes.
 */
export function mountForArchive(
  root: string,
  mounts: PlannedMount[],
  volumes: VolumeService,
  calls: DaemonCalls,
): () => void {
  const acquired: string[] = [];
  const release = (): void => {
    for (const name of acquired.splice(0)) volumes.release(name);
  };
  // Parents before the mounts nested in them.
  const ordered = [...mounts].sort((a, b) => depth(a.destination) - depth(b.destination));
  try {
    for (const m of ordered) {
      if (m.type === 'tmpfs') continue;
      const target = resolveInRoot(root, m.destination);
      let source: string;
      if (m.type === 'bind') {
        if (!existsSync(m.source)) continue; // a start creates it, or refuses to start
        source = m.source;
      } else {
        const content = existsSync(target) && statSync(target).isDirectory() ? target : undefined;
        const data = volumes.acquire(m.name!, content, m.noCopy);
        acquired.push(m.name!);
        source = m.subpath ? resolveInRoot(data, m.subpath) : data;
        if (!existsSync(source)) continue;
      }
      makeMountPoint(target, statSync(source).isDirectory());
      calls.mount(source, target, null, MS_BIND | MS_REC, null);
      if (m.readOnly) calls.mount('', target, null, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, null);
    }
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

function makeMountPoint(target: string, directory: boolean): void {
  if (existsSync(target)) return;
  if (directory) {
    mkdirSync(target, { recursive: true, mode: 0o755 });
    return;
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  closeSync(openSync(target, 'a', 0o644));
}
