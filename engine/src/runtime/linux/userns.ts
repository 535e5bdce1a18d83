// Facts about the user namespace this process runs in. Rootless Berth runs as root of a user
// namespace (engine/src/rootless/): uid 0 there, but without the host's privileges — no mknod of
// real devices, no trusted.* xattrs, no writes to cgroups the host's root owns, and only the ids
// the namespace maps. The store, the runtime and the daemon read these facts to stay within them.
import { readFileSync } from 'node:fs';

/** One line of /proc/<pid>/uid_map or gid_map: `size` ids from `inside` map to `outside`. */
export interface IdRange {
  inside: number;
  outside: number;
  size: number;
}

/** The whole 32-bit id space mapped onto itself: the initial user namespace. */
const initialMap: IdRange = { inside: 0, outside: 0, size: 4294967295 };

export function parseIdMap(text: string): IdRange[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3 && f.every((n) => Number.isInteger(n)))
    .map(([inside, outside, size]) => ({ inside, outside, size }));
}

export function isInitialMap(ranges: IdRange[]): boolean {
  return (
    ranges.length === 1 &&
    ranges[0].inside === initialMap.inside &&
    ranges[0].outside === initialMap.outside &&
    ranges[0].size === initialMap.size
  );
}

/** Whether `id` has a mapping in `ranges` (an unmapped id cannot own a file or a process). */
export function isMapped(ranges: IdRange[], id: number): boolean {
  return ranges.some((r) => id >= r.inside && id < r.inside + r.size);
}

export interface UserNamespaceFacts {
  /** False in the host's own (initial) user namespace. */
  nested: boolean;
  uidMap: IdRange[];
  gidMap: IdRange[];
  /** "deny" when the namespace was made without newgidmap: setgroups(2) always fails then. */
  setgroupsAllowed: boolean;
}

let cached: UserNamespaceFacts | undefined;

/** This process's user namespace (read once: a process does not change namespaces under Node). */
export function userNamespace(): UserNamespaceFacts {
  return (cached ??= readUserNamespace('/proc/self'));
}

export function readUserNamespace(procDir: string): UserNamespaceFacts {
  const read = (name: string): string => {
    try {
      return readFileSync(`${procDir}/${name}`, 'utf8');
    } catch {
      return '';
    }
  };
  const uidMap = parseIdMap(read('uid_map'));
  const gidMap = parseIdMap(read('gid_map'));
  return {
    // No uid_map at all (a kernel without user namespaces) is the initial namespace too.
    nested: uidMap.length > 0 && !isInitialMap(uidMap),
    uidMap,
    gidMap,
    setgroupsAllowed: read('setgroups').trim() !== 'deny',
  };
}

/** True when this process runs in a user namespace other than the host's. */
export function inUserNamespace(): boolean {
  return userNamespace().nested;
}

/**
 * Refuses a process user that this user namespace does not map (rootless Berth with a single-id
 * mapping maps root only), with the fix, before the kernel's bare EINVAL from setresuid.
 */
export function checkMappedUser(user: { uid: number; gid: number }, ns = userNamespace()): void {
  if (!ns.nested || (isMapped(ns.uidMap, user.uid) && isMapped(ns.gidMap, user.gid))) return;
  throw new Error(
    `user ${user.uid}:${user.gid} does not exist in rootless Berth's user namespace, which maps ` +
      `${ns.uidMap.map((r) => (r.size === 1 ? `${r.inside}` : `${r.inside}-${r.inside + r.size - 1}`)).join(', ')} only: ` +
      'give your user subordinate ids (as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>, ' +
      'with the uidmap package installed) and restart berthd, or run as root in the container',
  );
}
