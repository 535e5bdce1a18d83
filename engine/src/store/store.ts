// The image store: blobs + image records + layer snapshots under one state dir, and the operations
// that span them (resolve a name or ID to an image, tag, remove, garbage-collect, disk usage).
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chainIds, type Digest, isDigest } from '../oci/digest';
import {
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  parseImageConfig,
  parseManifestOrIndex,
  type Platform,
} from '../oci/image-spec';
import { layerCompression } from '../oci/media-types';
import { formatPlatform, hostPlatform, selectManifest } from '../oci/platform';
import { formatReference, type ImageReference, parseReference } from '../oci/reference';
import { type FileCalls, linuxFileCalls } from '../runtime/linux/fs';
import { readJsonFile, writeFileAtomic } from './atomic';
import { BlobStore } from './blobs';
import { type ImageRecord, ImageRecords } from './images';
import { withLock } from './lock';
import { type SnapshotInfo, SnapshotStore } from './snapshots';
import { effectiveUserId } from '../rootless/mode';

/** An image as stored: its manifest and config, and the record(s) naming it. */
export interface StoredImage {
  /** Image ID: the config digest (as Docker and Podman have it). */
  id: Digest;
  /** The manifest for the chosen platform. */
  manifestDescriptor: Descriptor;
  manifest: ImageManifest;
  config: ImageConfig;
  /** The index the manifest came from, when the record points at one. */
  indexDescriptor?: Descriptor;
  /** Chain IDs of the layer stack, bottom first; the last one is the image's rootfs. */
  chainIds: Digest[];
}

export class ImageNotFoundError extends Error {
  override name = 'ImageNotFound';
  constructor(readonly reference: string) {
    super(`No such image: ${reference}`);
  }
}

export class ImageConflictError extends Error {
  override name = 'ImageConflict';
}

/** Who else keeps store content alive (a container's rootfs, a build in progress). */
export interface Hold {
  snapshots?: Digest[];
  blobs?: Digest[];
  /** Image IDs, so rmi can refuse to delete an image a container uses. */
  images?: Digest[];
}

export interface GcResult {
  blobsRemoved: number;
  snapshotsRemoved: number;
  bytesFreed: number;
}

export interface RemoveResult {
  untagged: string[];
  deleted: Digest[];
}

/** Default state dir: /var/lib/berth as root, $XDG_DATA_HOME/berth (~/.local/share/berth) otherwise. */
export function defaultStoreRoot(): string {
  if (effectiveUserId() === 0) return '/var/lib/berth';
  const dataHome = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'berth');
}

export class Store {
  readonly blobs: BlobStore;
  readonly images: ImageRecords;
  readonly snapshots: SnapshotStore;
  private readonly holdsFile: string;

  private constructor(
    readonly root: string,
    readonly calls: FileCalls,
  ) {
    this.blobs = new BlobStore(root);
    this.images = new ImageRecords(root);
    this.snapshots = new SnapshotStore(root, calls, undefined, calls === linuxFileCalls);
    this.holdsFile = join(root, 'holds.json');
  }

  /** Opens (creating if needed) the store at `root` and removes what a crash left half-written. */
  static open(root = defaultStoreRoot(), calls: FileCalls = linuxFileCalls): Store {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    const store = new Store(root, calls);
    withLock(join(root, 'cleanup.lock'), () => {
      store.blobs.cleanupIngest();
      store.snapshots.settle();
    });
    return store;
  }

  // ---- reading images -------------------------------------------------------------------------

  readManifest(desc: Descriptor): ReturnType<typeof parseManifestOrIndex> {
    return parseManifestOrIndex(this.blobs.read(desc.digest), desc.mediaType);
  }

  readConfig(digest: Digest): ImageConfig {
    return parseImageConfig(this.blobs.read(digest));
  }

