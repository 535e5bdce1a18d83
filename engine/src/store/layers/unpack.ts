// Unpacks one layer tar into an empty snapshot directory, safely: nothing is ever written outside
// `dest`. Paths are normalised and `..` is refused; no entry is written through a symlink (every
// parent directory is checked to be a real directory that this unpack made or verified); an
// existing path is removed before a new entry replaces it, so a link created by one entry cannot
// redirect a later one; hard links must point at a path inside the layer. All file operations are
// synchronous and run in order, which keeps those checks free of races.
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FileCalls } from '../../runtime/linux/fs';
import type { Digest } from '../../oci/digest';
import type { LayerCompression } from '../../oci/media-types';
import { decompress } from './compression';
import { type EntrySink, type TarEntry, TarReader } from './tar-format';
import {
  isReservedXattr,
  opaqueMarker,
  overlayOpaqueXattr,
  type WhiteoutFormat,
  whiteoutMetaPrefix,
  whiteoutPrefix,
} from './whiteouts';

export interface UnpackOptions {
  calls: FileCalls;
  /** Preserve owners, create device nodes, set trusted.* / security.* xattrs (needs root). */
  asRoot: boolean;
  whiteouts: WhiteoutFormat;
  /** Things skipped without failing (device nodes when not root, unsupported xattrs). */
  onWarning?: (message: string) => void;
  /** Called with the number of uncompressed bytes read so far. */
  onBytes?: (bytes: number) => void;
  /**
   * Called with each regular file's content digest once it is written (a build context: the
   * builder needs them and would otherwise read every file again). A hard link is reported with
   * its target's digest.
   */
  onFileDigest?: (abs: string, digest: Digest) => void;
  /** False: no diff_id is computed (a build context is not a layer); diffId is then ''. */
  diffId?: boolean;
  /**
   * Keeps some regular files' content in memory instead of writing it now: such a file is made at
   * its full size (sparse) with all its metadata, and `held` receives an open descriptor and the
   * content to write through it later. A build context whose steps are all cached never needs the
   * content of its big files on disk.
   */
  holdContent?: { wants(rel: string, size: number): boolean; held(file: HeldFile): void };
}

/** A file whose content was kept in memory (see UnpackOptions.holdContent). */
export interface HeldFile {
  abs: string;
  /** Open for writing; the holder writes the content through it, then closes it. */
  fd: number;
  chunks: Buffer[];
  atime: Date;
  mtime: Date;
}

export interface UnpackResult {
  /** sha256 of the uncompressed tar: must match the image config's diff_id. */
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  entries: number;
  /** Bytes of regular file content written (the snapshot's size on disk, roughly). */
  fileBytes: number;
}

export class UnsafeLayerError extends Error {
  override name = 'UnsafeLayerError';
  constructor(entryPath: string, problem: string) {
    super(`refusing layer entry ${JSON.stringify(entryPath)}: ${problem}`);
  }
}

/** Unpacks `source` (compressed as `compression`) into `dest`, which must exist and be empty. */
export async function unpackLayer(
  source: Readable,
  compression: LayerCompression,
  dest: string,
  options: UnpackOptions,
): Promise<UnpackResult> {
  const extractor = new LayerExtractor(dest, options);
  const reader = new TarReader((entry) => extractor.entry(entry));
  const hash: Hash | undefined = options.diffId === false ? undefined : createHash('sha256');
  let tarSize = 0;
  const stream = decompress(source, compression);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash?.update(chunk);
      tarSize += chunk.length;
      reader.write(chunk);
      options.onBytes?.(tarSize);
    }
    reader.end();
  } catch (err) {
    stream.destroy();
    source.destroy();
    throw err;
  }
  extractor.finish();
  return {
    diffId: hash ? `sha256:${hash.digest('hex')}` : ('' as Digest),
    tarSize,
    entries: reader.entries,
    fileBytes: extractor.fileBytes,
  };
}

