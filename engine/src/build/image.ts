// The image a stage builds: its config, history and layers, as BuildKit keeps them, and writing
// it into the store. The config is serialised the way BuildKit's exporter writes it (top-level
// keys sorted, the runnable config in BuildKit's field order, `OnBuild` always present), so a
// config written by Berth compares with BuildKit's field by field.
import type { Digest } from '../oci/digest';
import type { ContainerConfig, Descriptor, HealthConfig, HistoryEntry, Platform } from '../oci/image-spec';
import { MediaType } from '../oci/media-types';
import type { Store, StoredImage } from '../store/store';
import type { LayerRef } from './cache';

export interface BuildImage {
  platform: Platform;
  author?: string;
  config: ContainerConfig;
  history: HistoryEntry[];
  layers: LayerRef[];
}

/** The comment BuildKit's Dockerfile frontend puts on every history entry it writes. */
export const historyComment = 'buildkit.dockerfile.v0';

export function imageFromStored(stored: StoredImage): BuildImage {
  const c = stored.config;
  const layers = stored.manifest.layers.map((blob, i) => ({
    blob,
    diffId: c.rootfs.diff_ids[i],
    chainId: stored.chainIds[i],
  }));
  return {
    platform: {
      architecture: c.architecture,
      os: c.os,
      ...(c.variant && { variant: c.variant }),
      ...(c['os.version'] && { 'os.version': c['os.version'] }),
    },
    ...(c.author && { author: c.author }),
    config: structuredClone(c.config ?? {}),
    history: structuredClone(c.history ?? []),
    layers,
  };
}

/** `FROM scratch`: nothing but the platform and BuildKit's default PATH. */
export function scratchImage(platform: Platform, defaultPath: string): BuildImage {
  return { platform, config: { Env: [`PATH=${defaultPath}`] }, history: [], layers: [] };
}

export function topChainId(image: BuildImage): Digest | undefined {
  return image.layers.length ? image.layers[image.layers.length - 1].chainId : undefined;
}

function present<T>(value: T | undefined | null): value is T {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return value !== '' && value !== false;
}

function orderedHealthcheck(h: HealthConfig): HealthConfig {
  const out: HealthConfig = {};
  if (present(h.Test)) out.Test = h.Test;
  if (h.Interval) out.Interval = h.Interval;
  if (h.Timeout) out.Timeout = h.Timeout;
  if (h.StartPeriod) out.StartPeriod = h.StartPeriod;
  if (h.StartInterval) out.StartInterval = h.StartInterval;
  if (h.Retries) out.Retries = h.Retries;
  return out;
}

/** The runnable config in BuildKit's field order, empty fields left out except `OnBuild`. */
export function orderedContainerConfig(c: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = {};
  if (present(c.User)) out.User = c.User;
  if (present(c.ExposedPorts)) out.ExposedPorts = sortedKeys(c.ExposedPorts);
  if (present(c.Env)) out.Env = c.Env;
  if (present(c.Entrypoint)) out.Entrypoint = c.Entrypoint;
  if (present(c.Cmd)) out.Cmd = c.Cmd;
  if (present(c.Volumes)) out.Volumes = sortedKeys(c.Volumes);
  if (present(c.WorkingDir)) out.WorkingDir = c.WorkingDir;
  if (present(c.Labels)) out.Labels = sortedKeys(c.Labels);
  if (present(c.StopSignal)) out.StopSignal = c.StopSignal;
  if (c.Healthcheck && present(c.Healthcheck)) out.Healthcheck = orderedHealthcheck(c.Healthcheck);
  if (c.ArgsEscaped) out.ArgsEscaped = true;
  out.OnBuild = present(c.OnBuild) ? c.OnBuild : null;
  if (present(c.Shell)) out.Shell = c.Shell;
  return out;
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The config JSON BuildKit would write for this image; `created` is the image's creation time. */
export function serializeConfig(image: BuildImage, created: string): Buffer {
  const config: Record<string, unknown> = {
    ...image.platform,
    ...(image.author && { author: image.author }),
    config: orderedContainerConfig(image.config),
    created,
    history: image.history.map(orderedHistory),
    rootfs: { type: 'layers', diff_ids: image.layers.map((l) => l.diffId) },
  };
  return Buffer.from(JSON.stringify(sortedKeys(config)));
}

function orderedHistory(h: HistoryEntry): HistoryEntry {
  const out: HistoryEntry = {};
  if (h.created !== undefined) out.created = h.created;
  if (h.created_by !== undefined) out.created_by = h.created_by;
  if (h.author !== undefined) out.author = h.author;
  if (h.comment !== undefined) out.comment = h.comment;
  if (h.empty_layer) out.empty_layer = true;
  return out;
}

/** Writes the config and an OCI manifest into the store; returns their descriptors. */
export function writeImage(
  store: Store,
  image: BuildImage,
  created: string,
): { config: Descriptor; manifest: Descriptor } {
  const configBytes = serializeConfig(image, created);
  const config: Descriptor = {
    mediaType: MediaType.ociConfig,
    digest: store.blobs.put(configBytes),
    size: configBytes.length,
  };
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config,
      layers: image.layers.map((l) => ({
        mediaType: l.blob.mediaType,
        digest: l.blob.digest,
        size: l.blob.size,
      })),
    }),
  );
  const manifest: Descriptor = {
    mediaType: MediaType.ociManifest,
    digest: store.blobs.put(manifestBytes),
    size: manifestBytes.length,
  };
  return { config, manifest };
}
