// The build cache: what a layer-making step produced, keyed by what went into it, kept in the
// state dir so it survives restarts. A key is the sha256 of the parent's key and the step's
// description after expansion (command, environment, working dir, user, mounts, and the content
// digests of every file the step reads). Records point at store content (the layer blob and its
// snapshot); the store keeps that content alive through the "build-cache" hold until the cache
// is pruned. A record whose content went missing reads as a miss.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../oci/digest';
import type { Descriptor } from '../oci/image-spec';
import { writeFileAtomic } from '../store/atomic';
import type { Store } from '../store/store';

/** A layer in the store: its blob, its diff ID and the snapshot of the stack it completes. */
export interface LayerRef {
  blob: Descriptor;
  diffId: Digest;
  chainId: Digest;
}

export interface CachedStep {
  layer: LayerRef;
  /** When the step first ran (the history entry's `created`), so a cached rebuild is identical. */
  created: string;
}

/** The image a fully cached build writes again: same config, same manifest, same ID. */
export interface CachedImage {
  config: Descriptor;
  manifest: Descriptor;
}

const holdName = 'build-cache';

/** A cache key: sha256 over a parent key and a JSON description. */
export function cacheKey(parent: string, description: unknown): string {
  return createHash('sha256').update(parent).update('\n').update(JSON.stringify(description)).digest('hex');
}

export class BuildCache {
  private readonly dir: string;
  private readonly newContent: LayerRef[] = [];

  constructor(private readonly store: Store) {
    this.dir = join(store.root, 'build', 'cache');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The record of `key` while its layer is in the store (its blob, and its snapshot unless told). */
  step(key: string, options: { snapshot?: boolean } = {}): CachedStep | undefined {
    const record = this.read<CachedStep>(`step-${key}`);
    if (!record) return undefined;
    const { layer } = record;
    if (!this.store.blobs.has(layer.blob.digest)) return undefined;
    if (options.snapshot !== false && !this.store.snapshots.has(layer.chainId)) return undefined;
    return record;
  }

  putStep(key: string, record: CachedStep): void {
    // The record points at the layer blob: its name must be durable first, and the layer kept
    // from garbage collection (another process may run one while this build goes on).
    this.store.blobs.syncNames();
    this.newContent.push(record.layer);
    this.persistHold();
    this.write(`step-${key}`, record);
  }

  image(key: string): CachedImage | undefined {
    const record = this.read<CachedImage>(`image-${key}`);
    if (!record) return undefined;
    if (!this.store.blobs.has(record.config.digest) || !this.store.blobs.has(record.manifest.digest)) {
      return undefined;
    }
    return record;
  }

  putImage(key: string, record: CachedImage): void {
    this.store.blobs.syncNames();
    this.write(`image-${key}`, record);
  }

  /** Keeps what was added to the cache alive in the store (GC roots), with what it held already. */
  private persistHold(): void {
    if (this.newContent.length === 0) return;
    const held = this.store.holds()[holdName] ?? {};
    const snapshots = new Set(held.snapshots ?? []);
    const blobs = new Set(held.blobs ?? []);
    for (const layer of this.newContent) {
      snapshots.add(layer.chainId);
      blobs.add(layer.blob.digest);
    }
    this.store.hold(holdName, { snapshots: [...snapshots], blobs: [...blobs] });
    this.newContent.length = 0;
  }

  /**
   * Forgets every record, drops the cache mounts, and lets GC take what only the cache kept.
   * Returns the keys forgotten and the bytes freed (`docker builder prune`).
   */
  prune(): { keys: string[]; bytesFreed: number } {
    const keys: string[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      fs.rmSync(join(this.dir, name), { force: true });
      keys.push(name.replace(/\.json$/, ''));
    }
    const mounts = join(this.store.root, 'build', 'mounts');
    let bytesFreed = du(mounts);
    fs.rmSync(mounts, { recursive: true, force: true });
    this.store.release(holdName);
    bytesFreed += this.store.gc().bytesFreed;
    return { keys, bytesFreed };
  }

  private read<T>(name: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(join(this.dir, `${name}.json`), 'utf8')) as T;
    } catch {
      // Missing, or damaged by a crash mid-write on a file system without atomic rename: a miss.
      return undefined;
    }
  }

  private write(name: string, record: unknown): void {
    writeFileAtomic(join(this.dir, `${name}.json`), JSON.stringify(record), 0o600);
  }
}

/** Bytes of regular files under `dir` (0 when it does not exist). */
function du(dir: string): number {
  let total = 0;
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of names) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += du(path);
    else if (entry.isFile()) total += fs.statSync(path).size;
  }
  return total;
}
