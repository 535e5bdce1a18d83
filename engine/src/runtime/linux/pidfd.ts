// pidfd_getfd(2): a copy of another process's open file, here the pty master a holder process
// kept for a TTY container while no berthd was running.
import { check, libc } from './libc';

const syscall = libc.func('long syscall(long number, ...)');
const SYS_pidfd_open = 434;
const SYS_pidfd_getfd = 438;

/** Duplicates `pid`'s descriptor `fd` into this process (needs ptrace rights over `pid`). */
export function takeFdFrom(pid: number, fd: number): number {
  const pidfd = Number(
    check('pidfd_open', String(pid), syscall(SYS_pidfd_open, 'int', pid, 'unsigned int', 0)),
  );
  try {
    return Number(
      check(
        'pidfd_getfd',
        `${pid}, ${fd}`,
        syscall(SYS_pidfd_getfd, 'int', pidfd, 'int', fd, 'unsigned int', 0),
      ),
    );
  } finally {
    closeFd(pidfd);
  }
}

const closeFn = libc.func('int close(int fd)');
function closeFd(fd: number): void {
  closeFn(fd);
}
