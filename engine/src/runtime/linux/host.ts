// Kernel calls the runtime makes from its own (Node) process: sockets and fd passing, pidfds,
// polling. Everything the rest of the runtime needs from here goes through `HostSyscalls`, so
// the lifecycle can be unit-tested with a recording implementation.
import { closeSync, openSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { check, ErrnoError, ffi, lastErrno, libc } from './libc';

export interface HostSyscalls {
  /** A connected pair of Unix stream sockets, close-on-exec. */
  socketPair(): [number, number];
  /** A pipe, close-on-exec: [read end, write end]. */
  pipe(): [number, number];
  /** A listening Unix stream socket bound at `path`, close-on-exec. */
  listenUnix(path: string): number;
  connectUnix(path: string): number;
  /** Sends `fds` over a Unix socket (SCM_RIGHTS) with `data` as the message, all of it. */
  sendFds(socket: number, fds: number[], data: Buffer): void;
  /** Receives one fd sent with SCM_RIGHTS; waits up to `timeoutMs` for it. */
  recvFd(socket: number, timeoutMs: number): number;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, signal: number): void;
  /** Waits until `fd` is readable (a pidfd: its process ended); false on timeout. */
  waitReadable(fd: number, timeoutMs: number): boolean;
  /** The same, without blocking the event loop (runs on the libuv pool). */
  waitReadableAsync(fd: number, timeoutMs: number): Promise<boolean>;
  close(fd: number): void;
}

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;
const O_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const POLLIN = 1;
const SYS_pidfd_open = 434;
const SYS_pidfd_send_signal = 424;
const SUN_PATH_MAX = 108;

const socketpair = libc.func('int socketpair(int domain, int type, int protocol, _Out_ int *sv)');
const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
const socket = libc.func('int socket(int domain, int type, int protocol)');
const bind = libc.func('int bind(int fd, const void *addr, uint32_t len)');
const listen = libc.func('int listen(int fd, int backlog)');
const connect = libc.func('int connect(int fd, const void *addr, uint32_t len)');
const sendmsg = libc.func('intptr_t sendmsg(int fd, const void *msg, int flags)');
const recvmsg = libc.func('intptr_t recvmsg(int fd, void *msg, int flags)');
const poll = libc.func('int poll(_Inout_ void *fds, unsigned long nfds, int timeout)');
const closeFn = libc.func('int close(int fd)');
const syscall = libc.func('long syscall(long number, ...)');

/**
 * A sockaddr_un for `path`. Paths longer than sun_path go through the parent directory's
 * /proc/self/fd entry, which the caller must close (returned as `dirFd`).
 */
function sockaddr(path: string): { addr: Buffer; dirFd: number } {
  let dirFd = -1;
  let name = path;
  if (Buffer.byteLength(path) >= SUN_PATH_MAX) {
    dirFd = openSync(dirname(path), 'r');
    name = `/proc/self/fd/${dirFd}/${basename(path)}`;
  }
  const addr = Buffer.alloc(2 + SUN_PATH_MAX);
  addr.writeUInt16LE(AF_UNIX, 0);
  addr.write(name, 2, 'utf8');
  return { addr, dirFd };
}

/** msghdr with one iovec and room for `maxFds` SCM_RIGHTS fds, in memory that does not move. */
class FdMessage {
  private readonly iov: bigint;
  private readonly control: bigint;
  private readonly data: bigint;
  private readonly controlSize: number;
  private readonly dataView: Buffer;
  private readonly controlView: Buffer;
  private readonly iovView: Buffer;
  readonly header = Buffer.alloc(56);

  constructor(
    readonly length: number,
    maxFds: number,
  ) {
    // CMSG_SPACE(4 * n): a 16-byte cmsghdr, then the ints padded to 8 bytes.
    this.controlSize = 16 + Math.ceil((4 * Math.max(maxFds, 1)) / 8) * 8;
    this.data = ffi().alloc('uint8_t', Math.max(length, 1)) as bigint;
    this.iov = ffi().alloc('uint8_t', 16) as bigint;
    this.control = ffi().alloc('uint8_t', this.controlSize) as bigint;
    this.dataView = Buffer.from(ffi().view(this.data, Math.max(length, 1)));
    this.controlView = Buffer.from(ffi().view(this.control, this.controlSize));
    this.iovView = Buffer.from(ffi().view(this.iov, 16));
    this.iovView.writeBigUInt64LE(this.data, 0);
    this.iovView.writeBigUInt64LE(BigInt(length), 8);
    this.header.writeBigUInt64LE(this.iov, 16); // msg_iov
    this.header.writeBigUInt64LE(1n, 24); // msg_iovlen
    this.header.writeBigUInt64LE(this.control, 32); // msg_control
    this.header.writeBigUInt64LE(BigInt(this.controlSize), 40); // msg_controllen
  }

  /** The bytes to send: at most `length`; the iovec is cut to their size. */
  setData(data: Buffer): void {
    data.copy(this.dataView);
    this.iovView.writeBigUInt64LE(BigInt(data.length), 8);
  }