  /**
   * The image a record's target designates for `platform`: the target itself when it is a manifest,
   * or the best manifest of an index among those present in the store.
   */
  imageFromTarget(target: Descriptor, platform: Platform = hostPlatform()): StoredImage {
    const doc = this.readManifest(target);
    let manifestDescriptor = target;
    let indexDescriptor: Descriptor | undefined;
    let manifest: ImageManifest;
    if (doc.kind === 'index') {
      indexDescriptor = target;
      const present = doc.index.manifests.filter((m) => this.blobs.has(m.digest));
      const chosen = selectManifest(present, platform);
      if (!chosen) {
        throw new ImageNotFoundError(
          `${target.digest} for platform ${formatPlatform(platform)} (the index has no such manifest in the store)`,
        );
      }
      manifestDescriptor = chosen;
      const inner = this.readManifest(chosen);
      if (inner.kind !== 'manifest')
        throw new Error(
          `index ${target.digest} nests another index at ${chosen.digest}; nested indexes are not supported`,
        );
      manifest = inner.manifest;
    } else {
      manifest = doc.manifest;
    }
    const config = this.readConfig(manifest.config.digest);
    return {
      id: manifest.config.digest,
      manifestDescriptor,
      manifest,
      config,
      ...(indexDescriptor && { indexDescriptor }),
      chainIds: chainIds(config.rootfs.diff_ids),
    };
  }

  /**
   * Finds an image by reference (`busybox`, `localhost:5000/x:1`, `x@sha256:…`), by full ID
   * (`sha256:…`) or by an ID prefix, as `docker image inspect` does.
   */
  resolve(nameOrId: string, platform?: Platform): { image: StoredImage; record?: ImageRecord } {
    const records = this.images.list();
    const idMatch = /^(sha256:)?([a-f0-9]{1,64})$/.exec(nameOrId);
    if (!(idMatch && idMatch[2].length === 64)) {
      let ref: ImageReference | undefined;
      try {
        ref = parseReference(nameOrId);
      } catch (err) {
        if (!idMatch) throw err;
      }
      if (ref) {
        const record = records.find((r) => r.name === formatReference(ref));
        if (record) return { image: this.imageFromTarget(record.target, platform), record };
        if (ref.digest) {
          // `name@digest` also finds an image whose manifest or index has that digest.
          for (const r of records) {
            if (r.target.digest === ref.digest)
              return { image: this.imageFromTarget(r.target, platform), record: r };
          }
        }
      }
      if (!idMatch) throw new ImageNotFoundError(nameOrId);
    }
    const prefix = `sha256:${idMatch![2]}`;
    const found = new Map<Digest, { image: StoredImage; record: ImageRecord }>();
    for (const record of records) {
      const image = this.tryImage(record.target, platform);
      if (image && image.id.startsWith(prefix) && !found.has(image.id))
        found.set(image.id, { image, record });
    }
    if (found.size === 0) throw new ImageNotFoundError(nameOrId);
    if (found.size > 1) {
      throw new ImageConflictError(
        `image ID prefix ${idMatch![2]} is ambiguous: it matches ${found.size} images; give more characters`,
      );
    }
    return [...found.values()][0];
  }

  private tryImage(target: Descriptor, platform?: Platform): StoredImage | undefined {
    try {
      return this.imageFromTarget(target, platform);
    } catch {
      return undefined;
    }
  }

  /** Every record with the image it designates (records whose content is missing are skipped). */
  listRecords(platform?: Platform): { record: ImageRecord; image: StoredImage }[] {
    const out: { record: ImageRecord; image: StoredImage }[] = [];
    for (const record of this.images.list()) {
      const image = this.tryImage(record.target, platform);
      if (image) out.push({ record, image });
    }
    return out;
  }

  // ---- snapshots --------------------------------------------------------------------------------

  /** Unpacks any of the image's layers that have no snapshot yet. */
  async ensureSnapshots(
    image: StoredImage,
    events: {
      onLayerStart?: (layer: Descriptor) => void;
      onLayerBytes?: (layer: Descriptor, bytes: number) => void;
      onLayerDone?: (layer: Descriptor) => void;
    } = {},
  ): Promise<SnapshotInfo[]> {
    const { manifest, config } = image;
    if (manifest.layers.length !== config.rootfs.diff_ids.length) {
      throw new Error(
        `image ${image.id}: the manifest lists ${manifest.layers.length} layers but the config ${config.rootfs.diff_ids.length} diff IDs`,
      );
    }
    return Promise.all(manifest.layers.map((_layer, i) => this.unpackLayer(image, i, events)));
  }

