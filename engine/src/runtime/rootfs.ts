// The container's filesystem view: its root, the mounts of config.json in order, /dev, then
// pivot_root into it and (finishRootfs) hide what must stay hidden: maskedPaths, readonlyPaths,
// a read-only root.
//
// Every destination resolves inside the root (Where.IN_ROOT: openat2 RESOLVE_IN_ROOT in the
// helper), so a symlink in an image cannot point a mount at the host.
import { isAbsolute, posix, resolve } from 'node:path';
import type { Mount, Spec } from '../oci/runtime-spec';
import { containerDevices, setupDevices, setupDevSymlinks } from './devices';
import { MS } from './linux/constants';
import type { InitSyscalls } from './linux/init-program';
import { SyncPoint, Where } from './linux/init-program';
import { bindRemountFlags, parseMountOptions, rootPropagation } from './mounts';
import type { NamespacePlan } from './namespaces';

export type SourceKind = 'dir' | 'file' | 'missing';

/** How to give the container its /sys/fs/cgroup, decided by the cgroup manager. */
export type CgroupMountSource =
  | { version: 1; hierarchies: { name: string; hostPath: string }[] }
  | { version: 2; hostPath: string; namespaced: boolean };

export interface RootfsContext {
  spec: Spec;
  bundle: string;
  /** The root filesystem, absolute. */
  rootfs: string;
  namespaces: NamespacePlan;
  cgroup: CgroupMountSource;
  /** What a bind-mount source is on the host (injected so tests need no files). */
  sourceKind(path: string): SourceKind;
  /** chroot instead of pivot_root (--no-pivot, or a ramfs root). */
  noPivot: boolean;
  /** Stop before pivot_root so the runtime can run prestart/createRuntime/createContainer hooks. */
  syncForHooks: boolean;
  terminal: boolean;
  /** The runtime itself runs in a user namespace (rootless): device nodes are bind-mounted too. */
  inUserNamespace?: boolean;
  /**
   * Whether a gid exists where the mounts are made (rootless Berth with a single-id mapping has
   * gid 0 only): devpts' gid=5 (tty) is dropped when it does not, as the kernel refuses it.
   */
  gidMapped?: (gid: number) => boolean;
}

export function rootfsPath(spec: Spec, bundle: string): string {
  const path = spec.root?.path;
  if (!path)
    throw new Error(
      'config.json has no root.path: set it to the root filesystem directory (usually "rootfs")',
    );
  return isAbsolute(path) ? path : resolve(bundle, path);
}

