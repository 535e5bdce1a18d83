// Content-addressable blobs under <root>/blobs/sha256/<hex>. A blob is written to a temp file in
// <root>/ingest, verified against its expected digest and size, fsynced and renamed into place:
// a crash at any point never leaves a wrong or partial blob under a digest. Downloads write to
// <root>/ingest/<hex>.partial, which survives a crash or a dropped connection so the next attempt
// resumes from it; a write that fails (the disk is full) removes its file at once, and other temp
// files left by a crash are removed when the store is opened.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { type Digest, digestAlgorithm, digestHex, DigestHasher, parseDigest } from '../oci/digest';
import { fsyncDir, tempName } from './atomic';

// Callback fs through promisify rather than fs.promises: loading node:fs/promises (readline and
// fs watchers come with it) took ~1.3 ms of a CLI pull.
const fsyncAsync = promisify(fs.fsync);
const openAsync = promisify(fs.open);
const writeFileAsync = promisify(fs.writeFile);
const closeAsync = promisify(fs.close);
const rmAsync = promisify(fs.rm);

export class BlobNotFoundError extends Error {
  override name = 'BlobNotFound';
  constructor(readonly digest: Digest) {
    super(`blob ${digest} is not in the store`);
  }
}

export class DigestMismatchError extends Error {
  override name = 'DigestMismatch';
  constructor(what: string, expected: Digest, actual: Digest, size: number) {
    super(
      `${what}: content does not match its digest (expected ${expected}, got ${actual} over ${size} bytes); it was not stored`,
    );
  }
}

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export class BlobStore {
  readonly dir: string;
  readonly ingestDir: string;
  /** In-process writers per digest, so two pulls of one blob share the download. */
  private readonly inflight = new Map<Digest, Promise<void>>();
  private readonly unsyncedDirs = new Set<string>();

  constructor(root: string) {
    this.dir = join(root, 'blobs');
    this.ingestDir = join(root, 'ingest');
    fs.mkdirSync(join(this.dir, 'sha256'), { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.ingestDir, { recursive: true, mode: 0o700 });
  }

  /** Removes temp files left by a crash; resumable `.partial` downloads are kept. */
  cleanupIngest(): void {
    for (const name of fs.readdirSync(this.ingestDir)) {
      if (!name.endsWith('.partial')) fs.rmSync(join(this.ingestDir, name), { force: true, recursive: true });
    }
  }

  /** Removes resumable partial downloads too (garbage collection). Returns bytes freed. */
  removePartials(): number {
    let freed = 0;
    for (const name of fs.readdirSync(this.ingestDir)) {
      const p = join(this.ingestDir, name);
      freed += fs.lstatSync(p).size;
      fs.rmSync(p, { force: true, recursive: true });
    }
    return freed;
  }

  /** Bytes an interrupted download of `digest` left to resume from (0 when none). */
  partialSize(digest: Digest): number {
    try {
      return fs.statSync(join(this.ingestDir, `${digestHex(digest)}.partial`)).size;
    } catch {
      return 0;
    }
  }

  path(digest: Digest): string {
    return join(this.dir, digestAlgorithm(digest), digestHex(digest));
  }

  has(digest: Digest): boolean {
    return fs.existsSync(this.path(digest));
  }

  size(digest: Digest): number {
    try {
      return fs.statSync(this.path(digest)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(digest);
      throw err;
    }
  }

  /** Reads a (small) blob and checks it against its digest, catching on-disk corruption. */
  read(digest: Digest): Buffer {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.path(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(digest);
      throw err;
    }
    const actual =
      `${digestAlgorithm(digest)}:${createHash(digestAlgorithm(digest)).update(data).digest('hex')}` as Digest;
    if (actual !== digest)
      throw new DigestMismatchError(`stored blob ${digest}`, digest, actual, data.length);
    return data;
  }

  openRead(digest: Digest, start = 0): Readable {
    if (!this.has(digest)) throw new BlobNotFoundError(digest);
    return fs.createReadStream(this.path(digest), { start, highWaterMark: 1 << 20 });
  }

  /** Stores bytes held in memory; returns their digest (checked against `expected` when given). */
  put(data: Uint8Array, expected?: Digest): Digest {
    const digest = verifiedDigest(data, expected);
    if (this.has(digest)) return digest;
    const tmp = join(this.ingestDir, tempName('put'));
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true }); // a full disk keeps none of it
      throw err;
    }
    fs.closeSync(fd);
    this.commitFile(tmp, digest);
    return digest;
  }

  /**
   * put() whose write and fsync run on libuv's thread pool, so that the caller goes on meanwhile (an
   * fsync waits for the disk, tens of ms on a busy one). The digest is checked before it returns:
   * a mismatch throws at once, nothing is written.
   */
  putInBackground(data: Uint8Array, expected?: Digest): Promise<Digest> {
    const digest = verifiedDigest(data, expected);
    if (this.has(digest)) return Promise.resolve(digest);
    const tmp = join(this.ingestDir, tempName('put'));
    return (async () => {
      const fd = await openAsync(tmp, 'wx', 0o644);
      try {
        await writeFileAsync(fd, data);
        await fsyncAsync(fd);
      } catch (err) {
        await closeAsync(fd);
        await rmAsync(tmp, { force: true }); // a full disk keeps none of it
        throw err;
      }
      await closeAsync(fd);
      this.commitFile(tmp, digest);
      return digest;
    })();
  }

  /**
   * Begins writing a blob whose digest is known. With `resumable`, bytes already downloaded by an
   * earlier interrupted attempt are kept, and `offset` says where to continue.
   */
  async ingest(expected: BlobInfo, options: { resumable?: boolean } = {}): Promise<BlobWriter> {
    parseDigest(expected.digest);
    // One writer per digest in this process; a second caller waits and then finds the blob stored.
    for (;;) {
      const busy = this.inflight.get(expected.digest);
      if (!busy) break;
      await busy.catch(() => {});
    }
    let release!: () => void;
    this.inflight.set(expected.digest, new Promise<void>((resolve) => (release = resolve)));
    const done = () => {
      this.inflight.delete(expected.digest);
      release();
    };
    const path = options.resumable
      ? join(this.ingestDir, `${digestHex(expected.digest)}.partial`)
      : join(this.ingestDir, tempName('ingest'));
    try {
      return await BlobWriter.open(this, path, expected, done);
    } catch (err) {
      done();
      throw err;
    }
  }

  /** Writes a whole stream as a blob with a known digest. */
  async putStream(source: AsyncIterable<Uint8Array>, expected: BlobInfo): Promise<void> {
    if (this.has(expected.digest)) return;
    const writer = await this.ingest(expected);
    try {
      for await (const chunk of source) writer.write(chunk);
      await writer.commit();
    } catch (err) {
      writer.abort();
      throw err;
    }
  }

  /**
   * Renames a verified, fsynced temp file to its digest's path. The directory is fsynced later, once,
   * by syncNames() — before anything (an image record) points at the blob.
   */
  commitFile(tmp: string, digest: Digest): void {
    fs.renameSync(tmp, this.path(digest));
    this.unsyncedDirs.add(join(this.dir, digestAlgorithm(digest)));
  }

  /** Makes the names of blobs committed so far durable (one directory fsync instead of one per blob). */
  syncNames(): void {
    for (const dir of this.unsyncedDirs) fsyncDir(dir);
    this.unsyncedDirs.clear();
  }

  delete(digest: Digest): void {
    fs.rmSync(this.path(digest), { force: true });
  }

  list(): BlobInfo[] {
    const out: BlobInfo[] = [];
    for (const algorithm of ['sha256', 'sha512'] as const) {
      const dir = join(this.dir, algorithm);
      if (!fs.existsSync(dir)) continue;
      for (const hex of fs.readdirSync(dir)) {
        const digest = `${algorithm}:${hex}`;
        if (!/^[a-f0-9]+$/.test(hex)) continue;
        out.push({ digest: digest as Digest, size: fs.statSync(join(dir, hex)).size });
      }
    }
    return out;
  }
}

