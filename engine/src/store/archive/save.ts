// `save`: images to one tar that both worlds read — an OCI image layout (oci-layout, index.json,
// blobs/sha256/…) plus Docker's manifest.json and repositories files pointing at the same blobs.
// This is the format `docker save` writes since Docker 25; `docker load`, `podman load` and
// `skopeo` (as docker-archive: or oci-archive:) all accept it. Layers are saved as stored.
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { type Digest, digestHex } from '../../oci/digest';
import type { Descriptor } from '../../oci/image-spec';
import { MediaType } from '../../oci/media-types';
import { familiarName, familiarRepository, parseReference } from '../../oci/reference';
import { encodeHeader, endOfArchive, paddingFor } from '../layers/tar-format';
import type { Store } from '../store';

interface DockerManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

const epoch = new Date(0);

/** A tar stream of the images named by `refs` (names or IDs). */
export function saveImages(store: Store, refs: string[]): Readable {
  const index: { schemaVersion: 2; mediaType: string; manifests: Descriptor[] } = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [],
  };
  const dockerManifest: DockerManifestEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const blobs = new Set<Digest>();
  for (const input of refs) {
    const { image, record } = store.resolve(input);
    const tags: string[] = [];
    const ref =
      record && record.name.includes(':') && !record.name.startsWith('sha256:')
        ? tryParse(record.name)
        : undefined;
    if (ref?.tag !== undefined && !ref.digest && !/^(sha256:)?[a-f0-9]{12,64}$/.test(input))
      tags.push(familiarName(ref));
    for (const b of [
      image.manifestDescriptor.digest,
      image.manifest.config.digest,
      ...image.manifest.layers.map((l) => l.digest),
    ]) {
      blobs.add(b);
    }
    const annotations: Record<string, string> = {};
    const named = tags.length > 0;
    if (named && ref?.tag !== undefined) {
      annotations['io.containerd.image.name'] = `${ref.domain}/${ref.path}:${ref.tag}`;
      annotations['org.opencontainers.image.ref.name'] = ref.tag;
    }
    index.manifests.push({
      mediaType: image.manifestDescriptor.mediaType,
      digest: image.manifestDescriptor.digest,
      size: image.manifestDescriptor.size,
      ...(Object.keys(annotations).length && { annotations }),
    });
    const existing = dockerManifest.find((m) => m.Config === blobPath(image.manifest.config.digest));
    if (existing) {
      existing.RepoTags = [...(existing.RepoTags ?? []), ...tags];
    } else {
      dockerManifest.push({
        Config: blobPath(image.manifest.config.digest),
        RepoTags: tags.length ? tags : null,
        Layers: image.manifest.layers.map((l) => blobPath(l.digest)),
      });
    }
    if (named && ref?.tag !== undefined) {
      const top = image.manifest.layers[image.manifest.layers.length - 1];
      if (top) (repositories[familiarRepository(ref)] ??= {})[ref.tag] = digestHex(top.digest);
    }
  }
  return Readable.from(archiveChunks(store, blobs, index, dockerManifest, repositories), {
    objectMode: false,
  });
}

function* archiveChunks(
  store: Store,
  blobs: Set<Digest>,
  index: object,
  dockerManifest: DockerManifestEntry[],
  repositories: object,
): Generator<Buffer> {
  const dir = (path: string) =>
    encodeHeader({ path, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: epoch });
  yield dir('blobs');
  yield dir('blobs/sha256');
  for (const digest of [...blobs].sort()) {
    const size = store.blobs.size(digest);
    yield encodeHeader({
      path: blobPath(digest),
      type: 'file',
      size,
      mode: 0o444,
      uid: 0,
      gid: 0,
      mtime: epoch,
    });
    let written = 0;
    const fd = fs.openSync(store.blobs.path(digest), 'r');
    try {
      while (written < size) {
        const buf = Buffer.allocUnsafe(Math.min(1 << 20, size - written));
        const n = fs.readSync(fd, buf, 0, buf.length, written);
        if (n === 0)
          throw new Error(`blob ${digest} is shorter than its recorded size; the store is damaged`);
        written += n;
        yield buf.subarray(0, n);
      }
    } finally {
      fs.closeSync(fd);
    }
    const pad = paddingFor(size);
    if (pad) yield Buffer.alloc(pad);
  }
  yield* smallFile('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  yield* smallFile('index.json', JSON.stringify(index));
  yield* smallFile('manifest.json', JSON.stringify(dockerManifest));
  if (Object.keys(repositories).length) yield* smallFile('repositories', JSON.stringify(repositories));
  yield endOfArchive;
}

function* smallFile(path: string, content: string): Generator<Buffer> {
  const data = Buffer.from(content);
  yield encodeHeader({ path, type: 'file', size: data.length, mode: 0o644, uid: 0, gid: 0, mtime: epoch });
  yield data;
  const pad = paddingFor(data.length);
  if (pad) yield Buffer.alloc(pad);
}

function blobPath(digest: Digest): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

function tryParse(name: string) {
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}