/** A destination as an absolute, normalised container path (runc treats relative ones as from /). */
export function containerPath(destination: string): string {
  const normal = posix.normalize('/' + destination);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

export function setupRootfs(sys: InitSyscalls, ctx: RootfsContext): void {
  const { spec, rootfs } = ctx;
  sys.mount(null, '/', null, rootPropagation(spec.linux?.rootfsPropagation), null);
  // The root must be a mount point for pivot_root.
  sys.mount(rootfs, rootfs, null, MS.BIND | MS.REC, null);
  sys.openRoot(rootfs);

  let devIsBind = false;
  let hasDevpts = false;
  for (const m of spec.mounts ?? []) {
    const kind = mountEntry(sys, m, ctx);
    const dest = containerPath(m.destination);
    if (dest === '/dev' && kind === 'bind') devIsBind = true;
    if (dest === '/dev/pts' && m.type === 'devpts') hasDevpts = true;
  }
  if (!devIsBind) {
    const inUserNamespace = ctx.namespaces.has.has('user') || ctx.inUserNamespace === true;
    setupDevices(sys, containerDevices(spec.linux?.devices), inUserNamespace);
    setupDevSymlinks(sys, hasDevpts);
  }
  if (ctx.terminal) sys.mkfile('/dev/console', 0o600, Where.IN_ROOT);
  if (spec.process?.cwd) sys.mkdirs(containerPath(spec.process.cwd), 0o755, Where.IN_ROOT);

  if (ctx.syncForHooks) sys.sync(SyncPoint.CREATE_HOOKS);

  if (ctx.noPivot) sys.chroot(rootfs);
  else sys.pivotRoot(rootfs);
}

/**
 * After the hostname and sysctls are written (they need /proc/sys writable): hide masked paths,
 * make read-only paths and, if asked, the root read-only.
 */
export function finishRootfs(sys: InitSyscalls, spec: Spec): void {
  for (const path of spec.linux?.maskedPaths ?? []) sys.maskPath(containerPath(path));
  for (const path of spec.linux?.readonlyPaths ?? []) sys.readonlyPath(containerPath(path));
  if (spec.root?.readonly) sys.remount('/', MS.RDONLY, Where.HOST);
}

function withoutUnmappedGid(options: string[], gidMapped: (gid: number) => boolean): string[] {
  return options.filter((o) => !o.startsWith('gid=') || gidMapped(Number(o.slice(4))));
}

/** Mounts one config.json entry; returns "bind" for bind mounts. */
function mountEntry(sys: InitSyscalls, m: Mount, ctx: RootfsContext): 'bind' | 'other' {
  const dest = containerPath(m.destination);
  const opts = parseMountOptions(
    m.type === 'devpts' && ctx.gidMapped ? withoutUnmappedGid(m.options ?? [], ctx.gidMapped) : m.options,
  );
  if (opts.unsupported.length) {
    throw new Error(
      `mounts: option ${opts.unsupported.join(', ')} on "${m.destination}" is not supported by berth-runtime yet`,
    );
  }
  const type = m.type || (opts.bind ? 'bind' : '');
  let kind: 'bind' | 'other' = 'other';

  if (type === 'bind' || opts.bind) {
    const source = resolve(ctx.bundle, m.source ?? '');
    bindMount(sys, source, dest, opts.flags, opts.recursive, ctx);
    kind = 'bind';
  } else if (type === 'cgroup' || type === 'cgroup2') {
    cgroupMount(sys, dest, opts.flags, ctx);
  } else if (type === 'sysfs' && hostNetworkInUserNamespace(ctx)) {
    // A sysfs belongs to a network namespace, and a user namespace cannot mount the host's: show
    // the host's, read-only (recursively: its submounts are locked in a user namespace, and their
    // files belong to the host's root, not to the container's).
    bindMount(sys, '/sys', dest, opts.flags | MS.RDONLY, true, ctx);
  } else {
    if (!type) throw new Error(`mounts: "${m.destination}" has no type and is not a bind mount`);
    sys.mkdirs(dest, 0o755, Where.IN_ROOT);
    const where = Where.IN_ROOT | (opts.copyUp && type === 'tmpfs' ? Where.COPY_UP : 0);
    sys.mount(m.source || type, dest, type, opts.flags & ~MS.BIND, opts.data || null, where);
  }
  if (opts.treeSet || opts.treeClear) sys.mountSetattr(dest, opts.treeSet, opts.treeClear, Where.IN_ROOT);
  for (const p of opts.propagation) sys.mount(null, dest, null, p, null, Where.IN_ROOT);
  return kind;
}

/** No network namespace of its own or joined, inside a user namespace (rootless with host network). */
function hostNetworkInUserNamespace(ctx: RootfsContext): boolean {
  const { has } = ctx.namespaces;
  return !has.has('network') && (has.has('user') || ctx.inUserNamespace === true);
}

function bindMount(
  sys: InitSyscalls,
  source: string,
  dest: string,
  flags: number,
  recursive: boolean,
  ctx: RootfsContext,
): void {
  const kind = ctx.sourceKind(source);
  if (kind === 'missing') {
    throw new Error(
      `mounts: bind source "${source}" for "${dest}" does not exist: create it or fix the mount's source`,
    );
  }
  if (kind === 'dir') {
    sys.mkdirs(dest, 0o755, Where.IN_ROOT);
  } else {
    sys.mkdirs(posix.dirname(dest), 0o755, Where.IN_ROOT);
    sys.mkfile(dest, 0o644, Where.IN_ROOT);
  }
  sys.mount(source, dest, null, MS.BIND | (recursive ? MS.REC : 0), null, Where.IN_ROOT);
  const extra = flags & bindRemountFlags;
  if (extra) sys.remount(dest, extra, Where.IN_ROOT);
}

function cgroupMount(sys: InitSyscalls, dest: string, flags: number, ctx: RootfsContext): void {
  const cg = ctx.cgroup;
  const base = MS.NOSUID | MS.NODEV | MS.NOEXEC;
  sys.mkdirs(dest, 0o755, Where.IN_ROOT);
  if (cg.version === 2) {
    if (cg.namespaced) {
      sys.mount('cgroup2', dest, 'cgroup2', (flags | base) & ~MS.BIND, null, Where.IN_ROOT);
    } else {
      sys.mount(cg.hostPath, dest, null, MS.BIND | MS.REC, null, Where.IN_ROOT);
      sys.remount(dest, (flags & bindRemountFlags) | base, Where.IN_ROOT);
    }
    return;
  }
  // cgroup v1: a tmpfs with the container's own directory of each hierarchy bind-mounted in it.
  sys.mount('tmpfs', dest, 'tmpfs', base, 'mode=755', Where.IN_ROOT);
  for (const h of cg.hierarchies) {
    const sub = `${dest}/${h.name}`;
    sys.mkdirs(sub, 0o755, Where.IN_ROOT);
    sys.mount(h.hostPath, sub, null, MS.BIND | MS.REC, null, Where.IN_ROOT);
    sys.remount(sub, (flags & bindRemountFlags) | base, Where.IN_ROOT);
    const names = h.name.split(',');
    if (names.length > 1) for (const name of names) sys.symlink(h.name, `${dest}/${name}`, Where.IN_ROOT);
  }
  if (flags & MS.RDONLY) sys.remount(dest, MS.RDONLY | base, Where.IN_ROOT);
}
