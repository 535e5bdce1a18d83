// What the CLI verbs call when no daemon answers at the default socket (or `--root` names a state
// dir): the library in-process, over the store and the registry client. With a daemon, the verbs
// make the same calls over the Engine API (engine/src/cli/daemon/).
import type { Readable } from 'node:stream';
import type * as Builder from '../build';
import type { BuildRequest, BuildResult, ProgressSink } from '../build';
import type * as Executor from '../build/runtime-executor';
import type * as LocalRun from './local-run';
import type { LocalRunIo, LocalRunOptions } from './local-run';
import { formatPlatform, parsePlatform } from '../oci/platform';
import { formatReference, parseReference } from '../oci/reference';
import { RegistryClient, type RegistryOptions } from '../registry/client';
import { lookupCredentials, storeCredentials, type Credentials } from '../registry/credentials';
import type { ProgressListener } from '../registry/progress';
import { pullImage } from '../registry/pull';
import { pushImage } from '../registry/push';
import { storeSchemeMemory } from '../registry/schemes';
import { loadImages } from '../store/archive/load';
import { saveImages } from '../store/archive/save';
import { Store } from '../store/store';
import {
  type DeleteResponseItem,
  deleteResponse,
  type ImageHistoryItem,
  imageHistory,
  type ImageInspect,
  type ImageSummary,
  inspectImage,
  listImageSummaries,
  pruneImages,
} from '../store/views';

// The builder and the runtime load when a build or a run needs them: evaluating them on every
// `berth` start (a pull, `images`) cost ~5 ms.
/* eslint-disable @typescript-eslint/no-require-imports */
const builder = () => require('../build') as typeof Builder;
const executor = () => new (require('../build/runtime-executor') as typeof Executor).RuntimeExecutor();
const localRun = () => require('./local-run') as typeof LocalRun;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface ImageBackend {
  pull(
    reference: string,
    options: { platform?: string },
    onProgress: ProgressListener,
  ): Promise<{ name: string; digest: string }>;
  push(reference: string, onProgress: ProgressListener): Promise<{ digest: string; size: number }>;
  list(): ImageSummary[];
  inspect(nameOrId: string): ImageInspect;
  history(nameOrId: string): ImageHistoryItem[];
  remove(nameOrId: string, options: { force?: boolean; noPrune?: boolean }): DeleteResponseItem[];
  /** `image prune`: dangling images, or with `all` every image. */
  prune(options: { all?: boolean }): { deleted: DeleteResponseItem[]; spaceReclaimed: number };
  tag(source: string, target: string): void;
  save(references: string[]): Readable;
  load(source: Readable, onMessage: (line: string) => void): Promise<void>;
  login(server: string, credentials: Credentials): Promise<string>;
  /** Builds an image (engine/src/build); progress comes as events. */
  build(request: BuildRequest, onEvent: ProgressSink, signal?: AbortSignal): Promise<BuildResult>;
  /** Runs an image once, in this process (until berthd serves containers); the exit code. */
  run(options: LocalRunOptions, io: LocalRunIo): Promise<number>;
}

export class LocalImageBackend implements ImageBackend {
  private storeInstance: Store | undefined;

  constructor(
    private readonly root: string,
    private readonly registryOptions: RegistryOptions,
  ) {}

  /** Opened on first use, so `berth --help` and `login` never touch the state dir. */
  get store(): Store {
    this.storeInstance ??= Store.open(this.root);
    return this.storeInstance;
  }

  private client(domain: string): RegistryClient {
    return new RegistryClient(domain, {
      credentials: (d) => lookupCredentials(d),
      schemeMemory: storeSchemeMemory(this.store.root),
      ...this.registryOptions,
    });
  }

  async pull(reference: string, options: { platform?: string }, onProgress: ProgressListener) {
    const ref = parseReference(reference);
    const result = await pullImage(this.store, this.client(ref.domain), ref, {
      onProgress,
      ...(options.platform && { platform: parsePlatform(options.platform) }),
    });
    return { name: result.name, digest: result.digest };
  }

  async push(reference: string, onProgress: ProgressListener) {
    const ref = parseReference(reference);
    return pushImage(this.store, this.client(ref.domain), formatReference(ref), ref, { onProgress });
  }

  list(): ImageSummary[] {
    return listImageSummaries(this.store);
  }

  inspect(nameOrId: string): ImageInspect {
    return inspectImage(this.store, nameOrId);
  }

  history(nameOrId: string): ImageHistoryItem[] {
    return imageHistory(this.store, nameOrId);
  }

  remove(nameOrId: string, options: { force?: boolean; noPrune?: boolean }): DeleteResponseItem[] {
    return deleteResponse(this.store.remove(nameOrId, options));
  }

  prune(options: { all?: boolean }): { deleted: DeleteResponseItem[]; spaceReclaimed: number } {
    return pruneImages(this.store, options);
  }

  tag(source: string, target: string): void {
    this.store.tag(source, target);
  }

  save(references: string[]): Readable {
    return saveImages(this.store, references);
  }

  async load(source: Readable, onMessage: (line: string) => void): Promise<void> {
    await loadImages(this.store, source, onMessage);
  }

  async login(server: string, credentials: Credentials): Promise<string> {
    const domain = loginDomain(server);
    await new RegistryClient(domain, { ...this.registryOptions, credentials: () => credentials }).login();
    return storeCredentials(domain, credentials);
  }

  build(request: BuildRequest, onEvent: ProgressSink, signal?: AbortSignal): Promise<BuildResult> {
    return builder().buildImage(request, {
      store: this.store,
      executor: executor(),
      pull: async (reference, platform) => {
        await this.pull(reference, { platform: formatPlatform(platform) }, () => {});
      },
      onEvent,
      ...(signal && { signal }),
    });
  }

  run(options: LocalRunOptions, io: LocalRunIo): Promise<number> {
    return localRun().runLocal(this.store, executor(), options, io);
  }
}

/** `docker login` accepts a host, a URL or nothing (Docker Hub). */
export function loginDomain(server: string | undefined): string {
  if (!server) return 'docker.io';
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') return 'docker.io';
  return host;
}