/** Splits a tar path into safe components, or throws: no `..`, no NUL; leading `/` and `./` dropped. */
export function safeComponents(entryPath: string): string[] {
  if (entryPath.includes('\0')) throw new UnsafeLayerError(entryPath, 'the path contains a NUL byte');
  const parts = entryPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new UnsafeLayerError(entryPath, 'the path contains ".." and could escape the layer');
  return parts;
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW;
const fileOpenFlags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW;

class LayerExtractor {
  /** Directories (relative paths) known to be real directories inside dest. '' is dest itself. */
  private readonly verifiedDirs = new Set<string>(['']);
  /**
   * Every path (relative) this unpack has made. dest starts empty and only this unpack writes to
   * it, so a path not in here does not exist: no lstat before each create (a failed lookup before
   * symlink() doubled its cost on ext4 in measurements).
   */
  private readonly present = new Set<string>();
  /** Directories with the setgid bit: new entries in them take the directory's group. */
  private readonly setgidDirs = new Set<string>();
  private readonly euid = process.geteuid?.() ?? -1;
  private readonly egid = process.getegid?.() ?? -1;
  /** Directory times are set last: writing children would change them again. */
  private readonly dirTimes: { path: string; atime: Date; mtime: Date }[] = [];
  /** Content digests of the files written (when onFileDigest asks), for hard links to them. */
  private readonly digests = new Map<string, Digest>();
  fileBytes = 0;

  constructor(
    private readonly dest: string,
    private readonly options: UnpackOptions,
  ) {
    if (fs.readdirSync(dest).length > 0)
      throw new Error(`cannot unpack a layer into ${dest}: it is not empty`);
  }

  /** lstat, only for paths this unpack made (anything else does not exist). */
  private stat(rel: string, abs: string): fs.Stats | undefined {
    return this.present.has(rel) ? lstatOrUndefined(abs) : undefined;
  }

  /** Owner changes are needed unless the new entry already has the right owner. */
  private needsChown(entry: TarEntry, parentRel: string): boolean {
    if (!this.options.asRoot) return false;
    return entry.uid !== this.euid || entry.gid !== this.egid || this.setgidDirs.has(parentRel);
  }

  entry(entry: TarEntry): EntrySink {
    const parts = safeComponents(entry.path);
    if (parts.length === 0) {
      // The layer's root directory itself ("./"): only its metadata applies.
      if (entry.type === 'directory') this.applyDirectoryMetadata(entry, '', this.dest);
      return discard;
    }
    const name = parts[parts.length - 1];
    const parentRel = parts.slice(0, -1).join('/');
    if (name.startsWith(whiteoutPrefix)) return this.whiteout(entry, parentRel, name);
    this.ensureParent(entry.path, parentRel);
    const rel = parts.join('/');
    const abs = join(this.dest, rel);
    const keepDirectory = this.clearForEntry(entry, rel, abs);
    if (entry.type !== 'unsupported') this.present.add(rel);
    switch (entry.type) {
      case 'file':
        return this.file(entry, rel, abs, parentRel);
      case 'directory':
        if (!keepDirectory) fs.mkdirSync(abs, { mode: 0o700 });
        this.verifiedDirs.add(rel);
        this.applyDirectoryMetadata(entry, rel, abs, keepDirectory);
        return discard;
      case 'symlink':
        if (!entry.linkpath) throw new UnsafeLayerError(entry.path, 'a symlink without a target');
        fs.symlinkSync(entry.linkpath, abs);
        this.applyLinkMetadata(entry, abs, parentRel);
        return discard;
      case 'hardlink':
        this.hardlink(entry, rel, abs);
        return discard;
      case 'char':
      case 'block':
      case 'fifo':
        this.special(entry, abs, parentRel);
        return discard;
      default:
        throw new UnsafeLayerError(
          entry.path,
          `unsupported tar entry type ${JSON.stringify(entry.typeFlag)}`,
        );
    }
  }

  finish(): void {
    for (const { path, atime, mtime } of this.dirTimes.reverse()) fs.lutimesSync(path, atime, mtime);
  }

  private whiteout(entry: TarEntry, parentRel: string, name: string): EntrySink {
    this.ensureParent(entry.path, parentRel);
    const parentAbs = join(this.dest, parentRel);
    if (this.options.whiteouts === 'oci') {
      if (name.startsWith(whiteoutMetaPrefix) && name !== opaqueMarker) return discard;
      const abs = join(parentAbs, name);
      const rel = parentRel ? `${parentRel}/${name}` : name;
      this.removeExisting(rel, abs);
      fs.closeSync(fs.openSync(abs, fileOpenFlags, 0o600));
      this.present.add(rel);
      return discard;
    }
    if (name === opaqueMarker) {
      this.options.calls.lsetxattr(parentAbs, overlayOpaqueXattr, Buffer.from('y'));
      return discard;
    }
    if (name.startsWith(whiteoutMetaPrefix)) return discard; // aufs bookkeeping, meaningless here
    const target = name.slice(whiteoutPrefix.length);
    const abs = join(parentAbs, target);
    const rel = parentRel ? `${parentRel}/${target}` : target;
    this.removeExisting(rel, abs);
    this.options.calls.mknod(abs, 'char', 0, 0, 0);
    this.present.add(rel);
    return discard;
  }

  /** Makes sure every parent of the entry is a real directory inside dest, creating missing ones. */
  private ensureParent(entryPath: string, parentRel: string): void {
    if (this.verifiedDirs.has(parentRel)) return;
    let rel = '';
    for (const part of parentRel.split('/')) {
      rel = rel ? `${rel}/${part}` : part;
      if (this.verifiedDirs.has(rel)) continue;
      const abs = join(this.dest, rel);
      const st = this.stat(rel, abs);
      if (st === undefined) {
        fs.mkdirSync(abs, { mode: 0o755 });
        this.present.add(rel);
      } else if (st.isSymbolicLink()) {
        throw new UnsafeLayerError(
          entryPath,
          `its parent "${rel}" is a symlink; writing through it could escape the layer`,
        );
      } else if (!st.isDirectory()) {
        throw new UnsafeLayerError(entryPath, `its parent "${rel}" is not a directory`);
      }
      this.verifiedDirs.add(rel);
    }
  }

  /**
   * Removes what is at the entry's path (a later entry replaces an earlier one, as tar does), except
   * a directory that a directory entry only updates. Returns true when that directory is kept.
   */
  private clearForEntry(entry: TarEntry, rel: string, abs: string): boolean {
    const st = this.stat(rel, abs);
    if (st === undefined) return false;
    if (entry.type === 'directory' && st.isDirectory()) return true;
    this.removeExisting(rel, abs, st);
    return false;
  }

  private removeExisting(rel: string, abs: string, st = this.stat(rel, abs)): void {
    if (st === undefined) return;
    if (st.isDirectory()) {
      fs.rmSync(abs, { recursive: true, force: true });
      const inside = (p: string) => p === rel || p.startsWith(`${rel}/`);
      for (const dir of this.verifiedDirs) if (inside(dir)) this.verifiedDirs.delete(dir);
      for (const p of this.present) if (inside(p)) this.present.delete(p);
      for (const p of this.digests.keys()) if (inside(p)) this.digests.delete(p);
    } else {
      fs.unlinkSync(abs);
      this.present.delete(rel);
      this.digests.delete(rel);
    }
  }

  private file(entry: TarEntry, rel: string, abs: string, parentRel: string): EntrySink {
    this.fileBytes += entry.size;
    const fd = fs.openSync(abs, fileOpenFlags, 0o600);
    const onDigest = this.options.onFileDigest;
    const content = onDigest ? createHash('sha256') : undefined;
    const hold = this.options.holdContent?.wants(rel, entry.size) ? this.options.holdContent : undefined;
    const chunks: Buffer[] = [];
    if (hold) fs.ftruncateSync(fd, entry.size);
    let closed = false;
    return {
      write: (chunk) => {
        content?.update(chunk);
        if (hold) {
          chunks.push(chunk);
          return;
        }
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      },
      end: () => {
        if (closed) return;
        closed = true;
        const atime = entry.atime ?? entry.mtime;
        try {
          if (this.needsChown(entry, parentRel)) fs.fchownSync(fd, entry.uid, entry.gid);
          this.applyXattrs(entry, abs);
          fs.fchmodSync(fd, entry.mode & 0o7777);
          fs.futimesSync(fd, atime, entry.mtime);
        } catch (err) {
          fs.closeSync(fd);
          throw err;
        }
        if (hold) hold.held({ abs, fd, chunks, atime, mtime: entry.mtime });
        else fs.closeSync(fd);
        if (content) {
          const digest: Digest = `sha256:${content.digest('hex')}`;
          this.digests.set(rel, digest);
          onDigest!(abs, digest);
        }
      },
    };
  }

  private hardlink(entry: TarEntry, rel: string, abs: string): void {
    const targetParts = safeComponents(entry.linkpath ?? '');
    if (targetParts.length === 0) throw new UnsafeLayerError(entry.path, 'a hard link without a target');
    const targetRel = targetParts.join('/');
    const targetParent = targetParts.slice(0, -1).join('/');
    // The target's parents must be directories this layer made or verified (no symlink on the way).
    if (!this.verifiedDirs.has(targetParent)) {
      throw new UnsafeLayerError(entry.path, `hard link target "${entry.linkpath}" is not inside this layer`);
    }
    const targetAbs = join(this.dest, targetRel);
    const st = this.stat(targetRel, targetAbs);
    if (st === undefined || st.isDirectory()) {
      throw new UnsafeLayerError(
        entry.path,
        `hard link target "${entry.linkpath}" does not exist in this layer`,
      );
    }
    fs.linkSync(targetAbs, abs);
    const digest = this.digests.get(targetRel);
    if (digest) {
      this.digests.set(rel, digest);
      this.options.onFileDigest?.(abs, digest);
    }
  }

  private special(entry: TarEntry, abs: string, parentRel: string): void {
    if (entry.type !== 'fifo' && !this.options.asRoot) {
      this.options.onWarning?.(`skipped device node ${entry.path} (creating devices needs root)`);
      return;
    }
    this.options.calls.mknod(
      abs,
      entry.type as 'char' | 'block' | 'fifo',
      entry.mode & 0o7777,
      entry.devmajor,
      entry.devminor,
    );
    if (this.needsChown(entry, parentRel)) fs.lchownSync(abs, entry.uid, entry.gid);
    this.applyXattrs(entry, abs);
    fs.chmodSync(abs, entry.mode & 0o7777);
    fs.lutimesSync(abs, entry.atime ?? entry.mtime, entry.mtime);
  }

  private applyDirectoryMetadata(entry: TarEntry, rel: string, abs: string, existed = false): void {
    const parentRel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    // A directory that existed already may have had another owner: always set it then.
    if (this.options.asRoot && (existed || rel === '' || this.needsChown(entry, parentRel))) {
      fs.lchownSync(abs, entry.uid, entry.gid);
    }
    if (entry.mode & 0o2000) this.setgidDirs.add(rel);
    else this.setgidDirs.delete(rel);
    this.applyXattrs(entry, abs);
    fs.chmodSync(abs, entry.mode & 0o7777);
    this.dirTimes.push({ path: abs, atime: entry.atime ?? entry.mtime, mtime: entry.mtime });
  }

  private applyLinkMetadata(entry: TarEntry, abs: string, parentRel: string): void {
    if (this.needsChown(entry, parentRel)) fs.lchownSync(abs, entry.uid, entry.gid);
    this.applyXattrs(entry, abs);
    fs.lutimesSync(abs, entry.atime ?? entry.mtime, entry.mtime);
  }

  private applyXattrs(entry: TarEntry, abs: string): void {
    for (const [name, value] of entry.xattrs) {
      if (isReservedXattr(name)) {
        throw new UnsafeLayerError(entry.path, `it sets the overlayfs attribute ${name}`);
      }
      if (!this.options.asRoot && !name.startsWith('user.')) {
        this.options.onWarning?.(`skipped xattr ${name} on ${entry.path} (needs root)`);
        continue;
      }
      try {
        this.options.calls.lsetxattr(abs, name, value);
      } catch (err) {
        // File systems without xattr support for a namespace: keep the file, say what was lost.
        if ((err as { code?: string }).code !== 'ENOTSUP') throw err;
        this.options.onWarning?.(`skipped xattr ${name} on ${entry.path} (not supported by the file system)`);
      }
    }
  }
}

const discard: EntrySink = { write() {}, end() {} };

function lstatOrUndefined(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
