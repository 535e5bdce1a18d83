// Paths inside a step's root filesystem, resolved as if the rootfs were `/`: `..` stops at the
// root and symlinks (absolute or relative) are followed within it, never out of it — a link in a
// base image pointing at /etc cannot make a COPY write to the host. Nothing runs in the rootfs
// while the builder touches it (the step's container has exited), so resolution cannot race.
import * as fs from 'node:fs';
import { posix } from 'node:path';

const maxLinks = 255;

export class PathEscapeError extends Error {
  override name = 'PathEscapeError';
}

function parts(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * The host path of `path` inside `root`. Missing components are joined as they are (for paths
 * about to be created). With `followFinal` false the last component is not dereferenced.
 */
export function resolveInRoot(root: string, path: string, followFinal = true): string {
  return posix.join(root, ...resolveParts(root, path, followFinal));
}

/** `path` inside `root` with links resolved, as a clean absolute path (`/a/b`). */
export function realPathInRoot(root: string, path: string, followFinal = true): string {
  return `/${resolveParts(root, path, followFinal).join('/')}`;
}

function resolveParts(root: string, path: string, followFinal: boolean): string[] {
  const pending = parts(path);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = posix.join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = fs.lstatSync(candidate).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (!isLink || (pending.length === 0 && !followFinal)) {
      resolved.push(part);
      continue;
    }
    if (++links > maxLinks) throw new PathEscapeError(`too many levels of symbolic links in ${path}`);
    const target = fs.readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...parts(target));
  }
  return resolved;
}

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * `mkdir -p` inside the root: missing directories are created with `mode` and `owner`. Returns the
 * directories it created, as clean in-root paths, parents first. A component that exists and is
 * not a directory is an error naming it.
 */
export function mkdirAllInRoot(root: string, path: string, mode: number, owner: Owner): string[] {
  const real = realPathInRoot(root, path);
  const created: string[] = [];
  let current = '';
  for (const part of parts(real)) {
    current = `${current}/${part}`;
    const host = posix.join(root, current);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(host);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (st) {
      if (!st.isDirectory())
        throw new Error(`cannot create directory ${path}: ${current} exists and is not a directory`);
      continue;
    }
    fs.mkdirSync(host, { mode });
    fs.chmodSync(host, mode);
    fs.lchownSync(host, owner.uid, owner.gid);
    created.push(current);
  }
  return created;
}
