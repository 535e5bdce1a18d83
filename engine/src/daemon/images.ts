// Images for the API: the content store and registry client behind Docker's image endpoints
// (list, pull, push, tag, rmi, inspect, history, save, load, prune), with their errors mapped to
// the API's kinds. Containers use it to resolve their image and keep it alive.
import type { Readable } from 'node:stream';
import type { ProgressSink } from '../api/backend';
import type * as T from '../api/types';
import { parsePlatform } from '../oci/platform';
import { holdMemoryRelease } from '../runtime/linux/memory';
import { familiarName, formatReference, parseReference } from '../oci/reference';
import type { RegistryClient, RegistryError } from '../registry/client';
import type { Credentials } from '../registry/credentials';
import type { StoredImage, Store } from '../store/store';
import {
  deleteResponse,
  imageHistory,
  imageSize,
  inspectImage,
  listImageSummaries,
  pruneImages,
} from '../store/views';
import { conflict, diskFull, EngineError, forbidden, invalid, isDiskFull, notFound } from './errors';
import type { EventBus } from './events';
import { matchLabels } from './volumes';

// The registry client and the archive code load on first use (berthd stays small when idle).
const registry = () => import('../registry/client.js');
const schemes = () => import('../registry/schemes.js');
const pulling = () => import('../registry/pull.js');
const pushing = () => import('../registry/push.js');
const loading = () => import('../store/archive/load.js');
const saving = () => import('../store/archive/save.js');

/** Maps store and registry errors (by name: their modules load lazily) to the API's kinds. */
export function imageError(err: unknown): unknown {
  if (err instanceof EngineError || !(err instanceof Error)) return err;
  switch (err.name) {
    case 'ImageNotFound':
      return notFound(err.message);
    case 'ImageConflict':
      return conflict(err.message);
    case 'InvalidReference':
    case 'ArchiveFormatError':
      return invalid(err.message);
    case 'AuthError':
      return forbidden(err.message);
    case 'RegistryError': {
      const status = (err as RegistryError).status;
      if (status === 404) return notFound(err.message);
      if (status === 401 || status === 403) return forbidden(err.message);
      return new EngineError('system', err.message, { cause: err });
    }
    default:
      return err;
  }
}

async function mapped<R>(work: () => Promise<R> | R): Promise<R> {
  try {
    return await work();
  } catch (err) {
    throw imageError(err);
  }
}

function toCredentials(auth: T.AuthConfig | undefined): Credentials | undefined {
  if (!auth) return undefined;
  if (auth.identitytoken)
    return { username: auth.username ?? '', password: '', identityToken: auth.identitytoken };
  if (auth.username || auth.password) return { username: auth.username ?? '', password: auth.password ?? '' };
  if (auth.auth) {
    const text = Buffer.from(auth.auth, 'base64').toString('utf8');
    const i = text.indexOf(':');
    return { username: text.slice(0, i), password: text.slice(i + 1) };
  }
  return undefined;
}

