// A container's root filesystem: an overlayfs of the image's unpacked layers (read-only, shared)
// under the container's own upper dir, as Docker's overlay2 driver has it: <dir>/diff (changes),
// <dir>/work, <dir>/merged (the mount), over <dir>/init (the mount points every container gets).
// `docker diff` and `docker commit` read the upper dir.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { FilesystemChange } from '../../api/types';
import { MNT_DETACH, type DaemonCalls } from '../../runtime/linux/daemon-calls';
import { mountOverlayWithFallback } from '../../runtime/linux/fuse-overlay';
import { inUserNamespace } from '../../runtime/linux/userns';
import { isFuseOpaqueMarker } from '../../store/layers/whiteouts';

export interface RootfsPaths {
  init: string;
  diff: string;
  work: string;
  merged: string;
}

export function rootfsPaths(containerDir: string): RootfsPaths {
  return {
    init: join(containerDir, 'init'),
    diff: join(containerDir, 'diff'),
    work: join(containerDir, 'work'),
    merged: join(containerDir, 'merged'),
  };
}

/** mount(2) takes one page of options; longer layer lists are mounted with relative paths. */
const maxMountData = 4000;

export function isMounted(path: string, mountinfo = '/proc/self/mountinfo'): boolean {
  const text = readFileSync(mountinfo, 'utf8');
  return text.split('\n').some((line) => line.split(' ')[4] === path);
}

// Docker's "-init" layer: the paths the runtime and berthd always mount over exist below the
// container's upper dir, so creating them is not a change of the container's (no empty /etc/hosts
// in `docker diff` or in a committed image).
const initDirs = ['dev', 'dev/pts', 'dev/shm', 'proc', 'sys', 'etc'];
const initFiles = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev/console'];

function prepareInitLayer(paths: RootfsPaths): void {
  if (existsSync(paths.init)) return;
  // Made aside and renamed, so a crash never leaves a half-made layer that would be taken as done.
  const partial = `${paths.init}.partial`;
  rmSync(partial, { recursive: true, force: true });
  for (const d of initDirs) mkdirSync(join(partial, d), { recursive: true, mode: 0o755 });
  for (const f of initFiles) writeFileSync(join(partial, f), '', { mode: 0o644 });
  renameSync(partial, paths.init);
}

/** Mounts the container's root: its upper dir over the init layer over the image's layers. */
export function mountRootfs(paths: RootfsPaths, imageLayers: string[], calls: DaemonCalls): void {
  for (const d of [paths.diff, paths.work, paths.merged]) mkdirSync(d, { recursive: true, mode: 0o755 });
  if (isMounted(paths.merged)) return;
  prepareInitLayer(paths);
  const lowerDirs = [paths.init, ...imageLayers];
  const inUserNs = inUserNamespace();
  mountOverlayWithFallback(
    () => mountKernelOverlay(paths, lowerDirs, imageLayers, calls, inUserNs),
    paths.merged,
    { lower: lowerDirs, upper: paths.diff, work: paths.work },
    inUserNs,
  );
}

function mountKernelOverlay(
  paths: RootfsPaths,
  lowerDirs: string[],
  imageLayers: string[],
  calls: DaemonCalls,
  inUserNs: boolean,
): void {
  // In a user namespace (rootless) overlayfs keeps opaque dirs in user.overlay.* xattrs.
  const userXattr = inUserNs ? ',userxattr' : '';
  const data = (lowers: string[]): string =>
    `lowerdir=${lowers.join(':')},upperdir=${paths.diff},workdir=${paths.work}${userXattr}`;
  const full = data(lowerDirs);
  if (full.length <= maxMountData) {
    calls.mount('overlay', paths.merged, 'overlay', 0, full);
    return;
  }
  // Paths relative to the layers' common parent, resolved against our working directory for the
  // duration of this synchronous call (as Docker's overlay2 driver does in a helper process).
  const base = dirname(imageLayers[0] ?? paths.init);
  const previous = process.cwd();
  process.chdir(base);
  try {
    calls.mount('overlay', paths.merged, 'overlay', 0, data(lowerDirs.map((d) => relative(base, d))));
  } finally {
    process.chdir(previous);
  }
}

export function unmountRootfs(paths: RootfsPaths, calls: DaemonCalls): void {
  if (!isMounted(paths.merged)) return;
  calls.umount2(paths.merged, MNT_DETACH);
}

/** A 0/0 character device in an overlayfs upper dir marks a deleted path. */
function isWhiteout(path: string): boolean {
  const st = lstatSync(path);
  return st.isCharacterDevice() && st.rdev === 0;
}

/** `docker diff`: what the container changed, from its upper dir and the image's layers. */
export function changes(paths: RootfsPaths, lowerDirs: string[]): FilesystemChange[] {
  const out: FilesystemChange[] = [];
  const inLower = (rel: string): boolean => lowerDirs.some((l) => existsSync(join(l, rel)));
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(paths.diff, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = join(paths.diff, r);
      if (isFuseOpaqueMarker(abs, name)) continue;
      if (isWhiteout(abs)) {
        out.push({ Path: `/${r}`, Kind: 2 });
        continue;
      }
      out.push({ Path: `/${r}`, Kind: inLower(r) ? 0 : 1 });
      if (lstatSync(abs).isDirectory()) walk(r);
    }
  };
  if (existsSync(paths.diff)) walk('');
  return out;
}
