// The store seen the way the Docker Engine API shows images (ImageSummary, ImageInspect, delete
// responses), shared by the CLI and, later, the API routes so both say the same thing.
import type { Digest } from '../oci/digest';
import type { ContainerConfig } from '../oci/image-spec';
import { familiarName, familiarRepository, parseReference } from '../oci/reference';
import type { RemoveResult, StoredImage, Store } from './store';

export interface ImageSummary {
  Id: Digest;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds. */
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageInspect {
  Id: Digest;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: ContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

/** One line of `docker history`: a history entry, newest first; only the top one has an image id. */
export interface ImageHistoryItem {
  Id: string;
  /** Unix seconds. */
  Created: number;
  CreatedBy: string;
  Tags: string[];
  Size: number;
  Comment: string;
}

/** Image size as Docker reports it: the unpacked layers (or the compressed ones before unpacking). */
export function imageSize(store: Store, image: StoredImage): number {
  let size = 0;
  image.chainIds.forEach((chainId, i) => {
    size += store.snapshots.get(chainId)?.size ?? image.manifest.layers[i]?.size ?? 0;
  });
  return size;
}

interface Names {
  tags: string[];
  digests: string[];
  lastTagTime: string;
}

function namesByImage(store: Store): Map<Digest, { image: StoredImage; names: Names }> {
  const out = new Map<Digest, { image: StoredImage; names: Names }>();
  for (const { record, image } of store.listRecords()) {
    const entry = out.get(image.id) ?? {
      image,
      names: { tags: [], digests: [], lastTagTime: record.created },
    };
    out.set(image.id, entry);
    if (record.name.startsWith('sha256:')) continue; // dangling: no name
    const ref = parseReference(record.name);
    if (ref.digest) entry.names.digests.push(`${familiarRepository(ref)}@${ref.digest}`);
    else if (ref.tag !== undefined) {
      entry.names.tags.push(familiarName(ref));
      if (record.created > entry.names.lastTagTime) entry.names.lastTagTime = record.created;
    }
  }
  return out;
}

export function listImageSummaries(store: Store): ImageSummary[] {
  const summaries: ImageSummary[] = [];
  for (const [id, { image, names }] of namesByImage(store)) {
    summaries.push({
      Id: id,
      ParentId: '',
      RepoTags: names.tags.sort(),
      RepoDigests: [...new Set(names.digests)].sort(),
      Created: Math.floor(Date.parse(image.config.created ?? '') / 1000) || 0,
      Size: imageSize(store, image),
      SharedSize: -1,
      Labels: image.config.config?.Labels ?? null,
      Containers: -1,
    });
  }
  return summaries.sort((a, b) => b.Created - a.Created);
}

export function inspectImage(store: Store, nameOrId: string): ImageInspect {
  const { image } = store.resolve(nameOrId);
  const names = namesByImage(store).get(image.id)?.names ?? { tags: [], digests: [], lastTagTime: '' };
  const c = image.config;
  let lowerDirs: string[] | undefined;
  try {
    lowerDirs = image.chainIds.length
      ? store.snapshots.lowerDirs(image.chainIds[image.chainIds.length - 1])
      : undefined;
  } catch {
    lowerDirs = undefined; // not unpacked yet
  }
  return {
    Id: image.id,
    RepoTags: names.tags.sort(),
    RepoDigests: [...new Set(names.digests)].sort(),
    Parent: '',
    Comment: c.history?.[c.history.length - 1]?.comment ?? '',
    Created: c.created ?? '',
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: c.config ?? {},
    Architecture: c.architecture,
    ...(c.variant && { Variant: c.variant }),
    Os: c.os,
    Size: imageSize(store, image),
    GraphDriver: { Name: 'overlay', Data: lowerDirs ? { LowerDir: lowerDirs.join(':') } : null },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: names.lastTagTime },
  };
}

/** The image's history entries, newest first, each with the size of the layer it made. */
export function imageHistory(store: Store, nameOrId: string): ImageHistoryItem[] {
  const { image } = store.resolve(nameOrId);
  const history = image.config.history ?? [];
  const tags = namesByImage(store).get(image.id)?.names.tags.sort() ?? [];
  const items: ImageHistoryItem[] = [];
  let layer = image.chainIds.length - 1;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    const size = h.empty_layer ? 0 : (store.snapshots.get(image.chainIds[layer--])?.size ?? 0);
    const top = i === history.length - 1;
    items.push({
      Id: top ? image.id : '<missing>',
      Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0,
      CreatedBy: h.created_by ?? '',
      Tags: top ? tags : [],
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  return items;
}

export function deleteResponse(result: RemoveResult): DeleteResponseItem[] {
  return [
    ...result.untagged
      .filter((name) => !name.startsWith('sha256:'))
      .map((name) => ({ Untagged: familiarName(parseReference(name)) })),
    ...result.deleted.map((id) => ({ Deleted: id })),
  ];
}

/**
 * `docker image prune`: removes dangling images (no tag), or with `all` every image that `inUse`
 * does not keep (a container's), then collects what nothing references any more. Images held (by a
 * build, a container) are kept, names and all. Space reclaimed is what the collection freed on disk.
 */
export function pruneImages(
  store: Store,
  options: { all?: boolean; inUse?: (summary: ImageSummary) => boolean } = {},
): { deleted: DeleteResponseItem[]; spaceReclaimed: number } {
  const deleted: DeleteResponseItem[] = [];
  const held = new Set(Object.values(store.holds()).flatMap((h) => h.images ?? []));
  for (const summary of listImageSummaries(store)) {
    if (!options.all && summary.RepoTags.length > 0) continue;
    // A held image keeps its names too (a forced remove would untag it).
    if (held.has(summary.Id) || options.inUse?.(summary)) continue;
    try {
      deleted.push(...deleteResponse(store.remove(summary.Id, { force: true, noPrune: true })));
    } catch {
      // held by a build or a container meanwhile: kept
    }
  }
  return { deleted, spaceReclaimed: store.gc({ partials: true }).bytesFreed };
}
