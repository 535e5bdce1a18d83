// Packs a directory into a layer tar: a whole root filesystem, or an overlayfs upper dir (a diff),
// whose whiteouts (0/0 character devices, trusted.overlay.opaque) become OCI `.wh.` entries.
// Output is deterministic: entries sorted by name, hard links detected by inode, xattrs kept.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FileCalls } from '../../runtime/linux/fs';
import { encodeHeader, endOfArchive, paddingFor, type TarHeaderInput } from './tar-format';
import {
  fuseOpaqueXattr,
  isFuseOpaqueMarker,
  isReservedXattr,
  opaqueMarker,
  overlayOpaqueXattr,
  type WhiteoutFormat,
  whiteoutPrefix,
} from './whiteouts';

export interface PackOptions {
  calls: FileCalls;
  /** How whiteouts are stored in `dir` (see whiteouts.ts). */
  whiteouts: WhiteoutFormat;
  /** Record every entry with this owner instead of the files' own (images made without root). */
  owner?: { uid: number; gid: number };
  /** Fixed mtime for every entry (reproducible layers); the files' own times otherwise. */
  mtime?: Date;
  /** Leave out extended attributes. */
  noXattrs?: boolean;
}

const readChunk = 1 << 20;

/** A readable stream of the uncompressed layer tar of `dir`. */
export function packLayer(dir: string, options: PackOptions): Readable {
  return Readable.from(packEntries(dir, options), { objectMode: false, highWaterMark: 4 });
}

function* packEntries(root: string, options: PackOptions): Generator<Buffer> {
  const linkTargets = new Map<string, string>(); // "dev:ino" → first path packed
  yield* walk(root, '', options, linkTargets);
  yield endOfArchive;
}

function* walk(
  root: string,
  rel: string,
  options: PackOptions,
  linkTargets: Map<string, string>,
): Generator<Buffer> {
  const names = fs.readdirSync(join(root, rel)).sort();
  for (const name of names) {
    const path = rel ? `${rel}/${name}` : name;
    const abs = join(root, path);
    const st = fs.lstatSync(abs);
    if (options.whiteouts === 'overlay' && isFuseOpaqueMarker(abs, name)) continue;
    const base = headerBase(path, st, options);
    if (options.whiteouts === 'overlay' && st.isCharacterDevice() && st.rdev === 0) {
      yield encodeHeader({
        ...base,
        path: rel ? `${rel}/${whiteoutPrefix}${name}` : `${whiteoutPrefix}${name}`,
        type: 'file',
        size: 0,
        mode: 0o644,
      });
      continue;
    }
    const xattrs = options.noXattrs ? new Map<string, Buffer>() : readXattrs(abs, options.calls);
    if (st.isDirectory()) {
      const opaque =
        options.whiteouts === 'overlay' &&
        (xattrs.get(overlayOpaqueXattr)?.toString() === 'y' ||
          xattrs.get(fuseOpaqueXattr)?.toString() === 'y' ||
          fs.existsSync(join(abs, opaqueMarker)));
      yield encodeHeader({ ...base, type: 'directory', xattrs: withoutReserved(xattrs) });
      if (opaque) {
        yield encodeHeader({
          ...base,
          path: `${path}/${opaqueMarker}`,
          type: 'file',
          size: 0,
          mode: 0o644,
          xattrs: undefined,
        });
      }
      yield* walk(root, path, options, linkTargets);
      continue;
    }
    const clean = withoutReserved(xattrs);
    if (st.isFile() && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = linkTargets.get(key);
      if (first !== undefined) {
        yield encodeHeader({ ...base, type: 'hardlink', linkpath: first, xattrs: clean });
        continue;
      }
      linkTargets.set(key, path);
    }
    if (st.isFile()) {
      yield encodeHeader({ ...base, type: 'file', size: st.size, xattrs: clean });
      yield* fileContent(abs, st.size);
      const pad = paddingFor(st.size);
      if (pad) yield Buffer.alloc(pad);
    } else if (st.isSymbolicLink()) {
      yield encodeHeader({ ...base, type: 'symlink', linkpath: fs.readlinkSync(abs), xattrs: clean });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const { major, minor } = splitDev(st.rdev);
      yield encodeHeader({
        ...base,
        type: st.isCharacterDevice() ? 'char' : 'block',
        devmajor: major,
        devminor: minor,
        xattrs: clean,
      });
    } else if (st.isFIFO()) {
      yield encodeHeader({ ...base, type: 'fifo', xattrs: clean });
    }
    // Sockets are not representable in tar and are left out, as GNU tar does.
  }
}

function headerBase(path: string, st: fs.Stats, options: PackOptions): Omit<TarHeaderInput, 'type'> {
  return {
    path,
    mode: st.mode & 0o7777,
    uid: options.owner?.uid ?? st.uid,
    gid: options.owner?.gid ?? st.gid,
    mtime: options.mtime ?? st.mtime,
  };
}

function* fileContent(abs: string, size: number): Generator<Buffer> {
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    let done = 0;
    while (done < size) {
      const buf = Buffer.allocUnsafe(Math.min(readChunk, size - done));
      const n = fs.readSync(fd, buf, 0, buf.length, done);
      if (n === 0)
        throw new Error(`${abs} shrank while it was being packed (expected ${size} bytes, got ${done})`);
      done += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readXattrs(abs: string, calls: FileCalls): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of calls.llistxattr(abs)) {
    const value = calls.lgetxattr(abs, name);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

function withoutReserved(xattrs: Map<string, Buffer>): Map<string, Buffer> {
  return new Map([...xattrs].filter(([name]) => !isReservedXattr(name)));
}

/** The inverse of glibc's makedev for the numbers Node's Stats.rdev gives. */
export function splitDev(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}
