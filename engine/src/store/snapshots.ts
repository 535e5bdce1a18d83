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
import { fsyncDir, tempName } from './atomic';
import { unpackLayer } from './layers/unpack';
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
}

export class DiffIdMismatchError extends Error {
  override name = 'DiffIdMismatch';
}

export interface UnpackRequest {
  chainId: Digest;
  parent?: Digest;
  diffId: Digest;
  compression: LayerCompression;
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
  ) {
    this.dir = join(root, 'snapshots');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Removes half-unpacked snapshots left by a crash. */
  cleanup(): void {
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith('.')) fs.rmSync(join(this.dir, name), { recursive: true, force: true });
    }
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
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
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
      const result = await unpackLayer(request.open(), request.compression, fsDir, {
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
      };
      // Data first (one syncfs for the whole tree), then the description, then the rename.
      const dirFd = fs.openSync(tmp, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      try {
        this.calls.syncfs(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
      const metaFd = fs.openSync(join(tmp, 'snapshot.json'), 'wx', 0o644);
      fs.writeFileSync(metaFd, JSON.stringify(info));
      fs.fsyncSync(metaFd);
      fs.closeSync(metaFd);
      fs.renameSync(tmp, join(this.dir, digestHex(request.chainId)));
      fsyncDir(this.dir);
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
