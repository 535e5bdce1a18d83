// A root filesystem's own user and group databases (/etc/passwd, /etc/group), read through paths
// resolved inside it. A file that is missing or unreadable counts as empty: numeric ids still work
// without it, names then fail where the caller looks them up.
import { readFileSync } from 'node:fs';
import { resolveInRoot } from './resolve-in-root';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export const isNumericId = (s: string): boolean => /^\d+$/.test(s);

/** The entries of `root`'s /etc/passwd (none without a root). */
export function readPasswd(root: string | undefined): PasswdEntry[] {
  return records(readEtc(root, '/etc/passwd'), 7)
    .filter((f) => isNumericId(f[2]) && isNumericId(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] }));
}

/** The entries of `root`'s /etc/group (none without a root). */
export function readGroups(root: string | undefined): GroupEntry[] {
  return records(readEtc(root, '/etc/group'), 4)
    .filter((f) => isNumericId(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] }));
}

function readEtc(root: string | undefined, file: string): string {
  if (root === undefined) return '';
  try {
    return readFileSync(resolveInRoot(root, file), 'utf8');
  } catch {
    return '';
  }
}

/** The colon-separated fields of each line that is not blank or a comment, with at least `min`. */
function records(text: string, min: number): string[][] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= min);
}
