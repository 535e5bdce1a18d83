// Pull: resolve a reference to a manifest (choosing a platform from an index), fetch config and
// layers into the blob store (verified, resumable, several at once), unpack each layer into its
// snapshot as soon as it is downloaded, then record the name.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { chainIds, type Digest } from '../oci/digest';
import { type Descriptor, parseImageConfig, parseManifestOrIndex, type Platform } from '../oci/image-spec';
import { formatPlatform, hostPlatform, selectManifest } from '../oci/platform';
import { familiarName, formatReference, type ImageReference, repositoryName } from '../oci/reference';
import { DigestMismatchError } from '../store/blobs';
import type { StoredImage, Store } from '../store/store';
import { RegistryClient, RegistryError } from './client';
import { type ProgressListener, runLimited, shortId } from './progress';

export interface PullOptions {
  platform?: Platform;
  /** Simultaneous layer downloads (Docker's default is 3). */
  concurrency?: number;
  onProgress?: ProgressListener;
  /** Attempts per blob before giving up; each retry resumes where the last one stopped. */
  attempts?: number;
}

export interface PullResult {
  /** The normalised reference that now names the image. */
  name: string;
  /** Digest of what the registry served for the reference (manifest or index). */
  digest: Digest;
  image: StoredImage;
  /** False when everything was already in the store and the name already pointed here. */
  changed: boolean;
}

