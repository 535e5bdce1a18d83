// Content digests of build-context files, remembered across builds by file identity.
//
// A step's cache key includes the digests of the files it reads: content, mode and ownership,
// never mtime. Reading a 10 MiB file on every build would cost more than the whole cached build,
// so a file's content digest is kept with its identity (device, inode, size, mtime, ctime — ctime
// moves with any content, mode or owner change) and reused while that identity holds, as git's
// index does. A file changed within the clock's granularity of being hashed is not remembered
// ("racily clean"): the next build hashes it again.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { Digest } from '../../oci/digest';
import { writeFileAtomic } from '../../store/atomic';

interface Remembered {
  dev: number;
  ino: number;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  digest: Digest;
}

const maxEntries = 50_000;

export class FileDigests {
  private entries: Map<string, Remembered>;
  private dirty = false;
  private readonly used = new Set<string>();

  /**
   * `file`: where digests persist between builds; undefined keeps them in memory only.
   * `racyWindowMs`: files changed this recently are hashed again next time.
   */
  constructor(
    private readonly file?: string,
    private readonly racyWindowMs = 100,
  ) {
    this.entries = new Map();
    if (!file) return;
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { files?: Record<string, Remembered> };
      this.entries = new Map(Object.entries(data.files ?? {}));
    } catch {
      // Missing or unreadable: start empty; it is only a cache.
    }
  }

  /**
   * Remembers a digest the caller computed while writing the file itself (a context the daemon
   * unpacked): no racy window, nothing else has written it since.
   */
  seed(path: string, st: fs.BigIntStats, digest: Digest): void {
    this.entries.set(path, {
      dev: Number(st.dev),
      ino: Number(st.ino),
      size: Number(st.size),
      mtimeNs: String(st.mtimeNs),
      ctimeNs: String(st.ctimeNs),
      digest,
    });
  }

  /** Keeps a seeded digest for a file whose identity changed without its content (it was written). */
  reseed(path: string, st: fs.BigIntStats): void {
    const known = this.entries.get(path);
    if (known) this.seed(path, st, known.digest);
  }

  /** The sha256 of a regular file's content. */
  digest(path: string, st: fs.BigIntStats): Digest {
    this.used.add(path);
    const known = this.entries.get(path);
    if (
      known &&
      known.dev === Number(st.dev) &&
      known.ino === Number(st.ino) &&
      known.size === Number(st.size) &&
      known.mtimeNs === String(st.mtimeNs) &&
      known.ctimeNs === String(st.ctimeNs)
    ) {
      return known.digest;
    }
    const digest = hashFile(path);
    const now = BigInt(Date.now()) * 1_000_000n;
    const racyWindowNs = BigInt(this.racyWindowMs) * 1_000_000n;
    if (now - st.ctimeNs > racyWindowNs && now - st.mtimeNs > racyWindowNs) {
      this.entries.set(path, {
        dev: Number(st.dev),
        ino: Number(st.ino),
        size: Number(st.size),
        mtimeNs: String(st.mtimeNs),
        ctimeNs: String(st.ctimeNs),
        digest,
      });
      this.dirty = true;
    } else if (known) {
      this.entries.delete(path);
      this.dirty = true;
    }
    return digest;
  }

  /** Writes what was learnt, if anything. Past `maxEntries`, only the files of this build are kept. */
  save(): void {
    if (!this.file || !this.dirty) return;
    if (this.entries.size > maxEntries) {
      for (const path of this.entries.keys()) if (!this.used.has(path)) this.entries.delete(path);
    }
    fs.mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, JSON.stringify({ files: Object.fromEntries(this.entries) }), 0o600);
    this.dirty = false;
  }
}

function hashFile(path: string): Digest {
  const hash = createHash('sha256');
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}
