// `docker cp`: stat, read and write paths inside a container. Paths resolve inside the container's
// root as if it were `/` (symlinks cannot lead out), through /proc/<pid>/root for a running
// container (so its volumes and binds are seen) and its overlayfs root otherwise. A running
// container is frozen for the duration, so nothing in it can swap a path for a link meanwhile.
import { existsSync, lstatSync, readlinkSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { ArchiveOptions } from '../../api/backend';
import type { PathStat } from '../../api/types';
import { diskFull, EngineError, invalid, isDiskFull, notFound } from '../errors';
import { cleanContainerPath, resolveInRoot } from '../../fs/resolve-in-root';

/** Go's os.FileMode bits, which the docker CLI decodes from the stat header. */
const goMode = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
};

export function goFileMode(st: Stats): number {
  let mode = st.mode & 0o777;
  if (st.isDirectory()) mode += goMode.dir;
  if (st.isSymbolicLink()) mode += goMode.symlink;
  if (st.isBlockDevice()) mode += goMode.device;
  if (st.isCharacterDevice()) mode += goMode.device + goMode.charDevice;
  if (st.isFIFO()) mode += goMode.namedPipe;
  if (st.isSocket()) mode += goMode.socket;
  if (st.mode & 0o4000) mode += goMode.setuid;
  if (st.mode & 0o2000) mode += goMode.setgid;
  if (st.mode & 0o1000) mode += goMode.sticky;
  return mode;
}

export interface ArchiveRoot {
  /** The directory that is `/` inside the container. */
  root: string;
  /** Undoes what was done to reach it (thaw, unmount). */
  done(): void;
}

function statOf(root: string, path: string): { stat: PathStat; hostPath: string } {
  const clean = cleanContainerPath(path);
  // The final component is not followed (its link target is reported instead), as Docker does.
  const hostPath = resolveInRoot(root, clean, false);
  let st: Stats;
  try {
    st = lstatSync(hostPath);
  } catch {
    throw notFound(`Could not find the file ${path} in container`);
  }
  const linkTarget = st.isSymbolicLink() ? readlinkSync(hostPath) : '';
  return {
    stat: {
      name: basename(clean) || '/',
      size: st.size,
      mode: goFileMode(st),
      mtime: st.mtime.toISOString(),
      linkTarget,
    },
    hostPath,
  };
}

export function archiveStat(root: string, path: string): PathStat {
  return statOf(root, path).stat;
}

/**
 * A tar of `path`: a directory's entries under its own name (`/etc` → `etc/…`), a file as itself.
 * A trailing `/.` means the directory's content only (`docker cp c:/dir/. here`).
 */
export function archiveGet(root: string, path: string): { stat: PathStat; tar: Readable } {
  const contentOnly = /\/\.$/.test(path);
  const { stat, hostPath } = statOf(root, contentOnly ? path.replace(/\/\.$/, '') || '/' : path);
  let followed = hostPath;
  if (path.endsWith('/') && stat.linkTarget) followed = resolveInRoot(root, cleanContainerPath(path), true);
  const cwd = contentOnly ? followed : dirname(followed);
  const name = contentOnly ? '.' : basename(followed);
  const stream = tar.c({ cwd, portable: false, follow: false, noMtime: false }, [
    name,
  ]) as unknown as Readable;
  const out = new PassThrough();
  stream.on('error', (err: Error) => out.destroy(err));
  stream.pipe(out);
  return { stat, tar: out };
}

/** Extracts a tar into the directory `path` (which must exist) inside the container. */
export async function archivePut(
  root: string,
  path: string,
  body: Readable,
  options: ArchiveOptions,
): Promise<void> {
  const clean = cleanContainerPath(path);
  const dest = resolveInRoot(root, clean, true);
  if (!existsSync(dest)) throw notFound(`Could not find the file ${path} in container`);
  if (!statSync(dest).isDirectory()) throw invalid(`extraction point is not a directory: ${path}`);
  let conflictError: Error | undefined;
  const extract = tar.x({
    cwd: dest,
    // Owners from the archive only with copyUIDGID (docker cp -a); otherwise root owns the files.
    preserveOwner: options.copyUIDGID,
    // Never follow or keep absolute paths and `..`: node-tar strips and refuses them, and refuses
    // to write through a symlink found on the way.
    preservePaths: false,
    unlink: true,
    filter: (entryPath: string, entry: unknown) => {
      if (!options.noOverwriteDirNonDir) return true;
      const target = join(dest, entryPath);
      if (relative(dest, target).startsWith('..') || !existsSync(target)) return true;
      const isDirEntry = (entry as { type?: string }).type === 'Directory';
      if (lstatSync(target).isDirectory() !== isDirEntry) {
        conflictError ??= invalid(
          `cannot overwrite ${isDirEntry ? 'non-directory' : 'directory'} ${join(clean, entryPath)} with ${isDirEntry ? 'directory' : 'non-directory'}`,
        );
        return false;
      }
      return true;
    },
  });
  // node-tar reports an entry it could not write as a warning and goes on with the next: the
  // first such failure fails the copy, and a file it cut short is removed rather than left behind.
  let entryError: { err: Error; path?: string; file: boolean } | undefined;
  extract.on(
    'warn',
    (_code: string, _message: string, data: { entry?: { absolute?: string; type?: string } }) => {
      if (entryError) return;
      const err = data as unknown as Error;
      const type = data.entry?.type ?? '';
      entryError = {
        err,
        path: data.entry?.absolute,
        file: ['File', 'OldFile', 'ContiguousFile'].includes(type),
      };
    },
  );
  await pipeline(body, extract as unknown as NodeJS.WritableStream);
  if (conflictError) throw conflictError;
  if (entryError) {
    const { err, path: written, file } = entryError;
    if (written && file) rmSync(written, { force: true });
    const inContainer = written ? join(clean, relative(dest, written)) : clean;
    if (isDiskFull(err)) throw diskFull(`copying into ${inContainer}`, err);
    throw new EngineError('system', `copying into ${inContainer}: ${err.message}`, { cause: err });
  }
}

/** `docker export`: the container's whole filesystem as a tar. */
export function exportTar(root: string): Readable {
  const stream = tar.c({ cwd: root, portable: false, follow: false }, ['.']) as unknown as Readable;
  const out = new PassThrough();
  stream.on('error', (err: Error) => out.destroy(err));
  stream.pipe(out);
  return out;
}
