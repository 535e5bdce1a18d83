// The image store's public API, for the daemon, the builder and the CLI.
//
//   const store = Store.open(root);                // root: --root, or defaultStoreRoot()
//   store.blobs     content-addressable blobs (put, ingest/commit, read, openRead, has)
//   store.images    image records: normalised name → manifest/index descriptor
//   store.snapshots layer snapshots by chain ID; lowerDirs(chainId) gives overlayfs lower dirs
//   store.resolve(nameOrId)         → { image: StoredImage, record? }   (names, IDs, ID prefixes)
//   store.ensureSnapshots(image)    unpacks whatever layers are not unpacked yet
//   store.tag / remove / gc / df / hold / release
//
// On disk (docs/images.md has the details):
//   <root>/blobs/sha256/<hex>            blobs, verified before they get their name
//   <root>/ingest/                       temp files; <hex>.partial = resumable downloads
//   <root>/images.json                   image records (atomic rewrite under images.lock)
//   <root>/snapshots/<chain hex>/fs      one layer's files (overlay whiteouts as root)
//   <root>/snapshots/<chain hex>/snapshot.json   { chainId, diffId, parent, size, whiteouts }
//   <root>/holds.json                    GC roots besides image records (containers, builds)
//   <root>/registry-schemes.json         the scheme each insecure registry answered on (a hint)
//
// A rootfs for a container: mount overlay with lowerdir=store.snapshots.lowerDirs(image.chainIds.at(-1)).join(':')
// and hold the snapshots (store.hold(containerId, { snapshots: [topChainId], images: [image.id] }))
// so that rmi and GC leave them alone; release() when the container is removed.
export { BlobNotFoundError, BlobStore, BlobWriter, DigestMismatchError, type BlobInfo } from './blobs';
export { ImageRecords, type ImageRecord } from './images';
export { DiffIdMismatchError, SnapshotStore, type SnapshotInfo } from './snapshots';
export {
  defaultStoreRoot,
  ImageConflictError,
  ImageNotFoundError,
  Store,
  type DiskUsage,
  type GcResult,
  type Hold,
  type ImageUsage,
  type RemoveResult,
  type StoredImage,
} from './store';
export { packLayer, type PackOptions } from './layers/pack';
export { unpackLayer, UnsafeLayerError, type UnpackOptions, type UnpackResult } from './layers/unpack';
export { compress, decompress, sniffCompression } from './layers/compression';
export type { WhiteoutFormat } from './layers/whiteouts';
