// Layer snapshots: each layer unpacked once, into <root>/snapshots/<chain ID hex>/fs, keyed by the
// chain ID of the layer stack it completes, and shared read-only by every image and container that
// has that stack. A snapshot's fs holds only its own layer's changes (whiteouts in overlay form as
// root): mount it as an overlayfs lower dir above its parents (see lowerDirs). It is unpacked into a
// temp dir, synced, described by snapshot.json and renamed into place, so a snapshot under a chain
// ID is always complete; temp dirs left by a crash are removed when the store opens.
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Digest, digestHex } from '../oci/digest';
import type { LayerCompression } from '../oci/media-types';
import type { FileCalls } from '../runtime/linux/fs';
import { tempName } from './atomic';
import { unpackLayer } from './layers/unpack';
import { unpackLayerInWorker, unpackWorkerAvailable, workerThresholdBytes } from './layers/unpack-thread';
import type { WhiteoutFormat } from './layers/whiteouts';

export interface SnapshotInfo {
  chainId: Digest;
  diffId: Digest;
  /** Chain ID of the snapshot below, absent for a base layer. */
  parent?: Digest;
  /** Bytes of file content in this snapshot alone. */
  size: number;
  whiteouts: WhiteoutFormat;
  created: string;
  /** The boot the snapshot was unpacked in (/proc/sys/kernel/random/boot_id). */
  bootId: string;
  /** True once its files are known to be on disk (see settle()). */
  synced: boolean;
}

/** How long after an unpack the kernel has written its data back by itself (dirty_expire is 30 s). */
const writebackDelayMs = 35_000;
/**
 * At most one confirming syncfs this often. It waits for every dirty page of the file system,
 * other programs' too (hundreds of ms on a busy machine), and each `berth` command opens the
 * store: confirming on every open made a CLI build right after another pay it each time.
 * Unconfirmed snapshots are safe meanwhile: only a power cut can lose them, and settle() then
 * drops them to be unpacked again from their blobs.
 */
const confirmIntervalMs = 10 * 60_000;

function currentBootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export class DiffIdMismatchError extends Error {
  override name = 'DiffIdMismatch';
}

export interface UnpackRequest {
  chainId: Digest;
  parent?: Digest;
  diffId: Digest;
  compression: LayerCompression;
  /** Size of the compressed blob, when known: big layers unpack on a worker thread. */
  size?: number;
  /** Opens the layer blob (compressed as `compression`). */
  open: () => Readable;
  /**
   * Settles when the layer's bytes are known good (its blob verified), for an unpack that reads
   * them while they are still downloading; the snapshot is committed only if it resolves.
   */
  gate?: Promise<void>;
  onBytes?: (bytes: number) => void;
  onWarning?: (message: string) => void;
}

export class SnapshotStore {
  readonly dir: string;
  private readonly inflight = new Map<Digest, Promise<SnapshotInfo>>();

