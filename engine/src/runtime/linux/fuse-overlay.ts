// fuse-overlayfs: the fallback for overlay mounts in a user namespace whose kernel refuses overlayfs
// there (Linux < 5.11, or a distribution kernel that disables it). Rootless Berth uses the kernel's
// overlayfs when it can; BERTH_OVERLAY=fuse-overlayfs (or daemon.json "storage-driver") forces the
// fallback, BERTH_OVERLAY=kernel forbids it.
//
// fuse-overlayfs reads the layers as the kernel's overlayfs writes them (0/0 character devices for
// whiteouts, user.overlay.opaque on opaque directories). In the upper dir it marks an opaque
// directory its own way: a `.wh..wh..opq` file, a 0/0 device named `.wh..opq` and the xattr
// user.fuseoverlayfs.opaque (see store/layers/whiteouts.ts, which the layer packer follows).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type OverlayDriver = 'kernel' | 'fuse-overlayfs';

/** The variable that forces one driver. */
export const overlayDriverEnv = 'BERTH_OVERLAY';

let chosen: OverlayDriver | undefined;

/** The driver asked for by the environment or the daemon's config; undefined: automatic. */
export function requestedOverlayDriver(env: NodeJS.ProcessEnv = process.env): OverlayDriver | undefined {
  const value = env[overlayDriverEnv];
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (value === 'kernel' || value === 'overlay' || value === 'overlay2') return 'kernel';
  if (value === 'fuse-overlayfs') return 'fuse-overlayfs';
  throw new Error(
    `${overlayDriverEnv}=${value} is not an overlay driver: use kernel, fuse-overlayfs or auto (the default)`,
  );
}

/** Sets the driver from daemon.json's "storage-driver" unless the environment already chose one. */
export function configureOverlayDriver(storageDriver: string | undefined): void {
  if (process.env[overlayDriverEnv] || !storageDriver) return;
  process.env[overlayDriverEnv] = storageDriver;
  requestedOverlayDriver(); // refuse a bad value at startup, not at the first mount
}

export function findFuseOverlayfs(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH || '/usr/bin:/bin').split(delimiter)) {
    const path = join(dir, 'fuse-overlayfs');
    if (dir && existsSync(path)) return path;
  }
  return undefined;
}

const missing =
  'fuse-overlayfs is not installed: install it (apt-get install fuse-overlayfs) or unset BERTH_OVERLAY';

/**
 * Mounts an overlay with `kernelMount`, or with fuse-overlayfs when that is forced, or when the
 * kernel refuses overlayfs in this user namespace and fuse-overlayfs is installed (then for the
 * rest of this process's life).
 */
export function mountOverlayWithFallback(
  kernelMount: () => void,
  target: string,
  options: { lower: readonly string[]; upper?: string; work?: string },
  inUserNs: boolean,
): void {
  const driver = chosen ?? requestedOverlayDriver();
  if (driver === 'fuse-overlayfs') return mountFuseOverlay(target, options);
  try {
    kernelMount();
    if (inUserNs) chosen = 'kernel';
  } catch (err) {
    const code = (err as { code?: string }).code;
    const refused = code === 'EPERM' || code === 'EINVAL' || code === 'ENODEV';
    if (driver === 'kernel' || !inUserNs || chosen === 'kernel' || !refused || !findFuseOverlayfs()) {
      if (inUserNs && refused && driver !== 'kernel' && chosen !== 'kernel') {
        (err as Error).message +=
          ` (the kernel refuses overlayfs in this user namespace; fuse-overlayfs would do: apt-get install fuse-overlayfs)`;
      }
      throw err;
    }
    chosen = 'fuse-overlayfs';
    process.emitWarning(
      `the kernel refused overlayfs in this user namespace (${(err as Error).message}): using fuse-overlayfs`,
    );
    mountFuseOverlay(target, options);
  }
}

/** Which driver this process's overlay mounts use (for `docker info`). */
export function overlayDriverInUse(): OverlayDriver {
  return chosen ?? requestedOverlayDriver() ?? 'kernel';
}

/** fuse-overlayfs's -o option; `,` and `:` in paths are escaped as it expects. */
export function fuseOverlayOptions(options: {
  lower: readonly string[];
  upper?: string;
  work?: string;
}): string {
  const esc = (p: string): string => p.replace(/[\\,:]/g, (c) => `\\${c}`);
  const parts = [`lowerdir=${options.lower.map(esc).join(':')}`];
  if (options.upper !== undefined)
    parts.push(`upperdir=${esc(options.upper)}`, `workdir=${esc(options.work ?? '')}`);
  // Other users of the namespace (USER 1234 in a container) may use the mount; the kernel still
  // keeps every process outside this user namespace out.
  parts.push('allow_other');
  return parts.join(',');
}

/** Mounts with fuse-overlayfs, which stays as the mount's daemon until the mount goes. */
export function mountFuseOverlay(
  target: string,
  options: { lower: readonly string[]; upper?: string; work?: string },
): void {
  const bin = findFuseOverlayfs();
  if (!bin) throw new Error(`cannot mount an overlay on ${target}: ${missing}`);
  if (options.upper !== undefined && options.work) mkdirSync(options.work, { recursive: true });
  // The daemon detaches once the mount is in place, with its stdio on /dev/null.
  const r = spawnSync(bin, ['-o', fuseOverlayOptions(options), target], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit status ${r.status}`)
      .split('\n')
      .filter((l) => l && !l.includes('unknown argument ignored'))
      .join('; ');
    throw new Error(`fuse-overlayfs could not mount an overlay on ${target}: ${why}`);
  }
}
