// Resolves Docker's `--user` (`name`, `uid`, `name:group`, `uid:gid`) against the image's own
// /etc/passwd and /etc/group, read safely inside the rootfs.
import { isNumericId, readGroups, readPasswd, type ResolvedUser } from '../../fs/etc-passwd';
import { invalid } from '../errors';

/**
 * `user` as given (empty = root). Names must exist in the image; numeric ids need not (as with
 * Docker, `--user 1234` works on an image without that user; HOME is then `/`).
 */
export function resolveUser(rootfs: string, user: string, groupAdd: string[] = []): ResolvedUser {
  const [userPart, groupPart] = (user || '0').split(':', 2);
  const passwd = readPasswd(rootfs);
  const groups = readGroups(rootfs);

  const entry = isNumericId(userPart)
    ? passwd.find((p) => p.uid === Number(userPart))
    : passwd.find((p) => p.name === userPart);
  if (!entry && !isNumericId(userPart)) {
    throw invalid(`unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const uid = entry ? entry.uid : Number(userPart);
  let gid = entry ? entry.gid : 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumericId(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw invalid(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  const additional = new Set<number>();
  // Supplementary groups from /etc/group apply only when no group was forced, as with Docker.
  if (entry && (groupPart === undefined || groupPart === '')) {
    for (const g of groups) if (g.members.includes(entry.name) && g.gid !== gid) additional.add(g.gid);
  }
  for (const extra of groupAdd) {
    if (isNumericId(extra)) additional.add(Number(extra));
    else {
      const g = groups.find((x) => x.name === extra);
      if (!g) throw invalid(`unable to find group ${extra}: no matching entries in group file`);
      additional.add(g.gid);
    }
  }
  return { uid, gid, additionalGids: [...additional], home: entry?.home || '/' };
}
