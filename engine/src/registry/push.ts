// Push: upload an image's blobs (skipping those the repository has, mounting those another
// repository of the same registry has), then its manifest (and index), then tag it.
import { Readable } from 'node:stream';
import type { Digest } from '../oci/digest';
import type { Descriptor } from '../oci/image-spec';
import { familiarName, formatReference, type ImageReference, repositoryName } from '../oci/reference';
import type { StoredImage, Store } from '../store/store';
import type { RegistryClient } from './client';
import { type ProgressListener, runLimited, shortId } from './progress';

export interface PushOptions {
  /** Simultaneous blob uploads (Docker's default is 5). */
  concurrency?: number;
  /**
   * How blobs are sent: 'stream' (one PATCH with the whole blob, then PUT — what docker does),
   * 'monolithic' (a single PUT carrying the blob), or a chunk size in bytes (several PATCHes).
   */
  upload?: 'stream' | 'monolithic' | number;
  onProgress?: ProgressListener;
}

export interface PushResult {
  /** Digest of the manifest (or index) the tag now points at in the registry. */
  digest: Digest;
  size: number;
}

export async function pushImage(
  store: Store,
  client: RegistryClient,
  source: string,
  target: ImageReference,
  options: PushOptions = {},
): Promise<PushResult> {
  const progress = options.onProgress ?? (() => {});
  const { image, record } = store.resolve(source);
  const repo = target.path;
  const tag = target.tag ?? 'latest';
  progress({ status: `The push refers to repository [${repositoryName(target)}]` });

  // Blobs another repository of this registry already has can be mounted instead of uploaded.
  const mountSources = store.images
    .list()
    .map((r) => r.name)
    .filter((name) => name.startsWith(`${target.domain}/`))
    .map((name) => name.slice(target.domain.length + 1).replace(/[:@][^/]*$/, ''))
    .filter((path) => path !== repo);

  const blobs: Descriptor[] = [...image.manifest.layers, image.manifest.config];
  await runLimited(
    blobs.map((desc) => () => pushBlob(store, client, repo, desc, mountSources, options)),
    options.concurrency ?? 5,
  );

  // Push the index only when every manifest it lists is here; otherwise just this platform's.
  const top = pushTarget(store, image, record?.target);
  if (top.digest !== image.manifestDescriptor.digest) {
    for (const m of manifestsOf(store, top)) {
      await client.putManifest(repo, m.digest, store.blobs.read(m.digest), m.mediaType);
    }
  }
  const bytes = store.blobs.read(top.digest);
  const pushed = await client.putManifest(repo, tag, bytes, top.mediaType);
  if (pushed && pushed !== top.digest) {
    throw new Error(
      `${familiarName(target)}: the registry stored the manifest as ${pushed}, not ${top.digest}; it rewrote the content`,
    );
  }
  store.setName(`${repositoryName(target)}@${top.digest}`, top);
  if (formatReference(target) !== record?.name) store.setName(formatReference({ ...target, tag }), top);
  progress({ status: `${tag}: digest: ${top.digest} size: ${bytes.length}` });
  return { digest: top.digest, size: bytes.length };
}

function pushTarget(store: Store, image: StoredImage, recordTarget: Descriptor | undefined): Descriptor {
  const index =
    image.indexDescriptor ??
    (recordTarget?.digest !== image.manifestDescriptor.digest ? recordTarget : undefined);
  if (!index) return image.manifestDescriptor;
  const doc = store.readManifest(index);
  if (doc.kind !== 'index') return image.manifestDescriptor;
  const complete = doc.index.manifests.every((m) => store.blobs.has(m.digest) && manifestComplete(store, m));
  return complete ? index : image.manifestDescriptor;
}

function manifestComplete(store: Store, desc: Descriptor): boolean {
  const doc = store.readManifest(desc);
  if (doc.kind !== 'manifest') return false;
  return [doc.manifest.config, ...doc.manifest.layers].every((b) => store.blobs.has(b.digest));
}

function manifestsOf(store: Store, index: Descriptor): Descriptor[] {
  const doc = store.readManifest(index);
  return doc.kind === 'index' ? doc.index.manifests : [];
}

async function pushBlob(
  store: Store,
  client: RegistryClient,
  repo: string,
  desc: Descriptor,
  mountSources: string[],
  options: PushOptions,
): Promise<void> {
  const progress = options.onProgress ?? (() => {});
  const id = shortId(desc.digest);
  progress({ status: 'Preparing', id });
  if ((await client.blobExists(repo, desc.digest)) !== undefined) {
    progress({ status: 'Layer already exists', id });
    return;
  }
  let location: string | undefined;
  for (const from of mountSources) {
    const started = await client.startUpload(repo, { digest: desc.digest, from });
    if (started.mounted) {
      progress({ status: `Mounted from ${from}`, id });
      return;
    }
    location = started.location; // the registry fell back to a plain upload session
    break;
  }
  location ??= ((await client.startUpload(repo)) as { location: string }).location;
  const mode = options.upload ?? 'stream';
  const report = (done: number) =>
    progress({ status: 'Pushing', id, progressDetail: { current: done, total: desc.size } });
  if (mode === 'monolithic') {
    await client.completeUpload(repo, location, desc.digest, store.blobs.read(desc.digest));
  } else if (mode === 'stream') {
    let done = 0;
    const source = store.blobs.openRead(desc.digest);
    source.on('data', (chunk: Buffer) => {
      done += chunk.length;
      report(done);
    });
    location = await client.uploadStream(repo, location, source, desc.size);
    await client.completeUpload(repo, location, desc.digest);
  } else {
    let offset = 0;
    for await (const chunk of chunks(store.blobs.openRead(desc.digest), mode)) {
      location = await client.uploadChunk(repo, location, chunk, offset);
      offset += chunk.length;
      report(offset);
    }
    await client.completeUpload(repo, location, desc.digest);
  }
  progress({ status: 'Pushed', id });
}

/** Re-cuts a stream into chunks of exactly `size` bytes (the last may be shorter). */
async function* chunks(source: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const data of source as AsyncIterable<Buffer>) {
    let rest = data;
    while (pendingSize + rest.length >= size) {
      const take = size - pendingSize;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      pendingSize = 0;
      rest = rest.subarray(take);
    }
    if (rest.length) {
      pending.push(rest);
      pendingSize += rest.length;
    }
  }
  if (pendingSize) yield Buffer.concat(pending);
}
