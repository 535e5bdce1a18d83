// Mount options as config.json spells them (mount(8) names) turned into mount(2) flags and data.
import { MOUNT_ATTR as A, MS } from './linux/constants';

export interface ParsedMountOptions {
  /** Flags for the mount itself (MS_RDONLY, MS_NOSUID, …), MS_BIND|MS_REC for bind/rbind. */
  flags: number;
  /** Propagation changes, each its own mount(2) call after the mount (MS_PRIVATE|MS_REC, …). */
  propagation: number[];
  /** Filesystem-specific options, comma-joined: "mode=755,size=65536k". */
  data: string;
  bind: boolean;
  recursive: boolean;
  /** The recursive options (rro, rnosuid…): MOUNT_ATTR_* bits to set and clear on the whole tree. */
  treeSet: number;
  treeClear: number;
  /** tmpcopyup: the new tmpfs starts with what the directory it covers held. */
  copyUp: boolean;
  /** Options recognised but not implemented (idmap…): the mount is refused, naming them. */
  unsupported: string[];
}

const setFlags: Record<string, number> = {
  ro: MS.RDONLY,
  nosuid: MS.NOSUID,
  nodev: MS.NODEV,
  noexec: MS.NOEXEC,
  sync: MS.SYNCHRONOUS,
  remount: MS.REMOUNT,
  mand: MS.MANDLOCK,
  dirsync: MS.DIRSYNC,
  nosymfollow: MS.NOSYMFOLLOW,
  noatime: MS.NOATIME,
  nodiratime: MS.NODIRATIME,
  relatime: MS.RELATIME,
  strictatime: MS.STRICTATIME,
  lazytime: MS.LAZYTIME,
  silent: MS.SILENT,
};

const clearFlags: Record<string, number> = {
  rw: MS.RDONLY,
  suid: MS.NOSUID,
  dev: MS.NODEV,
  exec: MS.NOEXEC,
  async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK,
  atime: MS.NOATIME,
  diratime: MS.NODIRATIME,
  norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME,
  nolazytime: MS.LAZYTIME,
  loud: MS.SILENT,
  symfollow: MS.NOSYMFOLLOW,
};

const propagationFlags: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/**
 * runc's recursive options, applied with mount_setattr(2) to the mount and every submount (a
 * read-only bind of a tree with mounts inside stays read-only all the way down): [set, clear].
 */
const treeAttrs: Record<string, [number, number]> = {
  rro: [A.RDONLY, 0],
  rrw: [0, A.RDONLY],
  rnosuid: [A.NOSUID, 0],
  rsuid: [0, A.NOSUID],
  rnodev: [A.NODEV, 0],
  rdev: [0, A.NODEV],
  rnoexec: [A.NOEXEC, 0],
  rexec: [0, A.NOEXEC],
  rnodiratime: [A.NODIRATIME, 0],
  rdiratime: [0, A.NODIRATIME],
  rnosymfollow: [A.NOSYMFOLLOW, 0],
  rsymfollow: [0, A.NOSYMFOLLOW],
  // The atime mode is one field: the kernel wants all of its bits cleared to set one.
  rrelatime: [A.RELATIME, A._ATIME],
  rnoatime: [A.NOATIME, A._ATIME],
  rstrictatime: [A.STRICTATIME, A._ATIME],
};

/** Extensions other runtimes accept that we do not implement yet: refused, naming them. */
const knownUnsupported = new Set([
  'idmap',
  'ridmap',
  'copy-symlink',
  'ratime',
  'rnorelatime',
  'rnostrictatime',
]);

export function parseMountOptions(options: string[] | undefined): ParsedMountOptions {
  const parsed: ParsedMountOptions = {
    flags: 0,
    propagation: [],
    data: '',
    bind: false,
    recursive: false,
    treeSet: 0,
    treeClear: 0,
    copyUp: false,
    unsupported: [],
  };
  const data: string[] = [];
  for (const option of options ?? []) {
    if (option === 'bind' || option === 'rbind') {
      parsed.bind = true;
      parsed.recursive ||= option === 'rbind';
      parsed.flags |= MS.BIND | (option === 'rbind' ? MS.REC : 0);
    } else if (option in setFlags) {
      parsed.flags |= setFlags[option];
    } else if (option in clearFlags) {
      parsed.flags &= ~clearFlags[option];
    } else if (option in propagationFlags) {
      parsed.propagation.push(propagationFlags[option]);
    } else if (option in treeAttrs) {
      // A later option undoes an earlier one, as for the plain flags.
      const [set, clear] = treeAttrs[option];
      parsed.treeSet = (parsed.treeSet & ~clear) | set;
      parsed.treeClear = (parsed.treeClear & ~(set & ~A._ATIME)) | clear;
    } else if (option === 'tmpcopyup') {
      parsed.copyUp = true;
    } else if (option === 'notmpcopyup') {
      parsed.copyUp = false;
    } else if (knownUnsupported.has(option)) {
      parsed.unsupported.push(option);
    } else {
      data.push(option);
    }
  }
  parsed.data = data.join(',');
  return parsed;
}

/** All option names this runtime understands (features.md `mountOptions`). */
export const supportedMountOptions = [
  'bind',
  'rbind',
  'tmpcopyup',
  'notmpcopyup',
  ...Object.keys(treeAttrs),
  ...Object.keys(setFlags),
  ...Object.keys(clearFlags),
  ...Object.keys(propagationFlags),
].sort();

/** Flags that, on a bind mount, need a second remount call to take effect. */
export const bindRemountFlags =
  MS.RDONLY |
  MS.NOSUID |
  MS.NODEV |
  MS.NOEXEC |
  MS.NOATIME |
  MS.NODIRATIME |
  MS.RELATIME |
  MS.STRICTATIME |
  MS.NOSYMFOLLOW;

/** The rootfsPropagation value as the flags for mount("", "/", …). Default: rslave, as runc. */
export function rootPropagation(value: string | undefined): number {
  if (!value) return MS.SLAVE | MS.REC;
  const flags = propagationFlags[value];
  if (flags === undefined) {
    throw new Error(
      `linux.rootfsPropagation "${value}" is not one of ${Object.keys(propagationFlags).join(', ')}`,
    );
  }
  return flags;
}
