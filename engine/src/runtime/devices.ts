// The container's /dev: the default device nodes every container gets, the ones config.json adds,
// and the usual symlinks.
import type { LinuxDevice } from '../oci/runtime-spec';
import { MS, S_IFBLK, S_IFCHR, S_IFIFO } from './linux/constants';
import type { InitSyscalls } from './linux/init-program';
import { Where } from './linux/init-program';

/** Created in every container (runtime-spec "Default Devices"). */
export const defaultDevices: LinuxDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

const devSymlinks: [target: string, path: string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
];

function typeBits(device: LinuxDevice): number {
  switch (device.type) {
    case 'c':
    case 'u':
      return S_IFCHR;
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      throw new Error(
        `linux.devices: "${device.path}" has unknown type "${String(device.type)}" (use c, b, u or p)`,
      );
  }
}

/** The default devices with config.json's own list, a configured path replacing a default one. */
export function containerDevices(configured: LinuxDevice[] | undefined): LinuxDevice[] {
  const byPath = new Map<string, LinuxDevice>();
  for (const d of [...defaultDevices, ...(configured ?? [])]) {
    if (!d.path.startsWith('/dev/')) throw new Error(`linux.devices: "${d.path}" must be under /dev`);
    byPath.set(d.path, d);
  }
  return [...byPath.values()];
}

/**
 * Creates the devices inside the root. In a user namespace mknod is not allowed, so the host's
 * nodes are bind-mounted instead (as runc does).
 */
export function setupDevices(sys: InitSyscalls, devices: LinuxDevice[], inUserNamespace: boolean): void {
  for (const d of devices) {
    const dir = d.path.slice(0, d.path.lastIndexOf('/')) || '/';
    sys.mkdirs(dir, 0o755, Where.IN_ROOT);
    if (inUserNamespace) {
      sys.mkfile(d.path, 0o000, Where.IN_ROOT);
      sys.mount(d.path, d.path, null, MS.BIND, null, Where.IN_ROOT);
      continue;
    }
    const mode = typeBits(d) | ((d.fileMode ?? 0o666) & 0o7777);
    sys.mknod(d.path, mode, d.major ?? 0, d.minor ?? 0, Where.IN_ROOT);
    if ((d.uid ?? 0) !== 0 || (d.gid ?? 0) !== 0) sys.chown(d.path, d.uid ?? 0, d.gid ?? 0, Where.IN_ROOT);
  }
}

/** /dev/fd, /dev/std{in,out,err} and, when /dev/pts is a devpts, /dev/ptmx -> pts/ptmx. */
export function setupDevSymlinks(sys: InitSyscalls, hasDevpts: boolean): void {
  for (const [target, path] of devSymlinks) sys.symlink(target, path, Where.IN_ROOT);
  if (hasDevpts) sys.symlink('pts/ptmx', '/dev/ptmx', Where.IN_ROOT);
}
