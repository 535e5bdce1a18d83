// `load`: images from a tar written by `docker save` (any version), `podman save` (docker-archive or
// oci-archive), `skopeo copy … docker-archive:/oci-archive:` or `berth save`. The archive is read once;
// each file goes to a temp file in the store's ingest dir with its sha256 computed on the way, so
// blobs are verified and then renamed into the blob store without a second copy. Nothing from the
// archive is ever written under a path it chose.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { type Digest, DigestHasher, digestHex, isDigest, sha256 } from '../../oci/digest';
import { type Descriptor, parseImageConfig, parseManifestOrIndex } from '../../oci/image-spec';
import { MediaType } from '../../oci/media-types';
import { formatReference, parseReference } from '../../oci/reference';
import { decompress, sniffCompression, withSniffedCompression } from '../layers/compression';
import { TarReader } from '../layers/tar-format';
import { safeComponents } from '../layers/unpack';
import type { StoredImage, Store } from '../store';

export interface LoadedImage {
  /** Normalised names given to the image (empty for an image loaded without a name). */
  names: string[];
  image: StoredImage;
}

export class ArchiveFormatError extends Error {
  override name = 'ArchiveFormatError';
}

interface ArchiveFile {
  tmp: string;
  digest: Digest;
  size: number;
}