export async function pullImage(
  store: Store,
  client: RegistryClient,
  ref: ImageReference,
  options: PullOptions = {},
): Promise<PullResult> {
  const progress = options.onProgress ?? (() => {});
  const platform = options.platform ?? hostPlatform();
  const repo = ref.path;
  const reference = ref.digest ?? ref.tag ?? 'latest';
  if (!ref.digest) progress({ status: `Pulling from ${ref.path}`, id: ref.tag });

  const top = await client.getManifest(repo, reference);
  if (ref.digest && top.digest !== ref.digest) {
    throw new DigestMismatchError(
      `manifest ${formatReference(ref)}`,
      ref.digest,
      top.digest,
      top.bytes.length,
    );
  }
  const topDoc = parseManifestOrIndex(top.bytes, top.mediaType);
  const topDesc: Descriptor = { mediaType: topDoc.mediaType, digest: top.digest, size: top.bytes.length };
  const name = formatReference(ref);
  const previous = store.images.get(name);

  let manifestDesc = topDesc;
  let manifestBytes = top.bytes;
  if (topDoc.kind === 'index') {
    const chosen = selectManifest(topDoc.index.manifests, platform);
    if (!chosen) {
      const offered = topDoc.index.manifests
        .filter((m) => m.platform)
        .map((m) => formatPlatform(m.platform!));
      throw new RegistryError(
        `no matching manifest for ${formatPlatform(platform)} in the manifest list entries of ${familiarName(ref)} (it offers ${offered.join(', ') || 'none'}); choose one with --platform`,
        0,
      );
    }
    manifestDesc = chosen;
    if (store.blobs.has(chosen.digest)) {
      manifestBytes = store.blobs.read(chosen.digest);
    } else {
      const inner = await client.getManifest(repo, chosen.digest);
      if (inner.digest !== chosen.digest) {
        throw new DigestMismatchError(
          `manifest ${chosen.digest} of ${familiarName(ref)}`,
          chosen.digest,
          inner.digest,
          inner.bytes.length,
        );
      }
      manifestBytes = inner.bytes;
    }
  }
  const manifestDoc = parseManifestOrIndex(manifestBytes, manifestDesc.mediaType);
  if (manifestDoc.kind !== 'manifest')
    throw new RegistryError(`${familiarName(ref)}: an index inside an index is not supported`, 0);
  const manifest = manifestDoc.manifest;

  // Config: small, fetched whole and verified before anything is stored.
  let configBytes: Buffer;
  if (store.blobs.has(manifest.config.digest)) {
    configBytes = store.blobs.read(manifest.config.digest);
  } else {
    const res = await client.getBlob(repo, manifest.config.digest);
    configBytes = Buffer.from(await res.arrayBuffer());
  }
  const config = parseImageConfig(configBytes);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new RegistryError(
      `${familiarName(ref)} is inconsistent: its manifest has ${manifest.layers.length} layers but its config ${config.rootfs.diff_ids.length} diff IDs`,
      0,
    );
  }
  // Checked now; written and fsynced while the layers download, durable before a name points here.
  const configStored = store.blobs.putInBackground(configBytes, manifest.config.digest);
  configStored.catch(() => {}); // awaited below

  const image: StoredImage = {
    id: manifest.config.digest,
    manifestDescriptor: manifestDesc,
    manifest,
    config,
    ...(topDoc.kind === 'index' && { indexDescriptor: topDesc }),
    chainIds: chainIds(config.rootfs.diff_ids),
  };

  let changed = previous?.target.digest !== top.digest;
  /** Unpacks that outlive their download's slot; awaited once every download is done. */
  const unpacking: Promise<void>[] = [];
  const layerTasks = manifest.layers.map((layer, i) => async () => {
    const id = shortId(layer.digest);
    if (store.snapshots.has(image.chainIds[i]) && store.blobs.has(layer.digest)) {
      progress({ status: 'Already exists', id });
      return;
    }
    changed = true;
    const extracting = {
      onLayerBytes: (_l: Descriptor, bytes: number) =>
        progress({ status: 'Extracting', id, progressDetail: { current: bytes } }),
    };
    const unpackFromBlob = async () => {
      progress({ status: 'Extracting', id, progressDetail: { current: 0, total: layer.size } });
      await store.unpackLayer(image, i, extracting);
      progress({ status: 'Pull complete', id });
    };
    if (!store.blobs.has(layer.digest)) {
      // A fresh download is unpacked while it arrives; a resumed one is unpacked afterwards.
      const streamed = store.blobs.partialSize(layer.digest) === 0 && !store.snapshots.has(image.chainIds[i]);
      if (streamed) {
        const { unpacked } = await downloadAndUnpack(store, client, repo, image, i, id, options);
        // The download's slot is free now (the limit counts downloads, as Docker's does); the
        // unpack may still be catching up, and the pull waits for it below.
        const done = unpacked.then((followed) =>
          followed ? progress({ status: 'Pull complete', id }) : unpackFromBlob(),
        );
        done.catch(() => {}); // handled below, after the other downloads
        unpacking.push(done);
        return;
      }
      if (!store.blobs.has(layer.digest)) await downloadBlob(store, client, repo, layer, id, options);
    }
    await unpackFromBlob();
  });
  for (const layer of manifest.layers) {
    if (!store.blobs.has(layer.digest)) progress({ status: 'Pulling fs layer', id: shortId(layer.digest) });
  }
  let failure: { error: unknown } | undefined;
  await runLimited(layerTasks, options.concurrency ?? 3).catch((error) => (failure ??= { error }));
  // Every unpack and the config's write have settled (nothing writes any more) before the pull
  // ends, failed or not.
  for (const r of await Promise.allSettled(unpacking)) {
    if (r.status === 'rejected') failure ??= { error: r.reason };
  }
  await configStored.catch((error: unknown) => (failure ??= { error }));
  if (failure) throw failure.error;

  // Manifests last: an image becomes visible only once all of its content is in the store.
  const manifestsStored = await Promise.allSettled([
    ...(topDoc.kind === 'index' ? [store.blobs.putInBackground(manifestBytes, manifestDesc.digest)] : []),
    store.blobs.putInBackground(top.bytes, top.digest),
  ]);
  for (const r of manifestsStored) if (r.status === 'rejected') throw r.reason;
  store.setNames(ref.digest ? [name] : [name, `${repositoryName(ref)}@${top.digest}`], topDesc);
  progress({ status: `Digest: ${top.digest}` });
  progress({
    status: `Status: ${changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}`,
  });
  return { name, digest: top.digest, image, changed };
}

/** Where downloaded bytes also go while they arrive (a streaming unpack). */
interface DownloadSink {
  /** Returns a promise when the reader is behind: wait for it before sending more. */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** The download restarted from zero or failed: the bytes sent so far are not the blob. */
  abort(error: Error): void;
  end(): void;
}

/**
 * Downloads one blob into the store: verified against its digest, fsynced, resumed from what an
 * interrupted attempt left, retried on transient errors. Exported for the images benchmark, which
 * times the transfer half of a pull alone against skopeo's blob copy.
 */