  constructor(
    root: string,
    private readonly calls: FileCalls,
    readonly asRoot = process.getuid?.() === 0,
    /** Whether `calls` are the real Linux calls, which a worker thread can make as well. */
    private readonly workersAllowed = false,
  ) {
    this.dir = join(root, 'snapshots');
    this.confirmedMarker = join(root, 'snapshots-confirmed');
    // Each snapshot is a tree of its own: let the file system place each one afresh (see there).
    // Marked once, when made: the flag stays, and a store that exists needs no ioctl (nor koffi).
    if (fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 }) !== undefined)
      calls.markTopDirectory?.(this.dir);
  }

  /** Its mtime is when settle() last confirmed snapshots with a syncfs. */
  private readonly confirmedMarker: string;

  /**
   * Removes what a crash left: half-unpacked snapshots, and snapshots of an earlier boot whose
   * files were never confirmed on disk (a power cut may have lost some; they are unpacked again
   * from their verified blobs when next needed). Then confirms the snapshots of this boot that
   * are old enough for the kernel to have written them back: one syncfs, at most once every
   * `confirmIntervalMs` (see there).
   *
   * Unpacks do not sync their files themselves: syncfs waits for every dirty page of the whole
   * file system (other programs' too) and costs seconds on a busy machine, on every pull.
   */
  settle(): void {
    const boot = currentBootId();
    const pending: SnapshotInfo[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith('.')) {
        fs.rmSync(join(this.dir, name), { recursive: true, force: true });
        continue;
      }
      const info = this.get(`sha256:${name}`);
      if (!info) {
        this.remove(`sha256:${name}`); // no snapshot.json: never completed
      } else if (!info.synced && info.bootId !== boot) {
        this.remove(info.chainId);
      } else if (!info.synced && Date.now() - Date.parse(info.created) > writebackDelayMs) {
        pending.push(info);
      }
    }
    if (pending.length === 0 || !this.confirmDue()) return;
    const dirFd = fs.openSync(this.dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      this.calls.syncfs(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
    for (const info of pending)
      this.writeInfo(join(this.dir, digestHex(info.chainId)), { ...info, synced: true });
    fs.writeFileSync(this.confirmedMarker, '', { mode: 0o600 });
    const now = new Date();
    fs.utimesSync(this.confirmedMarker, now, now);
  }

  private confirmDue(): boolean {
    try {
      return Date.now() - fs.statSync(this.confirmedMarker).mtimeMs > confirmIntervalMs;
    } catch {
      return true;
    }
  }

  /** Not fsynced: a snapshot is derived data, and settle() handles what a power cut may lose. */
  private writeInfo(dir: string, info: SnapshotInfo): void {
    const tmp = join(dir, tempName('snapshot.json'));
    fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o644, flag: 'wx' });
    fs.renameSync(tmp, join(dir, 'snapshot.json'));
  }

  /** The directory holding this snapshot's files (an overlayfs lower dir). */
  fsPath(chainId: Digest): string {
    return join(this.dir, digestHex(chainId), 'fs');
  }

  get(chainId: Digest): SnapshotInfo | undefined {
    try {
      return JSON.parse(
        fs.readFileSync(join(this.dir, digestHex(chainId), 'snapshot.json'), 'utf8'),
      ) as SnapshotInfo;
    } catch (err) {
      // Absent, or cut short by a power failure (it is written without fsync): no snapshot.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  has(chainId: Digest): boolean {
    return this.get(chainId) !== undefined;
  }

  list(): SnapshotInfo[] {
    const out: SnapshotInfo[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith('.')) continue;
      const info = this.get(`sha256:${name}`);
      if (info) out.push(info);
    }
    return out;
  }

  /**
   * The lower dirs for an overlayfs mount of the stack ending at `chainId`, topmost first (the order
   * overlayfs' lowerdir= option wants).
   */
  lowerDirs(chainId: Digest): string[] {
    const dirs: string[] = [];
    for (let id: Digest | undefined = chainId; id !== undefined;) {
      const info = this.get(id);
      if (!info) throw new Error(`snapshot ${id} is missing from the store; pull or load the image again`);
      dirs.push(this.fsPath(id));
      id = info.parent;
    }
    return dirs;
  }

  /** Unpacks a layer as the snapshot `chainId` unless it exists; concurrent calls share the work. */
  async unpack(request: UnpackRequest): Promise<SnapshotInfo> {
    const existing = this.get(request.chainId);
    if (existing) return existing;
    const running = this.inflight.get(request.chainId);
    if (running) return running;
    const work = this.doUnpack(request).finally(() => this.inflight.delete(request.chainId));
    this.inflight.set(request.chainId, work);
    return work;
  }

  private async doUnpack(request: UnpackRequest): Promise<SnapshotInfo> {
    // A snapshot holds only its own layer's changes, so layers of one image unpack independently
    // (and in parallel); `parent` is recorded for lowerDirs().
    const tmp = join(this.dir, tempName('unpack'));
    const fsDir = join(tmp, 'fs');
    fs.mkdirSync(fsDir, { recursive: true, mode: 0o755 });
    try {
      const whiteouts: WhiteoutFormat = this.asRoot ? 'overlay' : 'oci';
      const onThread =
        this.workersAllowed && (request.size ?? 0) >= workerThresholdBytes && unpackWorkerAvailable();
      const unpack = onThread ? unpackLayerInWorker : unpackLayer;
      const result = await unpack(request.open(), request.compression, fsDir, {
        calls: this.calls,
        asRoot: this.asRoot,
        whiteouts,
        onBytes: request.onBytes,
        onWarning: request.onWarning,
      });
      if (result.diffId !== request.diffId) {
        throw new DiffIdMismatchError(
          `layer content does not match the image config: its uncompressed digest is ${result.diffId}, the config says ${request.diffId}; the layer was not stored`,
        );
      }
      await request.gate;
      const info: SnapshotInfo = {
        chainId: request.chainId,
        diffId: request.diffId,
        ...(request.parent && { parent: request.parent }),
        size: result.fileBytes,
        whiteouts,
        created: new Date().toISOString(),
        bootId: currentBootId(),
        synced: false,
      };
      // The description last, then the rename: a snapshot under a chain ID is always complete
      // (as far as this boot goes; settle() handles the next one).
      this.writeInfo(tmp, info);
      fs.renameSync(tmp, join(this.dir, digestHex(request.chainId)));
      return info;
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Makes the directory `fsDir` (on the store's file system, already holding the layer's files in
   * this store's whiteout format) the snapshot `chainId`: the builder's overlay upper dirs become
   * snapshots without a copy. Durability as for unpacked snapshots (settle() confirms them). When
   * the snapshot exists already, `fsDir` is left to the caller.
   */
  adopt(
    request: { chainId: Digest; parent?: Digest; diffId: Digest; size: number },
    fsDir: string,
  ): SnapshotInfo {
    const existing = this.get(request.chainId);
    if (existing) return existing;
    const tmp = join(this.dir, tempName('adopt'));
    fs.mkdirSync(tmp, { mode: 0o700 });
    try {
      fs.renameSync(fsDir, join(tmp, 'fs'));
      const info: SnapshotInfo = {
        chainId: request.chainId,
        diffId: request.diffId,
        ...(request.parent && { parent: request.parent }),
        size: request.size,
        whiteouts: this.asRoot ? 'overlay' : 'oci',
        created: new Date().toISOString(),
        bootId: currentBootId(),
        synced: false,
      };
      this.writeInfo(tmp, info);
      fs.renameSync(tmp, join(this.dir, digestHex(request.chainId)));
      return info;
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  remove(chainId: Digest): void {
    const final = join(this.dir, digestHex(chainId));
    if (!fs.existsSync(final)) return;
    // Rename first so a crash mid-delete never leaves a half snapshot under the chain ID.
    const doomed = join(this.dir, tempName('remove'));
    fs.renameSync(final, doomed);
    fs.rmSync(doomed, { recursive: true, force: true });
  }
}