/** The Docker Hub key the docker CLI sends in `serveraddress`. */
function loginDomain(server: string | undefined): string {
  if (!server) return 'docker.io';
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

export class ImageService {
  constructor(
    readonly store: Store,
    private readonly insecureRegistries: string[],
    private readonly events: EventBus,
    /** How many containers use each image (ImageSummary.Containers). */
    private readonly containerCount: (imageId: string) => number,
  ) {}

  private async client(domain: string, auth?: T.AuthConfig): Promise<RegistryClient> {
    const credentials = toCredentials(auth);
    const [{ RegistryClient }, { storeSchemeMemory }] = await Promise.all([registry(), schemes()]);
    return new RegistryClient(domain, {
      insecureRegistries: this.insecureRegistries,
      schemeMemory: storeSchemeMemory(this.store.root),
      credentials: () => credentials,
      userAgent: 'berthd',
    });
  }

  /** The image a container is created from (by name, short id or digest). */
  resolve(nameOrId: string): StoredImage {
    try {
      return this.store.resolve(nameOrId).image;
    } catch (err) {
      throw imageError(err);
    }
  }

  /** Unpacked layers, topmost first, for the container's overlayfs (unpacking what is missing). */
  async lowerDirs(image: StoredImage): Promise<string[]> {
    await this.store.ensureSnapshots(image);
    return this.store.snapshots.lowerDirs(image.chainIds[image.chainIds.length - 1]);
  }

  /** Marks the image as used by a container, so rmi and GC leave it alone. */
  hold(containerId: string, image: StoredImage): void {
    this.store.hold(`container:${containerId}`, { images: [image.id], snapshots: image.chainIds.slice(-1) });
  }

  release(containerId: string): void {
    this.store.release(`container:${containerId}`);
  }

  list(options: { all: boolean; filters: T.Filters }): T.ImageSummary[] {
    const f = options.filters;
    let list = listImageSummaries(this.store) as unknown as T.ImageSummary[];
    const dangling = f.dangling?.[0];
    if (dangling !== undefined) {
      const want = ['true', '1'].includes(dangling);
      list = list.filter((i) => (i.RepoTags.length === 0) === want);
    }
    if (f.reference?.length) {
      list = list.filter((i) => i.RepoTags.some((t) => f.reference!.some((r) => referenceMatches(r, t))));
    }
    if (f.label?.length) list = list.filter((i) => matchLabels(i.Labels ?? {}, f.label!));
    if (f.before?.length || f.since?.length) {
      const created = (ref: string) => this.resolve(ref).config.created;
      const before = f.before?.[0] ? Date.parse(created(f.before[0]) ?? '') / 1000 : undefined;
      const since = f.since?.[0] ? Date.parse(created(f.since[0]) ?? '') / 1000 : undefined;
      list = list.filter(
        (i) => (before === undefined || i.Created < before) && (since === undefined || i.Created > since),
      );
    }
    return list.map((i) => ({ ...i, Labels: i.Labels ?? {}, Containers: this.containerCount(i.Id) }));
  }

  inspect(name: string): T.ImageInspect {
    return mappedSync(() => inspectImage(this.store, name) as unknown as T.ImageInspect);
  }

  history(name: string): T.ImageHistoryItem[] {
    return mappedSync(() => imageHistory(this.store, name));
  }

  async pull(
    reference: string,
    options: { platform?: string; auth?: T.AuthConfig },
    progress: ProgressSink,
  ): Promise<void> {
    await mapped(async () => {
      const ref = parseReference(reference);
      const { pullImage } = await pulling();
      const endHold = holdMemoryRelease();
      try {
        await pullImage(this.store, await this.client(ref.domain, options.auth), ref, {
          onProgress: (m) => progress(m),
          ...(options.platform ? { platform: parsePlatform(options.platform) } : {}),
        });
      } catch (err) {
        // What arrived waits in the store's ingest dir (not an image yet): the next pull resumes.
        if (isDiskFull(err)) throw diskFull(`pulling ${familiarName(ref)} into ${this.store.root}`, err);
        throw err;
      } finally {
        endHold();
      }
      this.events.publish('image', 'pull', familiarName(ref), { name: familiarName(ref) });
    });
  }

  async push(
    name: string,
    tag: string | undefined,
    auth: T.AuthConfig | undefined,
    progress: ProgressSink,
  ): Promise<void> {
    await mapped(async () => {
      const ref = parseReference(tag ? `${name}:${tag}` : name, { defaultToLatest: !!tag });
      const source = formatReference(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' });
      const { pushImage } = await pushing();
      const result = await pushImage(
        this.store,
        await this.client(ref.domain, auth),
        source,
        ref.tag ? ref : { ...ref, tag: 'latest' },
        {
          onProgress: (m) => progress(m),
        },
      );
      progress({ status: `${ref.tag ?? 'latest'}: digest: ${result.digest} size: ${result.size}` });
      progress({ aux: { Tag: ref.tag ?? 'latest', Digest: result.digest, Size: result.size } });
      this.events.publish('image', 'push', familiarName(ref), { name: familiarName(ref) });
    });
  }

  tag(source: string, repo: string, tag?: string): void {
    mappedSync(() => {
      const target = tag ? `${repo}:${tag}` : repo;
      const name = this.store.tag(source, target);
      this.events.publish('image', 'tag', this.resolve(name).id, {
        name: familiarName(parseReference(name)),
      });
    });
  }

  remove(name: string, options: { force: boolean; noprune: boolean }): T.ImageDeleteItem[] {
    return mappedSync(() => {
      const id = this.resolve(name).id;
      if (!options.force && this.containerCount(id) > 0 && /^(sha256:)?[0-9a-f]{4,64}$/.test(name)) {
        throw conflict(
          `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is being used by a container; remove the container first`,
        );
      }
      const items = deleteResponse(
        this.store.remove(name, { force: options.force, noPrune: options.noprune }),
      );
      for (const item of items) {
        if ('Untagged' in item) this.events.publish('image', 'untag', id, { name: item.Untagged });
        else this.events.publish('image', 'delete', item.Deleted, { name: item.Deleted });
      }
      if (!options.noprune) this.store.gc();
      return items;
    });
  }

  /**
   * `docker image prune`: the store's own prune, so an image a build or a container holds keeps its
   * names (a forced remove would untag it), plus Docker's label filters.
   */
  prune(filters: T.Filters): { ImagesDeleted: T.ImageDeleteItem[]; SpaceReclaimed: number } {
    const all = ['false', '0'].includes(filters.dangling?.[0] ?? 'true');
    const { deleted, spaceReclaimed } = pruneImages(this.store, {
      all,
      inUse: (summary) =>
        this.containerCount(summary.Id) > 0 ||
        (!!filters.label?.length && !matchLabels(summary.Labels ?? {}, filters.label)),
    });
    for (const item of deleted) {
      if ('Deleted' in item) this.events.publish('image', 'delete', item.Deleted, { name: item.Deleted });
    }
    return { ImagesDeleted: deleted, SpaceReclaimed: spaceReclaimed };
  }

  async save(names: string[]): Promise<Readable> {
    for (const n of names) this.resolve(n);
    const { saveImages } = await saving();
    return mappedSync(() => saveImages(this.store, names));
  }

  async load(tar: Readable, progress: ProgressSink): Promise<void> {
    await mapped(async () => {
      const { loadImages } = await loading();
      const loaded = await loadImages(this.store, tar, (line) => progress({ stream: `${line}\n` }));
      for (const { image, names } of loaded) {
        this.events.publish('image', 'load', image.id, { name: names[0] ?? image.id });
      }
    });
  }

  async auth(config: T.AuthConfig): Promise<T.AuthResponse> {
    return mapped(async () => {
      const domain = loginDomain(config.serveraddress);
      const credentials = toCredentials(config);
      if (!credentials) throw invalid('login needs a username and a password (or an identity token)');
      await (await this.client(domain, config)).login();
      return { Status: 'Login Succeeded' };
    });
  }

  size(image: StoredImage): number {
    return imageSize(this.store, image);
  }
}

function mappedSync<R>(work: () => R): R {
  try {
    return work();
  } catch (err) {
    throw imageError(err);
  }
}

/** Docker's reference filter: `busybox`, `busybox:1.*`, `team/*` (path.Match on the familiar name). */
function referenceMatches(pattern: string, tag: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  const repo = tag.replace(/:[^:/]+$/, '');
  return re.test(tag) || re.test(repo);
}