/** Reads an archive and adds its images to the store; returns what was loaded. */
export async function loadImages(
  store: Store,
  source: Readable,
  onMessage: (line: string) => void = () => {},
): Promise<LoadedImage[]> {
  const dir = join(store.blobs.ingestDir, `.load-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  try {
    const archive = await readArchive(source, dir);
    const loaded = archive.files.has('index.json')
      ? loadOciLayout(store, archive)
      : loadDockerArchive(store, archive);
    for (const { image, names } of loaded) {
      await store.ensureSnapshots(image);
      if (names.length === 0) onMessage(`Loaded image ID: ${image.id}`);
      for (const name of names) onMessage(`Loaded image: ${familiar(name)}`);
    }
    return loaded;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

class Archive {
  readonly files = new Map<string, ArchiveFile>();
  readonly symlinks = new Map<string, string>();

  /** The file at `path`, following the archive's own symlinks (old docker saves use them for shared layers). */
  get(path: string): ArchiveFile | undefined {
    let p = normalise(path);
    for (let depth = 0; depth < 16; depth++) {
      const file = this.files.get(p);
      if (file) return file;
      const target = this.symlinks.get(p);
      if (target === undefined) return undefined;
      p = normalise(target.startsWith('/') ? target : posix.join(posix.dirname(p), target));
    }
    return undefined;
  }

  json(path: string): unknown {
    const file = this.get(path);
    if (!file) return undefined;
    try {
      return JSON.parse(fs.readFileSync(file.tmp, 'utf8'));
    } catch (err) {
      throw new ArchiveFormatError(`${path} in the archive is not valid JSON: ${(err as Error).message}`);
    }
  }
}

function normalise(path: string): string {
  try {
    return safeComponents(path).join('/');
  } catch {
    return '\0invalid';
  }
}

async function readArchive(source: Readable, dir: string): Promise<Archive> {
  const archive = new Archive();
  let counter = 0;
  const reader = new TarReader((entry) => {
    const path = normalise(entry.path);
    if (entry.type === 'symlink' && entry.linkpath) archive.symlinks.set(path, entry.linkpath);
    if (entry.type !== 'file') return { write() {}, end() {} };
    const tmp = join(dir, String(counter++));
    const fd = fs.openSync(tmp, 'wx', 0o600);
    const hasher = new DigestHasher();
    return {
      write(chunk) {
        hasher.update(chunk);
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      },
      end() {
        fs.closeSync(fd);
        archive.files.set(path, { tmp, digest: hasher.digest(), size: hasher.bytes });
      },
    };
  });
  // The archive itself may be compressed (`docker save | gzip`): look at its first bytes.
  const { stream: archiveBytes, compression, empty } = await withSniffedCompression(source);
  if (empty) throw new ArchiveFormatError('the archive is empty');
  const stream = decompress(archiveBytes, compression);
  for await (const chunk of stream as AsyncIterable<Buffer>) reader.write(chunk);
  reader.end();
  if (archive.files.size === 0)
    throw new ArchiveFormatError(
      'the archive holds no files; is it a tar from docker save, podman save or berth save?',
    );
  return archive;
}

/** Moves an archive file into the blob store after checking it is the blob `expected` names. */
function commitBlob(
  store: Store,
  file: ArchiveFile | undefined,
  expected: Descriptor | { digest: Digest; size?: number },
  what: string,
): void {
  if (store.blobs.has(expected.digest)) return;
  if (!file) throw new ArchiveFormatError(`the archive lacks ${what} (${expected.digest})`);
  if (file.digest !== expected.digest || (expected.size !== undefined && file.size !== expected.size)) {
    throw new ArchiveFormatError(
      `${what} in the archive does not match its digest ${expected.digest} (got ${file.digest}, ${file.size} bytes); nothing was loaded for it`,
    );
  }
  const fd = fs.openSync(file.tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  store.blobs.commitFile(file.tmp, expected.digest);
}

function blobFile(archive: Archive, digest: Digest): ArchiveFile | undefined {
  return archive.get(`blobs/${digest.split(':')[0]}/${digestHex(digest)}`);
}

function loadOciLayout(store: Store, archive: Archive): LoadedImage[] {
  const indexFile = archive.get('index.json')!;
  const index = parseManifestOrIndex(fs.readFileSync(indexFile.tmp), MediaType.ociIndex);
  if (index.kind !== 'index') throw new ArchiveFormatError('index.json is not an OCI image index');
  const dockerTags = dockerRepoTags(archive);
  const loaded: LoadedImage[] = [];
  for (const desc of index.index.manifests) {
    commitTree(store, archive, desc);
    const image = store.imageFromTarget(desc);
    const names = new Set<string>();
    const ann = desc.annotations ?? {};
    for (const candidate of [ann['io.containerd.image.name'], ann['org.opencontainers.image.ref.name']]) {
      const name = candidate && referenceName(candidate);
      if (name) names.add(name);
    }
    if (names.size === 0) for (const tag of dockerTags.get(image.id) ?? []) names.add(tag);
    for (const name of names) store.setName(name, desc);
    if (names.size === 0) store.addDangling(desc);
    loaded.push({ names: [...names], image });
  }
  return loaded;
}

/** Copies a manifest or index and everything it references from the archive into the store. */
function commitTree(store: Store, archive: Archive, desc: Descriptor): void {
  const file = blobFile(archive, desc.digest);
  commitBlob(store, file, desc, `manifest ${desc.digest}`);
  const doc = store.readManifest(desc);
  if (doc.kind === 'index') {
    // Multi-platform archives may carry only some platforms: keep what is there.
    for (const m of doc.index.manifests)
      if (blobFile(archive, m.digest) || store.blobs.has(m.digest)) commitTree(store, archive, m);
    return;
  }
  commitBlob(store, blobFile(archive, doc.manifest.config.digest), doc.manifest.config, 'the image config');
  parseImageConfig(store.blobs.read(doc.manifest.config.digest));
  doc.manifest.layers.forEach((l, i) => commitBlob(store, blobFile(archive, l.digest), l, `layer ${i + 1}`));
}

function dockerRepoTags(archive: Archive): Map<Digest, string[]> {
  const out = new Map<Digest, string[]>();
  const manifest = archive.json('manifest.json');
  if (!Array.isArray(manifest)) return out;
  for (const entry of manifest as { Config?: string; RepoTags?: string[] | null }[]) {
    const config = entry.Config ? archive.get(entry.Config) : undefined;
    if (!config) continue;
    out.set(
      config.digest,
      (entry.RepoTags ?? []).map(referenceName).filter((n): n is string => !!n),
    );
  }
  return out;
}

function loadDockerArchive(store: Store, archive: Archive): LoadedImage[] {
  const manifest = archive.json('manifest.json');
  if (manifest === undefined) {
    throw new ArchiveFormatError(
      'the archive has neither manifest.json (docker save) nor index.json (OCI layout); it is not an image archive',
    );
  }
  if (!Array.isArray(manifest)) throw new ArchiveFormatError('manifest.json is not a list of images');
  const loaded: LoadedImage[] = [];
  for (const [i, entry] of (
    manifest as { Config?: unknown; RepoTags?: unknown; Layers?: unknown }[]
  ).entries()) {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers)) {
      throw new ArchiveFormatError(`manifest.json entry ${i} needs "Config" and "Layers"`);
    }
    const configFile = archive.get(entry.Config);
    if (!configFile) throw new ArchiveFormatError(`the archive lacks the config ${entry.Config}`);
    const config = parseImageConfig(fs.readFileSync(configFile.tmp));
    if (config.rootfs.diff_ids.length !== entry.Layers.length) {
      throw new ArchiveFormatError(
        `manifest.json entry ${i} lists ${entry.Layers.length} layers, its config ${config.rootfs.diff_ids.length}`,
      );
    }
    const layers: Descriptor[] = (entry.Layers as unknown[]).map((path, n) => {
      const file = typeof path === 'string' ? archive.get(path) : undefined;
      if (!file) throw new ArchiveFormatError(`the archive lacks layer ${n + 1} (${String(path)})`);
      const head = Buffer.alloc(4);
      const fd = fs.openSync(file.tmp, 'r');
      fs.readSync(fd, head, 0, 4, 0);
      fs.closeSync(fd);
      const compression = sniffCompression(head);
      const mediaType =
        compression === 'gzip'
          ? MediaType.ociLayerGzip
          : compression === 'zstd'
            ? MediaType.ociLayerZstd
            : MediaType.ociLayer;
      const desc = { mediaType, digest: file.digest, size: file.size };
      commitBlob(store, file, desc, `layer ${n + 1}`);
      return desc;
    });
    const configDesc: Descriptor = {
      mediaType: MediaType.ociConfig,
      digest: configFile.digest,
      size: configFile.size,
    };
    commitBlob(store, configFile, configDesc, 'the image config');
    const manifestBytes = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc, layers }),
    );
    const manifestDesc: Descriptor = {
      mediaType: MediaType.ociManifest,
      digest: sha256(manifestBytes),
      size: manifestBytes.length,
    };
    store.blobs.put(manifestBytes, manifestDesc.digest);
    const names = (Array.isArray(entry.RepoTags) ? entry.RepoTags : [])
      .map((t) => referenceName(String(t)))
      .filter((n): n is string => !!n);
    for (const name of names) store.setName(name, manifestDesc);
    if (names.length === 0) store.addDangling(manifestDesc);
    loaded.push({ names, image: store.imageFromTarget(manifestDesc) });
  }
  return loaded;
}

/** A full reference from an archive's name annotation; a bare tag (`latest`) names nothing. */
function referenceName(text: string): string | undefined {
  if (/^[\w][\w.-]{0,127}$/.test(text) && !text.includes('.')) return undefined;
  try {
    const ref = parseReference(text);
    return isDigest(text) ? undefined : formatReference(ref);
  } catch {
    return undefined;
  }
}

function familiar(name: string): string {
  return name.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}
