// `USER` and `--chown` values (`name`, `uid`, `name:group`, `uid:gid`) resolved against the
// rootfs's own /etc/passwd and /etc/group, read inside the root. Names must exist there; numeric
// ids need not, as in BuildKit.
import { type GroupEntry, isNumericId, readGroups, readPasswd, type ResolvedUser } from '../fs/etc-passwd';

/**
 * The user a RUN step runs as (`USER` value; empty is root), with the supplementary groups BuildKit
 * gives it: `uid:gid` in numbers (or `root`) is taken as is; otherwise the user is looked up in the
 * image's /etc/passwd and, unless a group was named, every /etc/group entry listing the user is a
 * supplementary group, in file order. The primary group always leads that list when it is not in it
 * already (containerd's and BuildKit's rule, so `id` shows the same groups as under docker build).
 */
export function resolveUser(root: string, user: string): ResolvedUser {
  const resolved = lookupUser(root, user || '0');
  if (!resolved.additionalGids.includes(resolved.gid)) resolved.additionalGids.unshift(resolved.gid);
  return resolved;
}

function lookupUser(root: string, user: string): ResolvedUser {
  const [userPart, groupPart] = splitUser(user);
  const idOf = (s: string) => (s === 'root' ? 0 : isNumericId(s) ? Number(s) : undefined);
  const entries = readPasswd(root);
  const fastUid = idOf(userPart);
  const fastGid = idOf(groupPart);
  if (fastUid !== undefined && fastGid !== undefined) {
    const home = entries.find((p) => p.uid === fastUid)?.home || '/';
    return { uid: fastUid, gid: fastGid, additionalGids: [], home };
  }
  const entry = isNumericId(userPart)
    ? entries.find((p) => p.uid === Number(userPart))
    : entries.find((p) => p.name === userPart);
  if (!entry && !isNumericId(userPart)) {
    throw new Error(`unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const uid = entry ? entry.uid : Number(userPart);
  let gid = entry ? entry.gid : 0;
  const allGroups = readGroups(root);
  const additionalGids: number[] = [];
  if (groupPart) gid = groupId(allGroups, groupPart);
  else if (entry) {
    for (const g of allGroups) if (g.members.includes(entry.name)) additionalGids.push(g.gid);
  }
  return { uid, gid, additionalGids, home: entry?.home || '/' };
}

/**
 * The owner `--chown` asks for. A user given alone also sets the group to that user's primary
 * group for a name, and to the same number for a numeric id (as BuildKit does).
 */
export function resolveChown(root: string | undefined, chown: string): { uid: number; gid: number } {
  const [userPart, groupPart] = splitUser(chown);
  let uid: number;
  let gid: number;
  if (isNumericId(userPart)) {
    uid = Number(userPart);
    gid = uid;
  } else {
    const entry = readPasswd(root).find((p) => p.name === userPart);
    if (!entry) throw new Error(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid;
    gid = entry.gid;
  }
  if (groupPart) gid = groupId(readGroups(root), groupPart);
  return { uid, gid };
}

function groupId(all: GroupEntry[], group: string): number {
  if (isNumericId(group)) return Number(group);
  const g = all.find((x) => x.name === group);
  if (!g) throw new Error(`unable to find group ${group}: no matching entries in group file`);
  return g.gid;
}

function splitUser(value: string): [string, string] {
  const colon = value.indexOf(':');
  return colon < 0 ? [value, ''] : [value.slice(0, colon), value.slice(colon + 1)];
}