  unpackLayer(
    image: StoredImage,
    index: number,
    events: {
      onLayerStart?: (layer: Descriptor) => void;
      onLayerBytes?: (layer: Descriptor, bytes: number) => void;
      onLayerDone?: (layer: Descriptor) => void;
    } = {},
    /** Read the layer from this stream (a download in progress) instead of the blob store. */
    streaming?: { source: Readable; gate: Promise<void> },
  ): Promise<SnapshotInfo> {
    const layer = image.manifest.layers[index];
    const chainId = image.chainIds[index];
    const existing = this.snapshots.get(chainId);
    if (existing) return Promise.resolve(existing);
    const compression = layerCompression(layer.mediaType);
    if (compression === undefined) {
      return Promise.reject(
        new Error(
          `layer ${layer.digest} has media type ${layer.mediaType}, which is not a layer type Berth can unpack`,
        ),
      );
    }
    events.onLayerStart?.(layer);
    return this.snapshots
      .unpack({
        chainId,
        ...(index > 0 && { parent: image.chainIds[index - 1] }),
        diffId: image.config.rootfs.diff_ids[index],
        compression,
        size: layer.size,
        open: () => streaming?.source ?? this.blobs.openRead(layer.digest),
        ...(streaming && { gate: streaming.gate }),
        onBytes: (bytes) => events.onLayerBytes?.(layer, bytes),
      })
      .then((info) => {
        events.onLayerDone?.(layer);
        return info;
      });
  }

  // ---- names --------------------------------------------------------------------------------------

  /**
   * Points `name` at `target`. An image that loses its last name this way stays in the store as a
   * dangling image (`<none>:<none>`, a record named by its own digest) until removed or pruned, as
   * in Docker; a dangling record for `target` itself is dropped now that it has a name.
   */
  setName(name: string, target: Descriptor): void {
    this.setNames([name], target);
  }

  /** setName for several names, in one write of the records. */
  setNames(names: string[], target: Descriptor): void {
    this.blobs.syncNames(); // the blobs a record points at are durable before the record is
    const previous = this.images.setMany(names, target);
    const records = this.images.list();
    if (!names.includes(target.digest) && records.some((r) => r.name === target.digest))
      this.images.delete(target.digest);
    for (const p of previous) {
      if (!p || p.target.digest === target.digest) continue;
      const stillNamed = this.images.list().some((r) => r.target.digest === p.target.digest);
      if (!stillNamed) this.images.set(p.target.digest, p.target);
    }
  }

  /** Records an image with no name (a load without tags, a build without -t): `<none>:<none>`. */
  addDangling(target: Descriptor): void {
    this.blobs.syncNames();
    if (!this.images.list().some((r) => r.target.digest === target.digest))
      this.images.set(target.digest, target);
  }

  /** `docker tag`: points `target` (a reference) at the image `source` designates. */
  tag(source: string, target: string): string {
    const { image, record } = this.resolve(source);
    const ref = parseReference(target);
    if (ref.digest)
      throw new Error(`cannot tag with a digest (${target}): a digest names content, give a tag instead`);
    const desc =
      record && !isDigest(source) ? record.target : (image.indexDescriptor ?? image.manifestDescriptor);
    const name = formatReference(ref);
    this.setName(name, desc);
    return name;
  }

