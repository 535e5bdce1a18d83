// Copying files into a step's rootfs the way BuildKit's COPY and ADD do: a directory source gives
// its contents, a file lands under the destination directory (a destination ending in `/`, or an
// existing directory) or as the destination itself; missing destination
// directories are created; modes and times are kept, owners become root (or --chown), --chmod
// replaces permission bits; links inside a copied tree stay links. Destinations are resolved
// inside the rootfs, never through a link out of it.
import * as fs from 'node:fs';
import { join, posix } from 'node:path';
import { realPathInRoot } from '../fs/resolve-in-root';
import { mkdirAllInRoot, type Owner } from './rootfs-paths';

/** One thing to copy: a file, a link or a directory tree on the host. */
export interface CopyItem {
  /** Host path of the source (links already followed for the top level). */
  hostPath: string;
  /** Its name in the destination when it is a file (the source's base name). */
  name: string;
  /** For --parents: the directories to recreate above it in the destination (`a/b`). */
  parents?: string;
  /** Entries to leave out, relative to the item (`sub/file`); directories prune their subtree. */
  skip?: (rel: string) => boolean;
}

/** A file given by its content (a heredoc in COPY, a downloaded URL in ADD). */
export interface CopyContent {
  name: string;
  data: Buffer;
  mode: number;
  mtime?: Date;
}

export interface CopyOptions {
  /** Owner of everything copied and of the directories created for it; root when absent. */
  owner?: Owner;
  /** Permission bits for every copied file and directory (--chmod). */
  mode?: number;
  /** Treat the destination as a directory even without a trailing `/`. */
  destIsDir?: boolean;
  /**
   * Keep the sources' owners (unpacked archives); `owner` then only applies to the destination
   * directories the copy creates (as BuildKit's ADD --chown does for an archive).
   */
  keepOwners?: boolean;
}

const root: Owner = { uid: 0, gid: 0 };

/**
 * Copies `items` and `contents` to `dest` (absolute, inside `rootfs`). Returns nothing; errors
 * name the destination and the source.
 */
export function copyIntoRootfs(
  rootfs: string,
  dest: string,
  items: readonly CopyItem[],
  contents: readonly CopyContent[],
  options: CopyOptions,
): void {
  const owner = options.owner ?? root;
  const keep = options.keepOwners === true;
  const realDest = realPathInRoot(rootfs, dest);
  const destHost = join(rootfs, realDest);
  // As BuildKit, each source is copied on its own: a destination without `/` that is not (yet) a
  // directory is a file path, and several files copied onto it leave the last one.
  const destIsDir = () => dest.endsWith('/') || options.destIsDir === true || isDir(destHost);

  for (const item of items) {
    const st = fs.statSync(item.hostPath);
    const base = item.parents ? posix.join(realDest, item.parents) : realDest;
    if (st.isDirectory()) {
      mkdirAllInRoot(rootfs, base, 0o755, owner);
      copyTree(item.hostPath, rootfs, base, '', item.skip, owner, options.mode, keep);
      continue;
    }
    const target = item.parents || destIsDir() ? posix.join(base, item.name) : realDest;
    mkdirAllInRoot(rootfs, posix.dirname(target), 0o755, owner);
    copyEntry(item.hostPath, rootfs, target, fs.lstatSync(item.hostPath), owner, options.mode, keep);
  }
  for (const content of contents) {
    const target = destIsDir() ? posix.join(realDest, content.name) : realDest;
    mkdirAllInRoot(rootfs, posix.dirname(target), 0o755, owner);
    const host = hostTarget(rootfs, target);
    removeExisting(host);
    fs.writeFileSync(host, content.data, { mode: 0o600 });
    fs.lchownSync(host, owner.uid, owner.gid);
    fs.chmodSync(host, options.mode ?? content.mode);
    if (content.mtime) fs.utimesSync(host, content.mtime, content.mtime);
  }
}

function isDir(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The host path for an in-root target whose parent exists: the parent resolved, the name as is. */
function hostTarget(rootfs: string, target: string): string {
  const parent = realPathInRoot(rootfs, posix.dirname(target));
  return join(rootfs, parent, posix.basename(target));
}

function removeExisting(host: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(host);
  } catch {
    return;
  }
  if (st.isDirectory()) throw new Error(`cannot replace directory ${host} with a file`);
  fs.rmSync(host);
}

function copyTree(
  srcDir: string,
  rootfs: string,
  destDir: string,
  rel: string,
  skip: ((rel: string) => boolean) | undefined,
  owner: Owner,
  mode: number | undefined,
  keep: boolean,
): void {
  for (const name of fs.readdirSync(srcDir).sort()) {
    const childRel = rel ? `${rel}/${name}` : name;
    if (skip?.(childRel)) continue;
    const src = join(srcDir, name);
    const st = fs.lstatSync(src);
    const target = posix.join(destDir, name);
    if (st.isDirectory()) {
      const host = hostTarget(rootfs, target);
      let existing: fs.Stats | undefined;
      try {
        existing = fs.lstatSync(host);
      } catch {
        // Created next.
      }
      if (existing && !existing.isDirectory()) fs.rmSync(host);
      if (!existing || !existing.isDirectory()) fs.mkdirSync(host, { mode: 0o700 });
      copyTree(src, rootfs, target, childRel, skip, owner, mode, keep);
      applyMetadata(host, st, keep ? st : owner, mode);
      continue;
    }
    copyEntry(src, rootfs, target, st, owner, mode, keep);
  }
}

function copyEntry(
  src: string,
  rootfs: string,
  target: string,
  st: fs.Stats,
  owner: Owner,
  mode: number | undefined,
  keep: boolean,
): void {
  const who = keep ? st : owner;
  const host = hostTarget(rootfs, target);
  if (isDir(host) && !fs.lstatSync(host).isSymbolicLink()) {
    throw new Error(`cannot copy ${posix.basename(src)} to ${target}: a directory is in the way`);
  }
  removeExisting(host);
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), host);
    fs.lchownSync(host, who.uid, who.gid);
    fs.lutimesSync(host, st.atime, st.mtime);
    return;
  }
  if (st.isFile()) {
    fs.copyFileSync(src, host);
    applyMetadata(host, st, who, mode);
    return;
  }
  // Sockets, devices and pipes have no place in an image built from a context: left out, as the
  // context transfer of BuildKit leaves them out.
}

function applyMetadata(host: string, st: fs.Stats, owner: Owner, mode: number | undefined): void {
  fs.lchownSync(host, owner.uid, owner.gid);
  // chown clears setuid/setgid: the mode goes last.
  fs.chmodSync(host, mode ?? st.mode & 0o7777);
  fs.utimesSync(host, st.atime, st.mtime);
}
