// Resolves a path inside a container's root filesystem as if that directory were `/`: `..` stops
// at the root, and symlinks (absolute or relative) are followed within it, never out of it. This
// is the defence against the `docker cp` CVE family (a symlink in the container pointing at the
// host's /etc). Callers that act on a running container pause it first, so nothing can swap a
// component for a link between the resolution and the use.
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

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
  const pending = splitPath(path);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '.' || part === '') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    const isLast = pending.length === 0;
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code !== 'ENOENT' &&
        (err as NodeJS.ErrnoException).code !== 'ENOTDIR'
      ) {
        throw err;
      }
    }
    if (!isLink || (isLast && !followFinal)) {
      resolved.push(part);
      continue;
    }
    if (++links > maxSymlinks)
      throw new PathEscapeError(`too many levels of symbolic links resolving ${path}`);
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...splitPath(target));
  }
  return join(root, ...resolved);
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

/** `path` relative to the container root, normalised (`/a/../b/` → `/b`), for messages and keys. */
export function cleanContainerPath(path: string): string {
  const out: string[] = [];
  for (const part of splitPath(path)) {
    if (part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}