export async function downloadBlob(
  store: Store,
  client: RegistryClient,
  repo: string,
  desc: Descriptor,
  id: string,
  options: PullOptions,
  sink?: DownloadSink,
): Promise<void> {
  const progress = options.onProgress ?? (() => {});
  const attempts = options.attempts ?? 3;
  const writer = await store.blobs.ingest({ digest: desc.digest, size: desc.size }, { resumable: true });
  if (store.blobs.has(desc.digest)) {
    writer.abort(); // another pull in this process stored it while we waited
    sink?.abort(new Error('the blob was stored by another pull'));
    return;
  }
  try {
    for (let attempt = 1; writer.offset < desc.size; attempt++) {
      const offset = writer.offset;
      try {
        const res = await client.getBlob(repo, desc.digest, offset);
        if (offset > 0 && res.status !== 206) {
          writer.reset();
          sink?.abort(new Error('the registry restarted the download'));
          sink = undefined;
        }
        let lastReport = 0;
        for await (const chunk of res.body) {
          writer.write(chunk as Uint8Array);
          const behind = sink?.write(chunk as Uint8Array);
          if (behind) await behind;
          // About one message per 1% (or 512 KiB), not one per network chunk.
          if (
            writer.offset - lastReport >= Math.max(desc.size / 100, 512 * 1024) ||
            writer.offset === desc.size
          ) {
            lastReport = writer.offset;
            progress({
              status: 'Downloading',
              id,
              progressDetail: { current: writer.offset, total: desc.size },
            });
          }
        }
      } catch (err) {
        if (attempt >= attempts || err instanceof RegistryError || !isTransient(err)) throw err;
        progress({ status: `Retrying after ${(err as Error).message}`, id });
      }
      if (writer.offset < desc.size && attempt >= attempts) {
        throw new RegistryError(`blob ${desc.digest} ended after ${writer.offset} of ${desc.size} bytes`, 0);
      }
    }
    progress({ status: 'Verifying Checksum', id });
    sink?.end();
    await writer.commit();
    progress({ status: 'Download complete', id });
  } catch (err) {
    sink?.abort(err as Error);
    if (err instanceof DigestMismatchError) throw err; // commit() already deleted the bad bytes
    // Keep what arrived, for the next pull to resume from, unless the disk is full: then the
    // partial file holds space the user has to free, and it goes at once.
    if (isLocalError(err)) writer.abort();
    else writer.suspend();
    throw err;
  }
}

/** Local errors a second download cannot cure (the disk is full): failed at once, not retried. */
const localErrors = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

function isLocalError(err: unknown): boolean {
  return localErrors.has((err as { code?: string })?.code ?? '');
}

function isTransient(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (isLocalError(err)) return false;
  return e.name === 'TypeError' || e.name === 'AbortError' || !!e.code || !!e.cause?.code;
}

/**
 * Downloads a layer and unpacks it at the same time (one read of the network, no second read of
 * the blob). The snapshot is committed only after the blob's digest checked out. Resolves once the
 * blob is stored, with the unpack's end: false when the unpack could not follow the download (the
 * registry restarted it), and the caller unpacks from the blob.
 */
async function downloadAndUnpack(
  store: Store,
  client: RegistryClient,
  repo: string,
  image: StoredImage,
  index: number,
  id: string,
  options: PullOptions,
): Promise<{ unpacked: Promise<boolean> }> {
  const layer = image.manifest.layers[index];
  const tee = new PassThrough({ highWaterMark: 4 << 20 });
  let settleGate!: (error?: Error) => void;
  const gate = new Promise<void>(
    (resolve, reject) => (settleGate = (error) => (error ? reject(error) : resolve())),
  );
  gate.catch(() => {}); // observed through the unpack below
  let following = true;
  let unpackDone = false;
  const unpacking = store
    .unpackLayer(image, index, {}, { source: tee, gate })
    .finally(() => (unpackDone = true));
  const unpackSettled = unpacking.then(
    () => undefined,
    () => undefined,
  );
  const sink: DownloadSink = {
    write(chunk) {
      if (!following || unpackDone) return undefined;
      if (tee.write(chunk)) return undefined;
      return Promise.race([once(tee, 'drain').then(() => undefined), unpackSettled]);
    },
    abort(error) {
      following = false;
      tee.destroy(error);
    },
    end() {
      tee.end();
    },
  };
  try {
    await downloadBlob(store, client, repo, layer, id, options, sink);
    settleGate();
  } catch (err) {
    settleGate(err as Error);
    await unpackSettled;
    throw err;
  }
  return {
    unpacked: unpacking.then(
      () => true,
      (err) => {
        if (!following) return false;
        throw err;
      },
    ),
  };
}
