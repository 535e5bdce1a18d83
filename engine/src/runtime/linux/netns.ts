// Network namespaces the daemon makes for containers, and sockets it opens inside them (the
// embedded DNS server answers at 127.0.0.11 in each container's own namespace).
//
// A network namespace belongs to a thread. Node's main thread steps into a namespace, makes what it
// needs with plain syscalls, and steps back before any JavaScript runs again: nothing else can use
// the main thread in between, and Node's other threads keep the host's namespace throughout.
import { closeSync, openSync, rmSync } from 'node:fs';
import { check, ErrnoError, libc } from './libc';
import { CLONE, MNT_DETACH, MS } from './constants';

export interface NetnsCalls {
  /** Makes a network namespace and pins it by a bind mount at `path` (a new file). */
  create(path: string): void;
  /** Unpins the namespace at `path` and removes the file; it ends once nothing uses it. */
  remove(path: string): void;
  /**
   * A socket bound to `address:port` in the namespace pinned at `path`, non-blocking and
   * close-on-exec; a TCP one listens. The caller owns the fd (hand it to Node's dgram or net).
   */
  bindSocket(path: string, protocol: 'tcp' | 'udp', address: string, port: number): number;
}

const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;

const unshare = libc.func('int unshare(int flags)');
const setns = libc.func('int setns(int fd, int nstype)');
const mount = libc.func(
  'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
);
const umount2 = libc.func('int umount2(const char *target, int flags)');
const socket = libc.func('int socket(int domain, int type, int protocol)');
const setsockopt = libc.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
const bind = libc.func('int bind(int fd, const void *addr, uint32_t len)');
const listen = libc.func('int listen(int fd, int backlog)');
const close = libc.func('int close(int fd)');

const threadNetns = '/proc/thread-self/ns/net';

function sockaddrIn(address: string, port: number): Buffer {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`bindSocket: ${JSON.stringify(address)} is not an IPv4 address`);
  const addr = Buffer.alloc(16);
  addr.writeUInt16LE(AF_INET, 0);
  addr.writeUInt16BE(port, 2);
  Buffer.from(parts).copy(addr, 4);
  return addr;
}

/**
 * Runs `work` with the main thread in another network namespace (`enter` puts it there), and
 * always brings it back. Not being able to come back would leave berthd's own sockets in a
 * container's namespace: that is fatal.
 */
function withNetns<T>(enter: () => void, work: () => T): T {
  const home = openSync(threadNetns, 'r');
  try {
    enter();
    try {
      return work();
    } finally {
      try {
        check('setns', "the host's network namespace", setns(home, CLONE.NEWNET) as number);
      } catch (err) {
        process.stderr.write(
          `berthd: cannot return to the host network namespace: ${(err as Error).message}\n`,
        );
        process.abort();
      }
    }
  } finally {
    closeSync(home);
  }
}

/**
 * Moves the calling thread into the namespace pinned at `path` for good (rootless berthd's netns
 * thread: root of a user namespace can enter its own namespaces, never return to the host's).
 */
export function enterNetnsForGood(path: string): void {
  const target = openSync(path, 'r');
  try {
    check('setns', JSON.stringify(path), setns(target, CLONE.NEWNET) as number);
  } finally {
    closeSync(target);
  }
}

/** A new socket in the calling thread's namespace, non-blocking and close-on-exec (not bound). */
export function openSocket(protocol: 'tcp' | 'udp'): number {
  const type = (protocol === 'tcp' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
  return check('socket', `AF_INET, ${protocol}`, socket(AF_INET, type, 0) as number);
}

export const linuxNetnsCalls: NetnsCalls = {
  create(path) {
    closeSync(openSync(path, 'wx', 0o444));
    try {
      withNetns(
        () => check('unshare', 'CLONE_NEWNET', unshare(CLONE.NEWNET) as number),
        () =>
          check(
            'mount',
            `${threadNetns}, ${JSON.stringify(path)}, MS_BIND`,
            mount(threadNetns, path, null, MS.BIND, null) as number,
          ),
      );
    } catch (err) {
      rmSync(path, { force: true });
      throw err;
    }
  },

  remove(path) {
    try {
      check('umount2', JSON.stringify(path), umount2(path, MNT_DETACH) as number);
    } catch (err) {
      // EINVAL: not a mount point (a half-made namespace); ENOENT: already gone.
      if (!(err instanceof ErrnoError) || !['EINVAL', 'ENOENT'].includes(err.code)) throw err;
    }
    rmSync(path, { force: true });
  },

  bindSocket(path, protocol, address, port) {
    const target = openSync(path, 'r');
    try {
      return withNetns(
        () => check('setns', JSON.stringify(path), setns(target, CLONE.NEWNET) as number),
        () => {
          const fd = openSocket(protocol);
          try {
            const what = `${protocol} ${address}:${port} in ${path}`;
            if (protocol === 'tcp') {
              const one = Buffer.alloc(4);
              one.writeInt32LE(1);
              check('setsockopt', `SO_REUSEADDR, ${what}`, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4));
            }
            check('bind', what, bind(fd, sockaddrIn(address, port), 16) as number);
            if (protocol === 'tcp') check('listen', what, listen(fd, 128) as number);
            return fd;
          } catch (err) {
            close(fd);
            throw err;
          }
        },
      );
    } finally {
      closeSync(target);
    }
  },
};
