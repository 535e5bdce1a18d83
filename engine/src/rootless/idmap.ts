// Which ids rootless Berth's user namespace maps: the user's own uid and gid become 0 (root in
// containers), and the subordinate ranges /etc/subuid and /etc/subgid give the user (Debian's
// useradd adds 65536 of each) become 1, 2, … — so images whose files belong to other users
// (www-data, nobody…) keep those owners. Without a range, or without the setuid newuidmap and
// newgidmap from Debian's `uidmap` package that apply one, only the user's own ids are mapped.
import type { IdRange } from '../runtime/linux/userns';

export interface SubordinateRange {
  start: number;
  count: number;
}

/** The ranges a subuid/subgid file gives `user` (lines `name-or-id:start:count`), in file order. */
export function subordinateRanges(text: string, user: { name?: string; id: number }): SubordinateRange[] {
  const ranges: SubordinateRange[] = [];
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner === undefined || start === undefined || count === undefined || owner.startsWith('#')) continue;
    if (owner !== user.name && owner !== String(user.id)) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && s >= 0 && c > 0) ranges.push({ start: s, count: c });
  }
  return ranges;
}

export interface MappingPlan {
  /** 'subordinate': the user's ids plus the subordinate ranges; 'single': the user's ids only. */
  kind: 'subordinate' | 'single';
  uidMap: IdRange[];
  gidMap: IdRange[];
  /** The setuid helpers that apply a subordinate mapping (absent for a single-id one). */
  helpers?: { newuidmap: string; newgidmap: string };
  /** Why the mapping is single-id, for the warning that explains its limits. */
  reason?: string;
}

export interface MappingInput {
  uid: number;
  gid: number;
  /** The login name (subuid files name users by name or by uid). */
  user?: string;
  /** Contents of /etc/subuid and /etc/subgid; undefined when the file is missing. */
  subuid?: string;
  subgid?: string;
  /** Paths of newuidmap and newgidmap, when installed. */
  newuidmap?: string;
  newgidmap?: string;
}

/** The kernel accepts at most 340 lines in a uid_map or gid_map. */
const maxMapLines = 340;

/**
 * The ranges as disjoint intervals, lowest first, without the user's own id: the kernel refuses a
 * map whose outside ranges overlap (EINVAL), and /etc/subuid may list overlapping lines.
 */
export function disjointRanges(ranges: SubordinateRange[], own: number): SubordinateRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: SubordinateRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.start + last.count) {
      last.count = Math.max(last.count, r.start + r.count - last.start);
    } else {
      merged.push({ ...r });
    }
  }
  // The user's own id is already mapped (to 0): cut it out of a range that holds it.
  return merged.flatMap((r) =>
    own >= r.start && own < r.start + r.count
      ? [
          { start: r.start, count: own - r.start },
          { start: own + 1, count: r.start + r.count - own - 1 },
        ].filter((p) => p.count > 0)
      : [r],
  );
}

function mapWith(own: number, ranges: SubordinateRange[]): IdRange[] {
  const map: IdRange[] = [{ inside: 0, outside: own, size: 1 }];
  let next = 1;
  for (const r of disjointRanges(ranges, own).slice(0, maxMapLines - 1)) {
    map.push({ inside: next, outside: r.start, size: r.count });
    next += r.count;
  }
  return map;
}

export function planMapping(input: MappingInput): MappingPlan {
  const single = (reason: string): MappingPlan => ({
    kind: 'single',
    uidMap: [{ inside: 0, outside: input.uid, size: 1 }],
    gidMap: [{ inside: 0, outside: input.gid, size: 1 }],
    reason,
  });
  const who = input.user ?? String(input.uid);
  const uids = subordinateRanges(input.subuid ?? '', { name: input.user, id: input.uid });
  const gids = subordinateRanges(input.subgid ?? '', { name: input.user, id: input.uid });
  if (!uids.length || !gids.length) {
    const missing = [!uids.length && '/etc/subuid', !gids.length && '/etc/subgid'].filter(Boolean);
    return single(
      `${missing.join(' and ')} ${missing.length > 1 ? 'give' : 'gives'} ${who} no subordinate ids ` +
        `(add them as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${who})`,
    );
  }
  if (!input.newuidmap || !input.newgidmap) {
    return single(
      `newuidmap and newgidmap, which apply the subordinate ids of /etc/subuid, are not installed ` +
        `(install them as root: apt-get install uidmap)`,
    );
  }
  return {
    kind: 'subordinate',
    uidMap: mapWith(input.uid, uids),
    gidMap: mapWith(input.gid, gids),
    helpers: { newuidmap: input.newuidmap, newgidmap: input.newgidmap },
  };
}

/** "IN OUT N IN OUT N…": how berth-userns takes a map on its command line. */
export function mapArgument(map: IdRange[]): string {
  return map.map((r) => `${r.inside} ${r.outside} ${r.size}`).join(' ');
}

/** What a single-id mapping cannot do, for warnings and `docker info`. */
export const singleMappingLimits =
  'only root (uid 0, gid 0) exists in containers: files of other owners in images belong to root, ' +
  'USER and --user other than root fail, and supplementary groups (setgroups) are unavailable';
