// Paths inside a root filesystem (an image's, a container's, a build step's), resolved as if that
// directory were `/`: `..` stops at the root, and symlinks (absolute or relative) are followed within
// it, never out of it. This is the defence against the `docker cp` CVE family and its build-time
// twin (a link in a base image pointing at the host's /etc, written through by COPY). Callers make
// sure nothing runs in the root while they act on it (a running container is paused first; a build
// step's container has exited), so nothing can swap a component for a link between the resolution
// and the use.
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

const maxSymlinks = 255;

export class PathEscapeError extends Error {
  override name = 'PathEscapeError';
}

/**
 * The host path for `path` inside `root`. With `followFinal` false the last component is not
 * dereferenced (lstat semantics, for `cp` of a link itself). Missing components are allowed: the
 * remainder is joined lexically (for paths about to be created).
 */
export function resolveInRoot(root: string, path: string, followFinal = true): string {
  return posix.join(root, ...resolveParts(root, path, followFinal));
}

/** `path` inside `root` with links resolved, as a clean absolute path (`/a/b`). */
export function realPathInRoot(root: string, path: string, followFinal = true): string {
  return `/${resolveParts(root, path, followFinal).join('/')}`;
}

/** `path` relative to the container root, normalised (`/a/../b/` → `/b`), for messages and keys. */
export function cleanContainerPath(path: string): string {
  const out: string[] = [];
  for (const part of components(path)) {
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

function resolveParts(root: string, path: string, followFinal: boolean): string[] {
  const pending = components(path);
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
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (!isLink || (pending.length === 0 && !followFinal)) {
      resolved.push(part);
      continue;
    }
    if (++links > maxSymlinks)
      throw new PathEscapeError(`too many levels of symbolic links resolving ${path}`);
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...components(target));
  }
  return resolved;
}

function components(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}
