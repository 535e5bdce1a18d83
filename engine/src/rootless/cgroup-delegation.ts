// Why rootless berthd applies no cgroup limits, as this host stands: for the warning that drops
// them (docker run -m, --cpus, --pids-limit, docker update). Rootless Berth's runtime has no cgroup
// of its own (runtime/cgroups/none.ts); a host can hand a user a cgroup v2 subtree (systemd's
// Delegate=yes for user@.service), which Berth does not use yet, and a cgroup v1 or hybrid host
// cannot hand one at all. The warning says which of the three this host is.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `root` is / (a test passes a directory laid out like one). */
export function rootlessLimitsReason(root = '/'): string {
  const unified = read(join(root, 'sys/fs/cgroup/cgroup.controllers'));
  const own = (read(join(root, 'proc/self/cgroup')) ?? '')
    .split('\n')
    .find((line) => line.startsWith('0::'))
    ?.slice(3);
  if (unified === undefined || own === undefined)
    return 'this host mounts cgroup v1 (or a hybrid tree), which cannot be delegated to a user';
  const dir = join(root, 'sys/fs/cgroup', own);
  const controllers = (read(join(dir, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean);
  let writable = true;
  try {
    accessSync(join(dir, 'cgroup.procs'), constants.W_OK);
  } catch {
    writable = false;
  }
  const shown = join('/sys/fs/cgroup', own);
  if (writable && controllers.length)
    return `this host delegates the cgroup v2 subtree ${shown} to the user (controllers: ${controllers.join(' ')}), but Berth does not use a delegated subtree yet`;
  return `this host's cgroup v2 tree is not delegated to the user (${shown} is not the user's; systemd delegates one with Delegate=yes for user@.service)`;
}
