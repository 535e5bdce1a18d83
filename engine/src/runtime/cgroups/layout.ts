// Where the cgroup hierarchies are mounted (v1, v2 or both: "hybrid"), and where a container's
// cgroup goes in each. Parsed from /proc/self/mountinfo and /proc/self/cgroup so tests can feed text.
import { basename, posix } from 'node:path';

export interface CgroupHierarchy {
  version: 1 | 2;
  /** Where it is mounted on the host, e.g. /sys/fs/cgroup/memory. */
  mountPoint: string;
  /** The cgroup the mount shows as its root (not "/" inside some containers). */
  root: string;
  /** v1: its controllers ("cpu", "cpuacct"; "name=systemd" for named ones). v2: none listed here. */
  controllers: string[];
  /** Its directory name under the cgroup mount, as the container sees it ("cpu,cpuacct"). */
  name: string;
}

export interface CgroupLayout {
  /** 'none': no cgroup the runtime may use (a user namespace without delegation; see none.ts). */
  mode: 'v1' | 'v2' | 'hybrid' | 'none';
  v1: CgroupHierarchy[];
  unified?: CgroupHierarchy;
}

/** Finds the cgroup mounts in mountinfo text. */
export function parseCgroupMounts(mountinfo: string): CgroupLayout {
  const v1: CgroupHierarchy[] = [];
  let unified: CgroupHierarchy | undefined;
  const seen = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(' ');
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    const root = unescapeMountPath(fields[3]);
    const mountPoint = unescapeMountPath(fields[4]);
    if (fstype === 'cgroup2') {
      unified ??= { version: 2, mountPoint, root, controllers: [], name: basename(mountPoint) };
    } else if (fstype === 'cgroup') {
      const controllers = superOptions
        .split(',')
        .filter(
          (o) =>
            ![
              'rw',
              'ro',
              'relatime',
              'nosuid',
              'nodev',
              'noexec',
              'clone_children',
              'noprefix',
              'xattr',
              'cpuset_v2_mode',
              'favordynmods',
            ].includes(o) && !o.startsWith('release_agent='),
        );
      const key = controllers.join(',');
      if (controllers.length === 0 || seen.has(key)) continue; // the same hierarchy mounted twice
      seen.add(key);
      v1.push({ version: 1, mountPoint, root, controllers, name: basename(mountPoint) });
    }
  }
  const mode = v1.length === 0 ? 'v2' : unified ? 'hybrid' : 'v1';
  if (v1.length === 0 && !unified) {
    throw new Error(
      'no cgroup filesystem is mounted (looked for cgroup and cgroup2 in /proc/self/mountinfo): mount cgroup2 at /sys/fs/cgroup',
    );
  }
  return { mode, v1, unified };
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** /proc/self/cgroup: the runtime's own cgroup per hierarchy, keyed by its controllers ("" for v2). */
export function parseProcCgroup(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) own.set(m[1], m[2]);
  }
  return own;
}

/**
 * The container's cgroup in a hierarchy, as a host directory. An absolute cgroupsPath is taken
 * from the hierarchy's root; a relative one from the runtime's own cgroup (runtime-spec).
 */
export function hostCgroupDir(h: CgroupHierarchy, cgroupsPath: string, own: Map<string, string>): string {
  let path = cgroupsPath;
  if (!path.startsWith('/')) {
    const key = h.version === 2 ? '' : h.controllers.join(',');
    path = posix.join(own.get(key) ?? '/', path);
  }
  path = posix.normalize(path);
  const rel = posix.relative(h.root, path);
  if (rel.startsWith('..')) {
    throw new Error(
      `cgroupsPath "${cgroupsPath}" is outside the cgroup mounted at ${h.mountPoint} (its root is ${h.root})`,
    );
  }
  return posix.join(h.mountPoint, rel);
}

/** cgroupsPath may not climb out with "..": it names a cgroup the runtime will create and remove. */
export function checkCgroupsPath(path: string): void {
  if (path.split('/').includes('..')) throw new Error(`cgroupsPath "${path}" must not contain ".."`);
  if (path.includes(':')) {
    throw new Error(
      `cgroupsPath "${path}" looks like a systemd slice ("slice:prefix:name"): berth-runtime manages cgroups through cgroupfs, use a path like /berth/<id>`,
    );
  }
}
