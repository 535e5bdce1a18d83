// Resolves Docker's `--user` (`name`, `uid`, `name:group`, `uid:gid`) against the image's own
// /etc/passwd and /etc/group, read safely inside the rootfs.
import { readFileSync } from 'node:fs';
import { invalid } from '../errors';
import { resolveInRoot } from '../fs/resolve-in-root';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function readEtc(rootfs: string, file: string): string {
  try {
    return readFileSync(resolveInRoot(rootfs, file), 'utf8');
  } catch {
    return '';
  }
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 7 && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] }));
}

export function parseGroup(text: string): GroupEntry[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] }));
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

/**
 * `user` as given (empty = root). Names must exist in the image; numeric ids need not (as with
 * Docker, `--user 1234` works on an image without that user; HOME is then `/`).
 */
export function resolveUser(rootfs: string, user: string, groupAdd: string[] = []): ResolvedUser {
  const [userPart, groupPart] = (user || '0').split(':', 2);
  const passwd = parsePasswd(readEtc(rootfs, '/etc/passwd'));
  const groups = parseGroup(readEtc(rootfs, '/etc/group'));

  const entry = isNumeric(userPart)
    ? passwd.find((p) => p.uid === Number(userPart))
    : passwd.find((p) => p.name === userPart);
  if (!entry && !isNumeric(userPart)) {
    throw invalid(`unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const uid = entry ? entry.uid : Number(userPart);
  let gid = entry ? entry.gid : 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
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
    if (isNumeric(extra)) additional.add(Number(extra));
    else {
      const g = groups.find((x) => x.name === extra);
      if (!g) throw invalid(`unable to find group ${extra}: no matching entries in group file`);
      additional.add(g.gid);
    }
  }
  return { uid, gid, additionalGids: [...additional], home: entry?.home || '/' };
}