  /**
   * `docker rmi`: untags a reference, or removes every name of an image given by ID. The image's
   * content is deleted (garbage-collected) once no name points at it, unless `noPrune`.
   */
  remove(nameOrId: string, options: { force?: boolean; noPrune?: boolean } = {}): RemoveResult {
    const { image } = this.resolve(nameOrId);
    const records = this.listRecords().filter((r) => r.image.id === image.id);
    const byId =
      /^(sha256:)?[a-f0-9]{1,64}$/.test(nameOrId) &&
      !records.some((r) => r.record.name === safeFormat(nameOrId));
    let toRemove: ImageRecord[];
    if (byId) {
      const repos = new Set(records.map((r) => r.record.name.replace(/[:@][^/]*$/, '')));
      if (repos.size > 1 && !options.force) {
        throw new ImageConflictError(
          `conflict: unable to delete ${image.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
        );
      }
      toRemove = records.map((r) => r.record);
    } else {
      const name = formatReference(parseReference(nameOrId));
      const direct = records.filter(
        (r) => r.record.name === name || r.record.target.digest === parseReference(nameOrId).digest,
      );
      toRemove = direct.map((r) => r.record);
      // As Docker does: the repository's digest references go with its last tag of this image, and
      // every digest reference goes with the image's last tag.
      const repository = name.replace(/[:@][^/]*$/, '');
      const repositoryOf = (r: ImageRecord): string => r.name.replace(/[:@][^/]*$/, '');
      const left = records.filter((r) => !toRemove.includes(r.record));
      if (!left.some((r) => !r.record.name.includes('@') && repositoryOf(r.record) === repository)) {
        toRemove.push(...left.filter((r) => repositoryOf(r.record) === repository).map((r) => r.record));
      }
      if (left.every((r) => r.record.name.includes('@'))) toRemove = records.map((r) => r.record);
    }
    const remaining = records.length - toRemove.length;
    if (remaining === 0 && !options.force) {
      const holders = this.holders(image.id);
      if (holders.length > 0) {
        throw new ImageConflictError(
          `conflict: unable to remove image ${nameOrId}: it is in use by ${holders.join(', ')}; remove those first or use --force to untag only`,
        );
      }
    }
    const result: RemoveResult = { untagged: [], deleted: [] };
    for (const record of toRemove) {
      if (this.images.delete(record.name)) result.untagged.push(record.name);
    }
    if (remaining === 0 && this.holders(image.id).length === 0) {
      result.deleted.push(image.id);
      if (!options.noPrune) this.gc();
    }
    return result;
  }

  // ---- holds, garbage collection, disk usage ---------------------------------------------------

  hold(holder: string, hold: Hold): void {
    this.blobs.syncNames();
    withLock(join(this.root, 'holds.lock'), () => {
      const holds = readJsonFile<Record<string, Hold>>(this.holdsFile, {});
      holds[holder] = hold;
      writeFileAtomic(this.holdsFile, JSON.stringify(holds));
    });
  }

  release(holder: string): void {
    withLock(join(this.root, 'holds.lock'), () => {
      const holds = readJsonFile<Record<string, Hold>>(this.holdsFile, {});
      delete holds[holder];
      writeFileAtomic(this.holdsFile, JSON.stringify(holds));
    });
  }

  holds(): Record<string, Hold> {
    return readJsonFile<Record<string, Hold>>(this.holdsFile, {});
  }

  private holders(imageId: Digest): string[] {
    return Object.entries(this.holds())
      .filter(([, h]) => h.images?.includes(imageId))
      .map(([name]) => name);
  }

  /** What the records and holds keep alive: blob digests and snapshot chain IDs. */
  private mark(): { blobs: Set<Digest>; snapshots: Set<Digest> } {
    const blobs = new Set<Digest>();
    const snapshots = new Set<Digest>();
    const markManifest = (desc: Descriptor) => {
      blobs.add(desc.digest);
      if (!this.blobs.has(desc.digest)) return;
      let doc;
      try {
        doc = this.readManifest(desc);
      } catch {
        return;
      }
      if (doc.kind === 'index') {
        doc.index.manifests.forEach(markManifest);
        return;
      }
      blobs.add(doc.manifest.config.digest);
      for (const l of doc.manifest.layers) blobs.add(l.digest);
      try {
        for (const id of chainIds(this.readConfig(doc.manifest.config.digest).rootfs.diff_ids))
          snapshots.add(id);
      } catch {
        // A missing or damaged config keeps no snapshots alive.
      }
    };
    for (const record of this.images.list()) markManifest(record.target);
    for (const hold of Object.values(this.holds())) {
      hold.blobs?.forEach((d) => blobs.add(d));
      for (const chainId of hold.snapshots ?? []) {
        // A held snapshot keeps its whole stack.
        for (let id: Digest | undefined = chainId; id; id = this.snapshots.get(id)?.parent) snapshots.add(id);
      }
    }
    return { blobs, snapshots };
  }

  /** Deletes blobs and snapshots that no image record or hold references. */
  gc(options: { partials?: boolean } = {}): GcResult {
    return withLock(join(this.root, 'gc.lock'), () => {
      const live = this.mark();
      const result: GcResult = { blobsRemoved: 0, snapshotsRemoved: 0, bytesFreed: 0 };
      for (const snap of this.snapshots.list()) {
        if (live.snapshots.has(snap.chainId)) continue;
        this.snapshots.remove(snap.chainId);
        result.snapshotsRemoved++;
        result.bytesFreed += snap.size;
      }
      for (const blob of this.blobs.list()) {
        if (live.blobs.has(blob.digest)) continue;
        this.blobs.delete(blob.digest);
        result.blobsRemoved++;
        result.bytesFreed += blob.size;
      }
      if (options.partials) result.bytesFreed += this.blobs.removePartials();
      return result;
    });
  }

  /** Disk usage per image: `docker system df -v` figures. */
  df(): DiskUsage {
    const entries = this.listRecords();
    const byId = new Map<Digest, { image: StoredImage; names: string[]; created: string }>();
    for (const { record, image } of entries) {
      const e = byId.get(image.id) ?? { image, names: [], created: image.config.created ?? record.created };
      e.names.push(record.name);
      byId.set(image.id, e);
    }
    // How many images use each snapshot and blob: what is shared is counted once in the total.
    const snapshotUse = new Map<Digest, number>();
    const blobUse = new Map<Digest, number>();
    for (const { image } of byId.values()) {
      for (const id of image.chainIds) snapshotUse.set(id, (snapshotUse.get(id) ?? 0) + 1);
      for (const d of imageBlobs(image)) blobUse.set(d, (blobUse.get(d) ?? 0) + 1);
    }
    const snapshotSize = new Map(this.snapshots.list().map((s) => [s.chainId, s.size]));
    const blobSize = new Map(this.blobs.list().map((b) => [b.digest, b.size]));
    const heldImages = new Set(Object.values(this.holds()).flatMap((h) => h.images ?? []));
    const images: ImageUsage[] = [];
    for (const [id, { image, names, created }] of byId) {
      let size = 0;
      let shared = 0;
      for (const c of image.chainIds) {
        const s = snapshotSize.get(c) ?? 0;
        size += s;
        if ((snapshotUse.get(c) ?? 0) > 1) shared += s;
      }
      for (const d of imageBlobs(image)) {
        const s = blobSize.get(d) ?? 0;
        size += s;
        if ((blobUse.get(d) ?? 0) > 1) shared += s;
      }
      images.push({
        id,
        names,
        created,
        size,
        sharedSize: shared,
        uniqueSize: size - shared,
        inUse: heldImages.has(id),
      });
    }
    const totalBlobs = [...blobSize.values()].reduce((a, b) => a + b, 0);
    const totalSnapshots = [...snapshotSize.values()].reduce((a, b) => a + b, 0);
    // Reclaimable: everything except what held images (and holds themselves) keep alive.
    const keptBlobs = new Set<Digest>();
    const keptSnapshots = new Set<Digest>();
    for (const { image } of byId.values()) {
      if (!heldImages.has(image.id)) continue;
      imageBlobs(image).forEach((d) => keptBlobs.add(d));
      image.chainIds.forEach((c) => keptSnapshots.add(c));
    }
    for (const hold of Object.values(this.holds())) {
      hold.blobs?.forEach((d) => keptBlobs.add(d));
      hold.snapshots?.forEach((c) => keptSnapshots.add(c));
    }
    let reclaimable = 0;
    for (const [d, s] of blobSize) if (!keptBlobs.has(d)) reclaimable += s;
    for (const [c, s] of snapshotSize) if (!keptSnapshots.has(c)) reclaimable += s;
    return {
      images,
      totalSize: totalBlobs + totalSnapshots,
      blobsSize: totalBlobs,
      snapshotsSize: totalSnapshots,
      reclaimable,
    };
  }
}

export interface ImageUsage {
  id: Digest;
  names: string[];
  created: string;
  /** Blobs + snapshots of this image. */
  size: number;
  /** The part of `size` other images use too. */
  sharedSize: number;
  uniqueSize: number;
  /** Held by a container or a build. */
  inUse: boolean;
}

export interface DiskUsage {
  images: ImageUsage[];
  totalSize: number;
  blobsSize: number;
  snapshotsSize: number;
  /** What removing every unused image and every unreferenced blob or snapshot would free. */
  reclaimable: number;
}

function imageBlobs(image: StoredImage): Digest[] {
  return [
    image.manifestDescriptor.digest,
    image.manifest.config.digest,
    ...image.manifest.layers.map((l) => l.digest),
    ...(image.indexDescriptor ? [image.indexDescriptor.digest] : []),
  ];
}

function safeFormat(input: string): string | undefined {
  try {
    return formatReference(parseReference(input));
  } catch {
    return undefined;
  }
}
