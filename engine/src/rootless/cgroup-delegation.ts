// Rootless berthd's cgroups. Where the host delegates berthd's cgroup v2 cgroup to the user
// (systemd's Delegate=yes; runtime/cgroups/delegation.ts decides), berthd moves itself and its
// helpers into a leaf <delegated>/berthd — a v2 cgroup that hands controllers to children may hold no
// processes — enables what controllers it can, and containers go in <delegated>/berth/<id>. Where
// nothing is delegated, containers run without cgroups (runtime/cgroups/none.ts) and the reason, with
// its fix, goes into the warnings that drop limits.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CgroupSupport } from '../daemon/spec/limits';
import type { CgroupHost } from '../runtime/cgroups';
import { daemonLeaf, type DelegatedCgroup, findOwnDelegatedCgroup } from '../runtime/cgroups/delegation';
import { readCgroupFile, readProcs } from '../runtime/cgroups/files';
import { keeperPidFile } from './launcher';
import { effectiveUserId } from './mode';

export interface RootlessCgroups {
  /** For the runtime; undefined: containers get no cgroup at all. */
  host?: CgroupHost;
  delegated?: DelegatedCgroup;
  /** The controllers containers get (enabled in the delegated cgroup's subtree_control). */
  controllers: string[];
  /** Why there are no cgroups, with the fix (undefined when delegated). */
  reason?: string;
}

/** Finds berthd's delegated cgroup, if any, and moves into it (see the top of this file). */
export function rootlessCgroups(warn: (message: string) => void): RootlessCgroups {
  const check = findOwnDelegatedCgroup(process.getuid!());
  if (!check.delegated) return { controllers: [], reason: check.reason };
  const delegated = check.delegated;
  const leaf = join(delegated.dir, daemonLeaf);
  try {
    mkdirSync(leaf, { recursive: true });
    moveHelpers(delegated.dir, leaf, warn);
  } catch (err) {
    const reason = `berthd could not move into ${leaf} of its delegated cgroup: ${(err as Error).message}`;
    return { controllers: [], reason };
  }
  const controllers = enableControllers(delegated, warn);
  return {
    delegated,
    controllers,
    host: {
      // The delegated directory stands in for the cgroup2 mount: cgroupsPath /berth/<id> lands in
      // <delegated>/berth/<id>, and v2.ts enables controllers from there down.
      layout: {
        mode: 'v2',
        v1: [],
        unified: {
          version: 2,
          mountPoint: delegated.dir,
          root: '/',
          controllers: [],
          name: basename(delegated.dir),
        },
      },
      own: new Map([['', '/']]),
      delegated: { controllers },
    },
  };
}

/**
 * berthd, the berth-userns supervisor that started it and the user namespace's keeper: only these,
 * and only when they are in the delegated cgroup — another process there is not ours to move.
 */
function moveHelpers(from: string, leaf: string, warn: (message: string) => void): void {
  const inDelegated = new Set(readProcs(from));
  const helpers = [process.pid, process.ppid, keeperPid()].filter(
    (pid): pid is number => pid !== undefined && inDelegated.has(pid),
  );
  for (const pid of helpers) {
    try {
      writeFileSync(join(leaf, 'cgroup.procs'), String(pid));
    } catch (err) {
      if (pid === process.pid) throw err;
      // A helper that just exited, or one the kernel will not move: containers still get cgroups.
      warn(`cgroup: could not move process ${pid} to ${leaf}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }
}

function keeperPid(): number | undefined {
  try {
    const pid = Number(readFileSync(keeperPidFile(process.env, effectiveUserId()), 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Enables each controller the delegated cgroup has for its children; returns those enabled. */
function enableControllers(delegated: DelegatedCgroup, warn: (message: string) => void): string[] {
  const failed: string[] = [];
  for (const c of delegated.controllers) {
    try {
      writeFileSync(join(delegated.dir, 'cgroup.subtree_control'), `+${c}`);
    } catch {
      failed.push(c);
    }
  }
  if (failed.length) {
    const others = readProcs(delegated.dir);
    warn(
      `cgroup: could not enable ${failed.join(', ')} for containers in ${delegated.path}` +
        (others.length
          ? `: it holds processes other than berthd's (${others.join(', ')}), and a cgroup v2 cgroup with processes cannot hand controllers to its children; start berthd in a cgroup of its own, e.g. systemd-run --user --scope -p Delegate=yes berthd (docs/rootless.md)`
          : ''),
    );
  }
  return readCgroupFile(delegated.dir, 'cgroup.subtree_control').split(/\s+/).filter(Boolean);
}

/** What the daemon tells users about limits (daemon/spec/limits.ts), from what was found above. */
export function rootlessCgroupSupport(cgroups: RootlessCgroups): CgroupSupport {
  const v2Host = existsSync('/sys/fs/cgroup/cgroup.controllers');
  if (!cgroups.delegated) return { version: v2Host ? '2' : '1', driver: 'none', reason: cgroups.reason };
  const has = cgroups.controllers.length ? `only ${cgroups.controllers.join(', ')}` : 'no controller';
  const reason = v2Host
    ? `${cgroups.delegated.path} has ${has}; delegate more with a drop-in for user@.service, Delegate=cpu cpuset io memory pids (docs/rootless.md)`
    : `${cgroups.delegated.path} has ${has}: this host is hybrid, its memory, cpu and pids controllers are mounted as cgroup v1, which cannot be delegated; boot with systemd.unified_cgroup_hierarchy=1 (docs/rootless.md)`;
  return { version: '2', driver: 'cgroupfs', controllers: cgroups.controllers, reason };
}
