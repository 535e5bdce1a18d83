// Mounting from the engine's own process (not inside a container): overlay root filesystems for
// build steps and containers, bind mounts, unmounting. Behind the MountCalls interface so callers
// are unit-testable without root.
//
// Overlay mounts go through mount(2) while their options fit one page (4 KiB); a deeper layer
// stack goes through the new mount API (fsopen/fsconfig with one "lowerdir+" per layer, Linux
// 6.8+), which has no such limit.
import { check, ErrnoError, lastErrno, libc } from './libc';
import { mountOverlayWithFallback } from './fuse-overlay';
import { inUserNamespace } from './userns';

export interface OverlayOptions {
  /** Lower dirs, topmost first (as overlayfs' lowerdir= option lists them). */
  lower: readonly string[];
  /** Omit upper/work for a read-only overlay. */
  upper?: string;
  work?: string;
  readOnly?: boolean;
  /**
   * Whiteouts and opaque dirs in user.overlay.* xattrs ("userxattr"), as overlayfs requires in a
   * user namespace, where trusted.* cannot be read or written. Default: in a user namespace.
   */
  userXattr?: boolean;
}

export interface MountCalls {
  mountOverlay(target: string, options: OverlayOptions): void;
  /** A bind mount of `source` on `target` (recursive), read-only when asked. */
  bind(source: string, target: string, options?: { readOnly?: boolean }): void;
  /** umount2(target, MNT_DETACH). */
  unmount(target: string): void;
}

export const MS_RDONLY = 0x1;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
const MNT_DETACH = 0x2;
const FSOPEN_CLOEXEC = 0x1;
const FSCONFIG_SET_FLAG = 0;
const FSCONFIG_SET_STRING = 1;
const FSCONFIG_CMD_CREATE = 6;
const FSMOUNT_CLOEXEC = 0x1;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
const MOUNT_ATTR_RDONLY = 0x1;
const AT_FDCWD = -100;
/** mount(2) copies at most one page of options. */
const mountDataLimit = 4095;

const mountFn = libc.func(
  'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
);
const umount2Fn = libc.func('int umount2(const char *target, int flags)');
const closeFn = libc.func('int close(int fd)');
const fsopenFn = libc.func('int fsopen(const char *fsname, unsigned int flags)');
const fsconfigFn = libc.func(
  'int fsconfig(int fd, unsigned int cmd, const char *key, const char *value, int aux)',
);
const fsmountFn = libc.func('int fsmount(int fd, unsigned int flags, unsigned int attr_flags)');
const moveMountFn = libc.func(
  'int move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path, unsigned int flags)',
);

/** Characters overlayfs' option parser treats specially in a path. */
function overlayPath(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

/**
 * "off" still follows redirects when the module's redirect_always_follow is on (the default), and
 * overlayfs refuses following them with userxattr: "nofollow" neither makes nor follows any.
 */
function redirectDir(userXattr: boolean): string {
  return userXattr ? 'nofollow' : 'off';
}

/** The options string for mount(2); lower dirs must come topmost first. */
export function overlayData(options: OverlayOptions): string {
  const parts = [`lowerdir=${options.lower.map(overlayPath).join(':')}`];
  if (options.upper !== undefined) {
    parts.push(`upperdir=${overlayPath(options.upper)}`, `workdir=${overlayPath(options.work ?? '')}`);
  }
  // Keep the upper dir a plain diff: no redirects, no index, no metacopy, whatever the
  // module's defaults say (the builder turns upper dirs into layers).
  const userXattr = options.userXattr ?? inUserNamespace();
  parts.push(`redirect_dir=${redirectDir(userXattr)}`, 'index=off', 'metacopy=off');
  if (userXattr) parts.push('userxattr');
  return parts.join(',');
}

function mountOverlayNewApi(target: string, options: OverlayOptions): void {
  const fd = check('fsopen', '"overlay"', fsopenFn('overlay', FSOPEN_CLOEXEC) as number);
  try {
    const set = (key: string, value: string) =>
      check(
        'fsconfig',
        `${key}=${JSON.stringify(value)}`,
        fsconfigFn(fd, FSCONFIG_SET_STRING, key, value, 0) as number,
      );
    // "lowerdir+" appends one layer; the first given is the topmost.
    for (const dir of options.lower) set('lowerdir+', dir);
    if (options.upper !== undefined) {
      set('upperdir', options.upper);
      set('workdir', options.work ?? '');
    }
    const userXattr = options.userXattr ?? inUserNamespace();
    set('redirect_dir', redirectDir(userXattr));
    set('index', 'off');
    set('metacopy', 'off');
    if (userXattr)
      check('fsconfig', 'userxattr', fsconfigFn(fd, FSCONFIG_SET_FLAG, 'userxattr', null, 0) as number);
    check('fsconfig', 'create', fsconfigFn(fd, FSCONFIG_CMD_CREATE, null, null, 0) as number);
    const attrs = options.readOnly ? MOUNT_ATTR_RDONLY : 0;
    const mnt = check('fsmount', JSON.stringify(target), fsmountFn(fd, FSMOUNT_CLOEXEC, attrs) as number);
    try {
      check(
        'move_mount',
        JSON.stringify(target),
        moveMountFn(mnt, '', AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) as number,
      );
    } finally {
      closeFn(mnt);
    }
  } finally {
    closeFn(fd);
  }
}

export const linuxMountCalls: MountCalls = {
  mountOverlay(target, options) {
    if (options.lower.length === 0) throw new Error(`overlay on ${target}: at least one lower dir is needed`);
    const kernelMount = (): void => {
      const data = overlayData(options);
      if (data.length <= mountDataLimit) {
        const flags = options.readOnly ? MS_RDONLY : 0;
        check(
          'mount',
          `"overlay", ${JSON.stringify(target)}`,
          mountFn('overlay', target, 'overlay', flags, data) as number,
        );
        return;
      }
      mountOverlayNewApi(target, options);
    };
    // fuse-overlayfs with lower dirs only is read-only by itself.
    mountOverlayWithFallback(kernelMount, target, options, options.userXattr ?? inUserNamespace());
  },
  bind(source, target, options = {}) {
    const arg = `${JSON.stringify(source)}, ${JSON.stringify(target)}`;
    check('mount', arg, mountFn(source, target, null, MS_BIND | MS_REC, null) as number);
    if (options.readOnly) {
      const r = mountFn(null, target, null, MS_BIND | MS_REC | MS_REMOUNT | MS_RDONLY, null) as number;
      if (r < 0) {
        const errno = lastErrno();
        umount2Fn(target, MNT_DETACH);
        throw new ErrnoError('mount', `${arg} (read-only remount)`, errno);
      }
    }
  },
  unmount(target) {
    check('umount2', JSON.stringify(target), umount2Fn(target, MNT_DETACH) as number);
  },
};
