// Copies a directory tree keeping what a volume's copy-up must keep: modes, owners, times and
// symlinks as they are (never followed). Used to fill a new volume from the image's content.
import {
  chmodSync,
  copyFileSync,
  lchownSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';

export function copyTree(source: string, dest: string): void {
  const st = lstatSync(source);
  if (st.isDirectory()) {
    mkdirSync(dest, { recursive: true });
    for (const name of readdirSync(source)) copyTree(join(source, name), join(dest, name));
  } else if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(source), dest);
  } else if (st.isFile()) {
    copyFileSync(source, dest);
  } else {
    return; // sockets, fifos and device nodes are not copied into volumes
  }
  lchownSync(dest, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(dest, st.mode & 0o7777);
  lutimesSync(dest, st.atime, st.mtime);
}

/** Bytes used by regular files under `dir` (volume sizes for `system df`). */
export function treeSize(dir: string): number {
  let size = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) size += treeSize(p);
    else if (st.isFile()) size += st.blocks * 512;
  }
  return size;
}

export function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}
