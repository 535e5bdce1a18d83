// OCI image-spec types (manifest, index, config, descriptor) and their validation at the boundary:
// everything read from a registry, an archive or disk goes through parseManifestOrIndex/parseImageConfig.
import { type Digest, parseDigest } from './digest';
import { indexMediaTypes, manifestMediaTypes, MediaType } from './media-types';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
  artifactType?: string;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The runnable part of an image config (OCI names it `config`; Docker adds a few fields). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig extends Platform {
  created?: string;
  author?: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
  /** Docker-only fields kept when present (docker inspect shows them). */
  container_config?: ContainerConfig;
  docker_version?: string;
}

export type ManifestOrIndex =
  | { kind: 'manifest'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex };

class ImageFormatError extends Error {
  override name = 'ImageFormatError';
}

function fail(what: string, problem: string): never {
  throw new ImageFormatError(`invalid ${what}: ${problem}`);
}

function parseJsonObject(bytes: Uint8Array | string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    fail(what, `not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(what, 'not a JSON object');
  }
  return value as Record<string, unknown>;
}

function parsePlatform(value: unknown, what: string): Platform {
  if (typeof value !== 'object' || value === null) fail(what, 'platform is not an object');
  const p = value as Record<string, unknown>;
  if (typeof p.architecture !== 'string' || typeof p.os !== 'string') {
    fail(what, 'platform needs "architecture" and "os" strings');
  }
  return value as Platform;
}

export function parseDescriptor(value: unknown, what: string): Descriptor {
  if (typeof value !== 'object' || value === null) fail(what, 'descriptor is not an object');
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || d.mediaType === '') fail(what, 'descriptor without mediaType');
  const digest = parseDigest(d.digest, `${what} digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    fail(what, `descriptor ${digest} has no valid size`);
  }
  if (d.platform !== undefined) parsePlatform(d.platform, what);
  return value as Descriptor;
}

/**
 * Parses a manifest or an index. `contentType` is the Content-Type the registry sent (or the
 * descriptor's mediaType); when absent the document's own mediaType field decides.
 */
export function parseManifestOrIndex(bytes: Uint8Array | string, contentType?: string): ManifestOrIndex {
  const doc = parseJsonObject(bytes, 'manifest');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (
    doc.schemaVersion === 1 ||
    contentType === MediaType.dockerSchema1 ||
    contentType === MediaType.dockerSchema1Signed
  ) {
    throw new ImageFormatError(
      'this image uses the Docker image manifest v2 schema 1 format, which Berth does not support ' +
        '(it was deprecated in 2017); push it again with a current tool to get a v2 schema 2 or OCI manifest',
    );
  }
  if (doc.schemaVersion !== 2) fail('manifest', `schemaVersion ${String(doc.schemaVersion)} (expected 2)`);
  const type = pickMediaType(contentType, declared, doc);
  if (indexMediaTypes.includes(type)) {
    if (!Array.isArray(doc.manifests)) fail('image index', '"manifests" is not an array');
    doc.manifests.forEach((m, i) => parseDescriptor(m, `image index entry ${i}`));
    return { kind: 'index', mediaType: type, index: doc as unknown as ImageIndex };
  }
  if (manifestMediaTypes.includes(type)) {
    parseDescriptor(doc.config, 'manifest config');
    if (!Array.isArray(doc.layers)) fail('manifest', '"layers" is not an array');
    doc.layers.forEach((l, i) => parseDescriptor(l, `manifest layer ${i}`));
    return { kind: 'manifest', mediaType: type, manifest: doc as unknown as ImageManifest };
  }
  fail('manifest', `unsupported media type ${JSON.stringify(type)}`);
}

function pickMediaType(
  contentType: string | undefined,
  declared: string | undefined,
  doc: Record<string, unknown>,
): string {
  const known = [...indexMediaTypes, ...manifestMediaTypes];
  const fromHeader = contentType?.split(';')[0].trim();
  if (fromHeader && known.includes(fromHeader)) return fromHeader;
  if (declared) return declared;
  // OCI allows mediaType to be omitted; tell the two apart by shape.
  if (Array.isArray(doc.manifests)) return MediaType.ociIndex;
  return MediaType.ociManifest;
}

export function parseImageConfig(bytes: Uint8Array | string): ImageConfig {
  const doc = parseJsonObject(bytes, 'image config');
  if (typeof doc.architecture !== 'string' || typeof doc.os !== 'string') {
    fail('image config', 'needs "architecture" and "os"');
  }
  const rootfs = doc.rootfs as Record<string, unknown> | undefined;
  if (!rootfs || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) {
    fail('image config', 'rootfs must be {"type":"layers","diff_ids":[...]}');
  }
  rootfs.diff_ids.forEach((d, i) => parseDigest(d, `image config diff_ids[${i}]`));
  if (doc.config !== undefined && (typeof doc.config !== 'object' || doc.config === null)) {
    fail('image config', '"config" is not an object');
  }
  return doc as unknown as ImageConfig;
}

/** Canonical bytes for a document we write (manifests and configs we create ourselves). */
export function canonicalJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
