// Reading and writing cgroup control files, with errors that name the file and the value.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class CgroupError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CgroupError';
  }
}

export function writeCgroupFile(dir: string, file: string, value: string | number): void {
  const path = join(dir, file);
  try {
    writeFileSync(path, String(value));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === 'ENOENT'
        ? ' (this kernel or cgroup hierarchy has no such control file: drop the setting or enable the controller)'
        : e.code === 'EINVAL' || e.code === 'ERANGE'
          ? ' (the kernel refused the value: check its range)'
          : '';
    throw new CgroupError(`cgroup: write "${value}" to ${path}: ${e.code ?? e.message}${hint}`, e.code);
  }
}

export function readCgroupFile(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8').trim();
}

export function hasCgroupFile(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}

/** Parses "key value" lines (memory.events, memory.oom_control, memory.stat…). */
export function readKeyValues(dir: string, file: string): Map<string, number> {
  const values = new Map<string, number>();
  if (!hasCgroupFile(dir, file)) return values;
  for (const line of readCgroupFile(dir, file).split('\n')) {
    const [key, value] = line.split(/\s+/);
    if (key && value !== undefined) values.set(key, Number(value));
  }
  return values;
}

/** The pids listed in cgroup.procs. */
export function readProcs(dir: string): number[] {
  if (!hasCgroupFile(dir, 'cgroup.procs')) return [];
  return readCgroupFile(dir, 'cgroup.procs').split('\n').filter(Boolean).map(Number);
}
