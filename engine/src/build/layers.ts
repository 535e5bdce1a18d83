// A step's changes become a layer: the directory holding them (an overlay upper dir, or the tree
// a `COPY --link` wrote) is packed into a layer tar (overlay whiteouts become `.wh.` entries),
// stored as a blob, and then the directory itself becomes the layer's snapshot — no unpacking.
//
// Layer blobs are stored uncompressed, as dockerd keeps built layers: a build is bound by how fast
// it writes, and the digest of an uncompressed blob is also its diff ID. Compression is for the
// wire; a push can compress.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { DigestHasher, type Digest, sha256 } from '../oci/digest';
import { MediaType } from '../oci/media-types';
import { lremovexattr } from '../runtime/linux/fs';
import { tempName } from '../store/atomic';
import { packLayer } from '../store/layers/pack';
import {
  fuseOpaqueXattr,
  isFuseOpaqueMarker,
  overlayOpaqueXattr,
  overlayXattrPrefix,
} from '../store/layers/whiteouts';

/** fuse-overlayfs's own xattrs in an upper dir. */
const fusePrefix = 'user.fuseoverlayfs.';
import type { Store } from '../store/store';
import type { LayerRef } from './cache';

/** The chain ID of `diffId` on top of the stack `parent` (undefined for a base layer). */
export function chainIdOf(parent: Digest | undefined, diffId: Digest): Digest {
  return parent === undefined ? diffId : sha256(`${parent} ${diffId}`);
}

/**
 * Turns `diffDir` into a layer on top of the stack `parent`. `diffDir` must be on the store's file
 * system; it is moved into the store (or removed, when an identical snapshot exists).
 */
export async function commitLayer(
  store: Store,
  diffDir: string,
  parent: Digest | undefined,
): Promise<LayerRef> {
  const size = scrubAndMeasure(store, diffDir);
  const { digest, bytes } = await writeBlob(store, diffDir);
  const chainId = chainIdOf(parent, digest);
  store.snapshots.adopt({ chainId, ...(parent && { parent }), diffId: digest, size }, diffDir);
  fs.rmSync(diffDir, { recursive: true, force: true });
  return { blob: { mediaType: MediaType.ociLayer, digest, size: bytes }, diffId: digest, chainId };
}

/**
 * Removes overlayfs' bookkeeping attributes from an upper dir (origin, impure: they describe the
 * mount the dir came from, not the layer; opaque stays, it is a whiteout) and adds up file sizes.
 * An upper dir of fuse-overlayfs (rootless fallback) gets the kernel's format, which the snapshot
 * must have to be a lower dir of either: its opaque marks become the overlay opaque xattr.
 */
function scrubAndMeasure(store: Store, dir: string): number {
  let size = 0;
  const visit = (path: string) => {
    let opaque = false;
    for (const name of fs.readdirSync(path)) {
      const abs = join(path, name);
      if (isFuseOpaqueMarker(abs, name)) {
        fs.rmSync(abs);
        opaque = true;
        continue;
      }
      const st = fs.lstatSync(abs);
      if (st.isFile()) size += st.size;
      if (!st.isSymbolicLink()) {
        for (const attr of store.calls.llistxattr(abs)) {
          if (attr === fuseOpaqueXattr && st.isDirectory()) {
            store.calls.lsetxattr(abs, overlayOpaqueXattr, Buffer.from('y'));
          }
          if (
            (attr.startsWith(overlayXattrPrefix) && attr !== overlayOpaqueXattr) ||
            attr.startsWith(fusePrefix)
          )
            lremovexattr(abs, attr);
        }
      }
      if (st.isDirectory()) visit(abs);
    }
    if (opaque) store.calls.lsetxattr(path, overlayOpaqueXattr, Buffer.from('y'));
  };
  visit(dir);
  return size;
}

async function writeBlob(store: Store, dir: string): Promise<{ digest: Digest; bytes: number }> {
  const tmp = join(store.root, 'ingest', tempName('build-layer'));
  const hasher = new DigestHasher();
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    const stream = packLayer(dir, {
      calls: store.calls,
      whiteouts: store.snapshots.asRoot ? 'overlay' : 'oci',
    });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hasher.update(chunk);
      fs.writeSync(fd, chunk);
    }
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  const digest = hasher.digest();
  if (store.blobs.has(digest)) fs.rmSync(tmp, { force: true });
  else store.blobs.commitFile(tmp, digest);
  return { digest, bytes: hasher.bytes };
}
