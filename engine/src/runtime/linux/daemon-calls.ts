// The kernel calls the daemon makes itself: mounts (a container's overlayfs root, volumes with
// mount options), mkfifo for container stdio, a terminal's window size and blocking mode. Behind an interface
// so the daemon is unit-tested without root.
import { check, libc } from './libc';

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MNT_DETACH = 0x2;

export interface DaemonCalls {
  mount(source: string, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  mkfifo(path: string, mode: number): void;
  /** TIOCSWINSZ on a pty master. */
  setWindowSize(fd: number, rows: number, cols: number): void;
  /** Clears O_NONBLOCK (on the open file, shared by every process holding it). */
  setBlocking(fd: number): void;
}

const mountFn = libc.func(
  'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
);
const umount2Fn = libc.func('int umount2(const char *target, int flags)');
const mkfifoFn = libc.func('int mkfifo(const char *path, uint32_t mode)');
const ioctlWinsize = libc.func('int ioctl(int fd, unsigned long request, _In_ uint16_t *ws)');
const TIOCSWINSZ = 0x5414;
const fcntlFn = libc.func('int fcntl(int fd, int cmd, int arg)');
const F_GETFL = 3;
const F_SETFL = 4;
const O_NONBLOCK = 0o4000;

export const linuxDaemonCalls: DaemonCalls = {
  mount(source, target, fstype, flags, data) {
    check(
      'mount',
      `${JSON.stringify(source)}, ${JSON.stringify(target)}, ${fstype ?? 'NULL'}`,
      mountFn(source, target, fstype, flags, data) as number,
    );
  },
  umount2(target, flags) {
    check('umount2', JSON.stringify(target), umount2Fn(target, flags) as number);
  },
  mkfifo(path, mode) {
    check('mkfifo', JSON.stringify(path), mkfifoFn(path, mode) as number);
  },
  setWindowSize(fd, rows, cols) {
    const ws = new Uint16Array([rows, cols, 0, 0]);
    check('ioctl', `${fd}, TIOCSWINSZ`, ioctlWinsize(fd, TIOCSWINSZ, ws) as number);
  },
  setBlocking(fd) {
    const flags = check('fcntl', `${fd}, F_GETFL`, fcntlFn(fd, F_GETFL, 0) as number);
    if (flags & O_NONBLOCK)
      check('fcntl', `${fd}, F_SETFL`, fcntlFn(fd, F_SETFL, flags & ~O_NONBLOCK) as number);
  },
};
