// Directories made inside a step's root filesystem, through paths resolved within it
// (fs/resolve-in-root.ts): a link in a base image pointing at /etc cannot make a COPY write to the
// host.
import * as fs from 'node:fs';
import { posix } from 'node:path';
import { realPathInRoot } from '../fs/resolve-in-root';

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
  // `real` is clean (`/a/b`, or `/` for the root itself): its components need no filtering but the empty.
  for (const part of real.split('/').filter(Boolean)) {
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
