// splice(2): moves bytes from a pipe into a file inside the kernel. Nothing passes through our
// memory, so a process killed at any point has either moved a byte (it is in the file) or not (it
// is still in the pipe): container output is never held only by berthd.
import { constants } from 'node:os';
import { ErrnoError, lastErrno, libc } from './libc';

const spliceFn = libc.func(
  'int64_t splice(int fd_in, void *off_in, int fd_out, _Inout_ int64_t *off_out, size_t len, unsigned int flags)',
);
const SPLICE_F_MOVE = 1;
const SPLICE_F_NONBLOCK = 2;

/**
 * Moves what the pipe holds now into `fileFd` at `offset`, up to `len` bytes.
 * Returns the bytes moved, 0 at end of file (no writer left), or 'empty' (writers, no data).
 */
export function spliceToFile(pipeFd: number, fileFd: number, offset: number, len: number): number | 'empty' {
  const off = [BigInt(offset)];
  const n = Number(spliceFn(pipeFd, null, fileFd, off, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK) as bigint);
  if (n >= 0) return n;
  const errno = lastErrno();
  if (errno === constants.errno.EAGAIN) return 'empty';
  throw new ErrnoError('splice', `${pipeFd} -> ${fileFd}`, errno);
}
