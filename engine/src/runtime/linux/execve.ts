// Replacing this (multithreaded) Node process with another program, as a shell's `exec` does: the
// launchers use it to become a small supervisor instead of keeping an idle Node process around.
import { ErrnoError, lastErrno, libc } from './libc';

const execveFn = libc.func('int execve(const char *path, const char **argv, const char **envp)');
const fcntlFn = libc.func('int fcntl(int fd, int cmd, int arg)');
const F_SETFD = 2;

/** Runs `path` in place of this process, with stdin, stdout and stderr kept; returns only on failure. */
export function replaceProcess(path: string, argv: string[], env: NodeJS.ProcessEnv): never {
  // Node marks its stdio close-on-exec; the new program must inherit them.
  for (const fd of [0, 1, 2]) fcntlFn(fd, F_SETFD, 0);
  const envp = Object.entries(env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  execveFn(path, [...argv, null], [...envp, null]);
  throw new ErrnoError('execve', JSON.stringify(path), lastErrno());
}
