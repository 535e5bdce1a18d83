// A cross-process lock file (O_EXCL create) guarding read-modify-write of the store's metadata, so
// a CLI and a daemon sharing one state dir do not lose each other's updates. A lock whose owner
// process is gone is taken over.
import * as fs from 'node:fs';

const waitBuffer = new Int32Array(new SharedArrayBuffer(4));

function pause(ms: number): void {
  Atomics.wait(waitBuffer, 0, 0, ms);
}

function ownerAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path, 'utf8'));
  } catch {
    return true; // being written right now: treat as held
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the lock file; gone already is fine. Not fs.rmSync: in Node 20 that always loads its
 * recursive remover, and node:fs/promises with it (~1.5 ms of every CLI command that takes a lock).
 */
function removeLockFile(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Runs `fn` holding the lock file `path`; waits up to `timeoutMs` for another holder. */
export function withLock<T>(path: string, fn: () => T, timeoutMs = 30_000): T {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      const fd = fs.openSync(path, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!ownerAlive(path)) {
        removeLockFile(path);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for the store lock ${path} (held by another berth process); retry, or remove the file if no berth process is running`,
        );
      }
      pause(delay);
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return fn();
  } finally {
    removeLockFile(path);
  }
}
