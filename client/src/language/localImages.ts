// What the language server learns about the engine's images (server/src/protocol.ts): repositories
// with their local tags, IDs, sizes, platforms and environment names, for FROM completion and hover.
// No `vscode` here; language/imageSync.ts sends it.
import type Docker from 'dockerode';

import type { LocalImage, LocalImagesParams } from '../../../server/src/protocol';

/** `host:5000/team/app:v1` → [`host:5000/team/app`, `v1`]; a port's colon is not a tag. */
function splitRepoTag(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

function platformOf(info: { Os?: string; Architecture?: string; Variant?: string }): string | undefined {
  if (!info.Os || !info.Architecture) return undefined;
  return [info.Os, info.Architecture, info.Variant].filter(Boolean).join('/');
}

/**
 * One entry per repository, tags merged across images (a repository's tags may point at different
 * images; ID, size and config are those of the most recent). `inspected` holds image details by ID.
 */
export function localImagesFrom(
  images: readonly Docker.ImageInfo[],
  inspected: ReadonlyMap<string, Docker.ImageInspectInfo>,
  enginePlatform: string | undefined,
): LocalImagesParams {
  const byRepo = new Map<string, { tags: Set<string>; newest: Docker.ImageInfo }>();
  for (const image of images) {
    for (const ref of image.RepoTags ?? []) {
      if (ref === '<none>:<none>') continue;
      const [name, tag] = splitRepoTag(ref);
      const entry = byRepo.get(name) ?? { tags: new Set<string>(), newest: image };
      entry.tags.add(tag);
      if (image.Created > entry.newest.Created) entry.newest = image;
      byRepo.set(name, entry);
    }
  }
  const result: LocalImage[] = [...byRepo.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { tags, newest }]) => {
      const details = inspected.get(newest.Id) as
        (Docker.ImageInspectInfo & { Variant?: string }) | undefined;
      const env = details?.Config?.Env?.map((e) => e.split('=')[0]).filter(Boolean);
      return {
        name,
        tags: [...tags].sort(),
        id: newest.Id,
        size: newest.Size,
        created: new Date(newest.Created * 1000).toISOString(),
        platform: details ? platformOf(details) : undefined,
        env,
      };
    });
  return { images: result, platform: enginePlatform };
}
