// The runtime's record of each container, one directory per container under the state root
// (default /run/berth/runtime): state.json, the start socket, the exit status. Status is never
// stored: it is read from the kernel each time (is the process alive, has `start` run, frozen?).
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ContainerStatus, Spec } from '../oci/runtime-spec';
import type { CgroupDirs } from './cgroups';

export interface ContainerRecord {
  id: string;
  bundle: string;
  rootfs: string;
  /** RFC 3339 time of create. */
  created: string;
  owner: string;
  annotations: Record<string, string>;
  /** The container's first process, in the runtime's pid namespace. */
  pid: number;
  /** Its start time (field 22 of /proc/<pid>/stat): tells a reused pid apart. */
  pidStartTime: string;
  /** The supervisor that waits for it and writes its exit status (absent when detached). */
  supervisorPid?: number;
  supervisorStartTime?: string;
  /** `start` has run: the user's program replaced the parked init. */
  started: boolean;
  cgroup: { version: 1 | 2; dirs: CgroupDirs };
  /** The configuration the container was created with (exec and delete use it). */
  config: Spec;
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_+.-]*$/;

export function checkContainerId(id: string): void {
  if (!idPattern.test(id) || id.length > 1024) {
    throw new Error(
      `invalid container id "${id}": use letters, digits and _ + . - (starting with a letter or digit)`,
    );
  }
}

export class NotFoundError extends Error {
  constructor(id: string) {
    super(`container "${id}" does not exist`);
    this.name = 'NotFoundError';
  }
}

export class StateStore {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id);
  }

  startSocket(id: string): string {
    return join(this.dir(id), 'start.sock');
  }

  exitFile(id: string): string {
    return join(this.dir(id), 'exit');
  }

  /** Claims the id: fails if a container with it exists. */
  reserve(id: string): void {
    checkContainerId(id);
    mkdirSync(this.root, { recursive: true, mode: 0o711 });
    try {
      mkdirSync(this.dir(id), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new Error(`container "${id}" already exists: delete it first or pick another id`);
      }
      throw err;
    }
  }

  /** Writes state.json atomically (a crash leaves the old or the new file, never half of one). */
  write(record: ContainerRecord): void {
    const path = join(this.dir(record.id), 'state.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(record));
    renameSync(`${path}.tmp`, path);
  }

  read(id: string): ContainerRecord {
    checkContainerId(id);
    try {
      return JSON.parse(readFileSync(join(this.dir(id), 'state.json'), 'utf8')) as ContainerRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(id);
      throw err;
    }
  }

  /** Ids with a state.json (a create still in progress has none yet). */
  list(): string[] {
    let entries: string[];
    try {
      entries = readdirSync(this.root);
    } catch {
      return [];
    }
    return entries.filter((id) => {
      try {
        readFileSync(join(this.dir(id), 'state.json'));
        return true;
      } catch {
        return false;
      }
    });
  }

  remove(id: string): void {
    // The files are known: unlinking them is much cheaper than a recursive walk.
    for (const name of ['state.json', 'start.sock', 'exit']) {
      try {
        unlinkSync(join(this.dir(id), name));
      } catch {
        // not made (a failed create) or gone already
      }
    }
    try {
      rmdirSync(this.dir(id));
    } catch {
      rmSync(this.dir(id), { recursive: true, force: true });
    }
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or null when the pid is gone or a zombie. */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  return fields[19];
}

export function isAlive(record: ContainerRecord): boolean {
  return record.pid > 0 && processStartTime(record.pid) === record.pidStartTime;
}

/** created → running → stopped, from the kernel's point of view (plus "paused" when frozen). */
export function statusOf(record: ContainerRecord, frozen: () => boolean): ContainerStatus {
  if (!isAlive(record)) return 'stopped';
  if (!record.started) return 'created';
  return frozen() ? 'paused' : 'running';
}

/** The lifecycle rules (runtime.md): which operation is allowed in which state. */
export const lifecycle = {
  canStart: (s: ContainerStatus) => s === 'created',
  canKill: (s: ContainerStatus) => s === 'created' || s === 'running' || s === 'paused',
  canDelete: (s: ContainerStatus) => s === 'stopped' || s === 'created',
  canExec: (s: ContainerStatus) => s === 'running',
  canPause: (s: ContainerStatus) => s === 'running',
  canResume: (s: ContainerStatus) => s === 'paused',
};