/** The digest of `data`, which must be `expected` when given. */
function verifiedDigest(data: Uint8Array, expected?: Digest): Digest {
  const hasher = new DigestHasher(expected ? digestAlgorithm(expected) : 'sha256');
  hasher.update(data);
  const digest = hasher.digest();
  if (expected && expected !== digest) throw new DigestMismatchError('blob', expected, digest, data.length);
  return digest;
}

/** Writes one blob; nothing appears under the digest until commit() has verified it. */
export class BlobWriter {
  private closed = false;

  private constructor(
    private readonly store: BlobStore,
    private readonly path: string,
    readonly expected: BlobInfo,
    private readonly fd: number,
    private hasher: DigestHasher,
    private readonly release: () => void,
  ) {}

  /** Drops what was written and starts over (a server that ignored a Range request). */
  reset(): void {
    fs.ftruncateSync(this.fd, 0);
    this.hasher = new DigestHasher(this.hasher.algorithm);
  }

  static async open(
    store: BlobStore,
    path: string,
    expected: BlobInfo,
    release: () => void,
  ): Promise<BlobWriter> {
    const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o644);
    const hasher = new DigestHasher(digestAlgorithm(expected.digest));
    let size = fs.fstatSync(fd).size;
    if (size > expected.size) {
      fs.ftruncateSync(fd, 0);
      size = 0;
    }
    if (size > 0) {
      // Re-hash what an earlier attempt wrote, so the final digest covers every byte.
      for await (const chunk of fs.createReadStream(path, { end: size - 1, highWaterMark: 1 << 20 })) {
        hasher.update(chunk as Buffer);
      }
    }
    return new BlobWriter(store, path, expected, fd, hasher, release);
  }

  /** Bytes already written (non-zero when resuming). */
  get offset(): number {
    return this.hasher.bytes;
  }

  write(chunk: Uint8Array): void {
    if (this.hasher.bytes + chunk.length > this.expected.size) {
      this.abort();
      throw new Error(
        `blob ${this.expected.digest} is larger than the ${this.expected.size} bytes its descriptor declares; it was not stored`,
      );
    }
    this.hasher.update(chunk);
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(this.fd, chunk, off, chunk.length - off);
  }

  /** Verifies size and digest, then makes the blob visible. A mismatch deletes what was written. */
  async commit(): Promise<void> {
    const size = this.hasher.bytes;
    const actual = this.hasher.digest();
    try {
      if (actual !== this.expected.digest || size !== this.expected.size) {
        throw new DigestMismatchError(`blob ${this.expected.digest}`, this.expected.digest, actual, size);
      }
      await fsyncAsync(this.fd);
      this.close();
      this.store.commitFile(this.path, this.expected.digest);
    } catch (err) {
      this.abort();
      throw err;
    } finally {
      this.close();
    }
  }

  /** Stops writing and keeps the partial file (for a resumable download). */
  suspend(): void {
    this.close();
  }

  /** Stops writing and deletes what was written. */
  abort(): void {
    this.close();
    fs.rmSync(this.path, { force: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
    this.release();
  }
}
