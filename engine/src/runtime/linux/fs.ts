// File-level syscalls Node's fs lacks, used by layer unpacking and packing: device nodes (and
// overlayfs whiteouts, which are 0/0 character devices), extended attributes without following
// symlinks, syncfs, and inode flags. Behind the FileCalls interface so the layer code is unit-testable.
import * as fs from 'node:fs';
import { check, ErrnoError, lastErrno, libc } from './libc';

export interface FileCalls {
  /** mknod(2): `type` is 'char' | 'block' | 'fifo'; permission bits in `mode`. */
  mknod(path: string, type: 'char' | 'block' | 'fifo', mode: number, major: number, minor: number): void;
  /** lsetxattr(2): sets an attribute on the path itself (never through a symlink). */
  lsetxattr(path: string, name: string, value: Uint8Array): void;
  /** lgetxattr(2): the value, or undefined when the attribute is absent. */
  lgetxattr(path: string, name: string): Buffer | undefined;
  /** llistxattr(2): attribute names (empty when the file system has none or no xattr support). */
  llistxattr(path: string): string[];
  /** syncfs(2) on the file system holding the open file descriptor. */
  syncfs(fd: number): void;
  /**
   * Marks a directory as the top of unrelated hierarchies (`chattr +T`, ext4's FS_TOPDIR_FL): each
   * new subdirectory, and the files that will be made in it, then goes to a block group the
   * allocator picks for it instead of the parent's. Without a journal, ext4 skips the inodes of its
   * group deleted in the last minute one by one on every create: after an rmi (or on a machine where
   * other programs churn files) that made each file of an unpack cost 0.2-1 ms instead of 20 µs.
   * Best effort: a file system without the flag is left as it is.
   */
  markTopDirectory?(dir: string): void;
}

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const ENODATA = 61;
const ENOTSUP = 95;
const ERANGE = 34;

const mknodFn = libc.func('int mknod(const char *path, uint32_t mode, uint64_t dev)');
const lsetxattrFn = libc.func(
  'int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)',
);
const lgetxattrFn = libc.func(
  'intptr_t lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)',
);
const llistxattrFn = libc.func('intptr_t llistxattr(const char *path, _Out_ void *list, size_t size)');
const syncfsFn = libc.func('int syncfs(int fd)');
const lremovexattrFn = libc.func('int lremovexattr(const char *path, const char *name)');
const ioctlFlagsFn = libc.func('int ioctl(int fd, unsigned long request, void *flags)');
/** linux/fs.h: _IOR('f', 1, long), _IOW('f', 2, long) (the kernel reads and writes an int). */
const FS_IOC_GETFLAGS = 0x80086601;
const FS_IOC_SETFLAGS = 0x40086602;
const FS_TOPDIR_FL = 0x00020000;

/** glibc's makedev(): the dev_t encoding of major/minor numbers. */
export function makedev(major: number, minor: number): bigint {
  const maj = BigInt(major);
  const min = BigInt(minor);
  return (min & 0xffn) | ((maj & 0xfffn) << 8n) | ((min & ~0xffn) << 12n) | ((maj & ~0xfffn) << 32n);
}

export const linuxFileCalls: FileCalls = {
  mknod(path, type, mode, major, minor) {
    const kind = type === 'char' ? S_IFCHR : type === 'block' ? S_IFBLK : S_IFIFO;
    check(
      'mknod',
      JSON.stringify(path),
      mknodFn(path, kind | (mode & 0o7777), makedev(major, minor)) as number,
    );
  },
  lsetxattr(path, name, value) {
    const buf = Buffer.from(value);
    check(
      'lsetxattr',
      `${JSON.stringify(path)}, ${JSON.stringify(name)}`,
      lsetxattrFn(path, name, buf, buf.length, 0) as number,
    );
  },
  lgetxattr(path, name) {
    for (let size = 256; ; size *= 4) {
      const buf = Buffer.alloc(size);
      const n = Number(lgetxattrFn(path, name, buf, size));
      if (n >= 0) return buf.subarray(0, n);
      const errno = lastErrno();
      if (errno === ENODATA || errno === ENOTSUP) return undefined;
      if (errno !== ERANGE || size > 1 << 20) {
        throw new ErrnoError('lgetxattr', `${JSON.stringify(path)}, ${JSON.stringify(name)}`, errno);
      }
    }
  },
  llistxattr(path) {
    for (let size = 1024; ; size *= 4) {
      const buf = Buffer.alloc(size);
      const n = Number(llistxattrFn(path, buf, size));
      if (n >= 0)
        return n === 0
          ? []
          : buf
              .subarray(0, n - 1)
              .toString('utf8')
              .split('\0');
      const errno = lastErrno();
      if (errno === ENOTSUP) return [];
      if (errno !== ERANGE || size > 1 << 20) throw new ErrnoError('llistxattr', JSON.stringify(path), errno);
    }
  },
  syncfs(fd) {
    check('syncfs', String(fd), syncfsFn(fd) as number);
  },
  markTopDirectory(dir) {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      const flags = Buffer.alloc(8);
      if ((ioctlFlagsFn(fd, FS_IOC_GETFLAGS, flags) as number) < 0) return;
      const current = flags.readInt32LE(0);
      if (current & FS_TOPDIR_FL) return;
      flags.writeInt32LE(current | FS_TOPDIR_FL, 0);
      ioctlFlagsFn(fd, FS_IOC_SETFLAGS, flags); // refused (not the owner, no such flag): no harm
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** lremovexattr(2): removes an attribute from the path itself; an absent attribute is not an error. */
export function lremovexattr(path: string, name: string): void {
  if ((lremovexattrFn(path, name) as number) < 0) {
    const errno = lastErrno();
    if (errno !== ENODATA)
      throw new ErrnoError('lremovexattr', `${JSON.stringify(path)}, ${JSON.stringify(name)}`, errno);
  }
}
