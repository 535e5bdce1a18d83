// Crash-consistent files: write a temp file in the same directory, fsync it, rename it over the
// target, fsync the directory. A crash at any point leaves either the old or the new content,
// never a torn file. ENOSPC surfaces as an error and the old file stays intact.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * `durable: false` skips the fsyncs: the replace stays atomic (a crash of berthd leaves the old or
 * the new file), only a power cut may lose the latest version. For state that is re-read from the
 * kernel on restart anyway (a container's running/exited status).
 */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600, durable = true): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (durable) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (durable) syncDir(dir);
}

export function writeJsonAtomic(path: string, value: unknown, mode = 0o600, durable = true): void {
  writeFileAtomic(path, JSON.stringify(value, null, 1) + '\n', mode, durable);
}

/** Reads a JSON file written by writeJsonAtomic; undefined when it does not exist. */
export function readJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes temp files a crash left behind in `dir` (names from writeFileAtomic). */
export function isAtomicTempName(name: string): boolean {
  return /^\..+\.[0-9a-f]{8}\.tmp$/.test(name);
}