  setFds(fds: number[]): void {
    const c = this.controlView;
    c.fill(0);
    if (fds.length === 0) {
      this.header.writeBigUInt64LE(0n, 32);
      this.header.writeBigUInt64LE(0n, 40);
      return;
    }
    this.header.writeBigUInt64LE(this.control, 32);
    this.header.writeBigUInt64LE(BigInt(16 + Math.ceil((4 * fds.length) / 8) * 8), 40);
    c.writeBigUInt64LE(BigInt(16 + 4 * fds.length), 0); // cmsg_len = CMSG_LEN(4 * n)
    c.writeInt32LE(SOL_SOCKET, 8);
    c.writeInt32LE(SCM_RIGHTS, 12);
    fds.forEach((fd, i) => c.writeInt32LE(fd, 16 + 4 * i));
  }

  fd(): number {
    const c = this.controlView;
    if (c.readBigUInt64LE(0) < 20n || c.readInt32LE(8) !== SOL_SOCKET || c.readInt32LE(12) !== SCM_RIGHTS)
      return -1;
    return c.readInt32LE(16);
  }

  free(): void {
    ffi().free(this.data);
    ffi().free(this.iov);
    ffi().free(this.control);
  }
}

let sendBuffer: FdMessage | undefined;

function pollFd(fd: number, timeoutMs: number): boolean {
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(POLLIN, 4);
  for (;;) {
    const n = poll(pfd, 1, timeoutMs) as number;
    if (n >= 0) return n > 0;
    if (lastErrno() !== 4 /* EINTR */) throw new ErrnoError('poll', String(fd), lastErrno());
  }
}

export const hostSyscalls: HostSyscalls = {
  socketPair() {
    const sv = new Int32Array(2);
    check(
      'socketpair',
      'AF_UNIX, SOCK_STREAM',
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) as number,
    );
    return [sv[0], sv[1]];
  },

  pipe() {
    const fds = new Int32Array(2);
    check('pipe2', 'O_CLOEXEC', pipe2(fds, O_CLOEXEC) as number);
    return [fds[0], fds[1]];
  },

  listenUnix(path) {
    const fd = check(
      'socket',
      'AF_UNIX, SOCK_STREAM',
      socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) as number,
    );
    const { addr, dirFd } = sockaddr(path);
    try {
      check('bind', JSON.stringify(path), bind(fd, addr, addr.length) as number);
      check('listen', JSON.stringify(path), listen(fd, 4) as number);
      return fd;
    } catch (err) {
      closeFn(fd);
      throw err;
    } finally {
      if (dirFd >= 0) closeSync(dirFd);
    }
  },

  connectUnix(path) {
    const fd = check(
      'socket',
      'AF_UNIX, SOCK_STREAM',
      socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) as number,
    );
    const { addr, dirFd } = sockaddr(path);
    try {
      check('connect', JSON.stringify(path), connect(fd, addr, addr.length) as number);
      return fd;
    } catch (err) {
      closeFn(fd);
      throw err;
    } finally {
      if (dirFd >= 0) closeSync(dirFd);
    }
  },

  sendFds(sock, fds, data) {
    if (fds.length > 253)
      throw new Error(`cannot pass ${fds.length} fds in one message (the kernel takes 253)`);
    // One message buffer, grown when needed and reused: allocating native memory per call
    // cost more than the call itself.
    if (!sendBuffer || sendBuffer.length < data.length) {
      sendBuffer?.free();
      sendBuffer = new FdMessage(Math.max(data.length, 16384), 253);
    }
    const msg = sendBuffer;
    msg.setData(data);
    msg.setFds(fds);
    const n = Number(sendmsg(sock, msg.header, 0x4000 /* MSG_NOSIGNAL */));
    check('sendmsg', `${sock}, ${fds.length} fds`, n);
    if (n !== data.length) throw new Error(`sendmsg on ${sock} sent ${n} of ${data.length} bytes`);
  },

  recvFd(sock, timeoutMs) {
    if (!pollFd(sock, timeoutMs)) throw new ErrnoError('recvmsg', `${sock}, SCM_RIGHTS`, 110 /* ETIMEDOUT */);
    const msg = new FdMessage(64, 1);
    try {
      const n = Number(recvmsg(sock, msg.header, 0x40000000 /* MSG_CMSG_CLOEXEC */));
      check('recvmsg', `${sock}, SCM_RIGHTS`, n);
      const fd = msg.fd();
      if (fd < 0) throw new ErrnoError('recvmsg', `${sock}, SCM_RIGHTS`, 74 /* EBADMSG */);
      return fd;
    } finally {
      msg.free();
    }
  },

  pidfdOpen(pid) {
    return Number(
      check('pidfd_open', String(pid), syscall(SYS_pidfd_open, 'int', pid, 'unsigned int', 0) as number),
    );
  },

  pidfdSendSignal(pidfd, signal) {
    check(
      'pidfd_send_signal',
      `${pidfd}, ${signal}`,
      syscall(
        SYS_pidfd_send_signal,
        'int',
        pidfd,
        'int',
        signal,
        'void *',
        null,
        'unsigned int',
        0,
      ) as number,
    );
  },

  waitReadable(fd, timeoutMs) {
    return pollFd(fd, timeoutMs);
  },

  waitReadableAsync(fd, timeoutMs) {
    const pfd = Buffer.alloc(8);
    pfd.writeInt32LE(fd, 0);
    pfd.writeInt16LE(POLLIN, 4);
    return new Promise((resolve, reject) => {
      poll.async(pfd, 1, timeoutMs, (err: unknown, n: number) => {
        if (err) reject(err);
        else if (n < 0) reject(new ErrnoError('poll', String(fd), lastErrno()));
        else resolve(n > 0);
      });
    });
  },

  close(fd) {
    closeFn(fd);
  },
};
