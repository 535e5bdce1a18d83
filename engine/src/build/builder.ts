// A whole build: read the Dockerfile, plan the stages the target needs, build them — independent
// stages at the same time, each stage waiting only for the stages it reads — then write the
// target's image into the store and name it. A fully cached build writes nothing new: it finds
// the image it made last time and names it again.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Instruction } from '../dockerfile';
import type { Digest } from '../oci/digest';
import type { Descriptor, Platform } from '../oci/image-spec';
import { formatReference, parseReference } from '../oci/reference';
import { linuxMountCalls, type MountCalls } from '../runtime/linux/mount';
import { ImageNotFoundError, type Store, type StoredImage } from '../store/store';
import { checkBuildArg, type CheckFinding } from '../dockerfile/lint/buildChecks';
import { ImageCatalog } from '../dockerfile/lint/environment';
import { BuildCache, cacheKey } from './cache';
import { baseImageCatalog, BuildChecks } from './checks';
import { BuildContext } from './context/context';
import { FileDigests } from './context/file-digests';
import { loadIgnoreRules } from './context/ignore';
import { BuildError } from './errors';
import type { StepBridge, StepExecutor } from './executor';
import { imageFromStored, serializeConfig, topChainId, writeImage } from './image';
import type { BuildRequest } from './options';
import { type BuildPlan, planBuild, resolveSource, type StageSource } from './plan';
import { Progress, type ProgressSink } from './progress/events';
import type { PreparedSource } from './run-mounts';
import type { BuildServices } from './services';
import { ensureImageSnapshots, StageBuilder } from './stage';
import { fillHistoryTimes, type StageState } from './stage-state';
import { cleanupWork, mountReadOnly } from './step-rootfs';

export interface BuildDependencies {
  store: Store;
  /** Runs RUN steps. */
  executor?: StepExecutor;
  /** Puts RUN steps of the default network on a bridge; without it they use the host's network. */
  bridge?: StepBridge;
  mounts?: MountCalls;
  /** Pulls an image into the store (the caller knows registries and credentials). */
  pull?: (reference: string, platform: Platform) => Promise<void>;
  onEvent?: ProgressSink;
  signal?: AbortSignal;
  /** Digests of context files the caller already knows (it wrote them); otherwise read from disk. */
  contextDigests?: FileDigests;
  /**
   * Writes context content the caller held back in memory (only digests were needed so far);
   * called before the first step that runs rather than coming from the cache.
   */
  writeContext?: () => void;
}

export interface BuildResult {
  /** The image ID (its config digest). */
  id: Digest;
  manifest: Descriptor;
  /** Normalised names the image got. */
  tags: string[];
  /** Build args given but used by no ARG. */
  unusedBuildArgs: string[];
}

export async function buildImage(request: BuildRequest, deps: BuildDependencies): Promise<BuildResult> {
  let source: string | undefined;
  try {
    return await build(request, deps, (text) => (source = text));
  } catch (err) {
    if (err instanceof BuildError) {
      err.details.source ??= source;
      throw err;
    }
    throw new BuildError((err as Error).message ?? String(err), { ...(source !== undefined && { source }) });
  }
}

async function build(
  request: BuildRequest,
  deps: BuildDependencies,
  onText: (text: string) => void,
): Promise<BuildResult> {
  const progress = new Progress(deps.onEvent ?? (() => {}));
  const { store } = deps;
  const mounts = deps.mounts ?? linuxMountCalls;
  const contextDir = resolve(request.contextDir);
  const dockerfilePath = request.dockerfile
    ? isAbsolute(request.dockerfile)
      ? request.dockerfile
      : resolve(contextDir, request.dockerfile)
    : join(contextDir, 'Dockerfile');
  const fileName = displayName(contextDir, dockerfilePath);

  const definition = progress.step(`[internal] load build definition from ${basename(dockerfilePath)}`);
  let text: string;
  try {
    text = request.dockerfileText ?? fs.readFileSync(dockerfilePath, 'utf8');
  } catch (err) {
    const message =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? `failed to read ${fileName}: no such file: give the Dockerfile with -f, or put one at the root of the context`
        : `failed to read ${fileName}: ${(err as Error).message}`;
    definition.fail(message);
    throw new BuildError(message);
  }
  onText(text);
  let plan: BuildPlan;
  let checks: BuildChecks;
  try {
    plan = planBuild(text, fileName, request);
    checks = BuildChecks.prepare(text, fileName, contextDir, dockerfilePath, request.buildArgs ?? {});
    definition.done();
  } catch (err) {
    definition.fail((err as Error).message);
    throw err;
  }

  const ignoreStep = progress.step('[internal] load .dockerignore');
  const ignore = loadIgnoreRules(contextDir, dockerfilePath);
  ignoreStep.done();
  const digestsFile = join(
    store.root,
    'build',
    'file-digests',
    `${createHash('sha256').update(contextDir).digest('hex').slice(0, 32)}.json`,
  );
  const digests = deps.contextDigests ?? new FileDigests(request.temporaryContext ? undefined : digestsFile);
  const context = new BuildContext(contextDir, ignore?.rules, ignore?.file, digests, deps.writeContext);
  const cache = new BuildCache(store);
  const hold = new BuildHold(store);
  cleanupWork(store, mounts);

  const controller = new AbortController();
  deps.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  // The failure to report is the first one: the steps it cancels in other stages fail after it.
  let firstFailure: { error: unknown } | undefined;
  const stages = new Map<number, Promise<StageState>>();
  const images = new Map<string, Promise<StoredImage>>();
  const classicSteps = classicNumbers(plan);
  const consumed = new Set<string>();

  const image = (reference: string, platform: Platform): Promise<StoredImage> => {
    const key = `${reference} ${platform.os}/${platform.architecture}/${platform.variant ?? ''}`;
    let found = images.get(key);
    if (!found) {
      found = resolveImage(store, reference, platform, request.pull === true, deps.pull, progress).then(
        (image) => {
          hold.add(image);
          return image;
        },
      );
      images.set(key, found);
    }
    return found;
  };

  const services: BuildServices = {
    store,
    cache,
    mounts,
    executor: deps.executor,
    bridge: deps.bridge,
    progress,
    context,
    request,
    plan,
    secrets: new Map((request.secrets ?? []).map((s) => [s.id, s])),
    args: { buildArgs: request.buildArgs ?? {}, metaArgs: plan.metaArgs, consumed },
    stage: (index) => stage(index),
    image,
    holdInputs: () => hold.activate(),
    signal: controller.signal,
  };

  const byName = new Map<string, number>();
  for (const s of plan.stages) if (s.stage.name) byName.set(s.stage.name, s.index);
  const sourceOf = (from: string, reader: number): StageSource => {
    const source = resolveSource(from, byName, plan.stages.length);
    if (source.kind === 'stage' && source.index >= reader) {
      throw new BuildError(
        `cannot copy from stage "${from}", it needs to be defined before current stage "${plan.stages[reader].displayName || `stage-${reader}`}"`,
      );
    }
    return source;
  };

  const stage = (index: number): Promise<StageState> => {
    let running = stages.get(index);
    if (!running) {
      const planned = plan.stages[index];
      const sources = {
        sourceKey: async (from: string) => {
          const source = sourceOf(from, index);
          if (source.kind === 'stage') return (await stage(source.index)).fsKey;
          return (await image(source.reference, planned.platform)).id;
        },
        sourceTree: async (from: string): Promise<PreparedSource> => {
          const source = sourceOf(from, index);
          const layers =
            source.kind === 'stage'
              ? (await stage(source.index)).image
              : imageFromStored(await image(source.reference, planned.platform));
          hold.activate();
          await ensureImageSnapshots(store, layers);
          return mountReadOnly(store, mounts, topChainId(layers));
        },
      };
      running = new StageBuilder(
        services,
        planned,
        { ...sources, store, mounts, context, secrets: services.secrets },
        classicSteps,
      ).build();
      stages.set(index, running);
      // A failure anywhere stops the rest of the build.
      running.catch((error: unknown) => {
        firstFailure ??= { error };
        controller.abort();
      });
    }
    return running;
  };

  let finished = false;
  let checkFindings: CheckFinding[] = [];
  try {
    // BuildKit's checks, before any stage starts: with error=true a finding stops the build here.
    checkFindings = checks.run(checks.skipsAll ? new ImageCatalog() : await baseImageCatalog(plan, image));
    // Start every needed stage now: stages that do not depend on each other run in parallel.
    const all = plan.needed.map((i) => stage(i));
    const results = await Promise.allSettled(all);
    if (results.some((r) => r.status === 'rejected')) {
      const error = firstFailure!.error;
      if (!deps.signal?.aborted) throw error;
      // Cancelled: whatever the interrupted step said, this is what happened (and where).
      const { location, step, source } = error instanceof BuildError ? error.details : {};
      throw new BuildError('the build was cancelled', {
        ...(location && { location }),
        ...(step && { step }),
        ...(source && { source }),
      });
    }
    const target = await stage(plan.target);
    const result = await exportImage(
      store,
      target,
      request,
      progress,
      cache,
      unused(request, plan, consumed),
    );
    progress.checkWarnings(checkFindings);
    finished = true;
    return result;
  } catch (err) {
    // As BuildKit does, a failed build lists its warnings too, before its error.
    progress.checkWarnings(checkFindings);
    throw err;
  } finally {
    releaseBuild(digests, hold, finished);
  }
}

/** Saves what the build learnt and drops its hold; after a failure, only the build's error counts. */
function releaseBuild(digests: FileDigests, hold: BuildHold, succeeded: boolean): void {
  try {
    digests.save();
    hold.release();
  } catch (err) {
    // A full disk, say: the build's own error tells the user more than this one.
    if (succeeded) throw err;
  }
}

/**
 * Keeps the images a build reads (bases, COPY --from) from garbage collection while it runs, under
 * a hold named after the process; holds of builds whose process is gone are dropped.
 */
class BuildHold {
  private readonly name = `build-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly snapshots = new Set<Digest>();
  private readonly blobs = new Set<Digest>();

  constructor(private readonly store: Store) {
    for (const holder of Object.keys(store.holds())) {
      const pid = Number(/^build-(\d+)-/.exec(holder)?.[1]);
      if (pid && pid !== process.pid && !processAlive(pid)) store.release(holder);
    }
  }

  private written = false;
  private dirty = false;

  /** Remembers an image the build reads; held from the first step that mounts anything. */
  add(image: StoredImage): void {
    const top = image.chainIds[image.chainIds.length - 1];
    if (top) this.snapshots.add(top);
    for (const d of [
      image.manifestDescriptor.digest,
      image.manifest.config.digest,
      ...image.manifest.layers.map((l) => l.digest),
    ]) {
      this.blobs.add(d);
    }
    this.dirty = true;
    if (this.written) this.activate();
  }

  /** Writes the hold (a fully cached build, which mounts nothing, never does). */
  activate(): void {
    if (!this.dirty) return;
    this.store.hold(this.name, { snapshots: [...this.snapshots], blobs: [...this.blobs] });
    this.written = true;
    this.dirty = false;
  }

  release(): void {
    if (this.written) this.store.release(this.name);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function displayName(contextDir: string, dockerfilePath: string): string {
  const rel = relative(contextDir, dockerfilePath);
  return rel.startsWith('..') ? dockerfilePath : rel;
}

/** The classic builder's `Step N/M : …` for every instruction of the stages the target needs. */
function classicNumbers(plan: BuildPlan): Map<Instruction, string> {
  const instructions = plan.needed.flatMap((i) => [
    plan.stages[i].stage.from,
    ...plan.stages[i].stage.instructions,
  ]);
  return new Map(
    instructions.map((ins, n) => [ins, `Step ${n + 1}/${instructions.length} : ${ins.line.trim()}`]),
  );
}

async function resolveImage(
  store: Store,
  reference: string,
  platform: Platform,
  pull: boolean,
  puller: BuildDependencies['pull'],
  progress: Progress,
): Promise<StoredImage> {
  const step = progress.step(`[internal] load metadata for ${reference}`);
  try {
    if (!pull) {
      try {
        const found = store.resolve(reference, platform).image;
        step.done();
        return found;
      } catch (err) {
        if (!(err instanceof ImageNotFoundError)) throw err;
      }
    }
    if (!puller) {
      throw new BuildError(
        `${reference}: not found in the local store, and this build cannot pull images: pull it first`,
      );
    }
    await puller(reference, platform);
    const pulled = store.resolve(reference, platform).image;
    step.done();
    return pulled;
  } catch (err) {
    step.fail((err as Error).message);
    throw err instanceof BuildError
      ? err
      : new BuildError(`failed to resolve ${reference}: ${(err as Error).message}`);
  }
}

function unused(request: BuildRequest, plan: BuildPlan, consumed: Set<string>): string[] {
  const globals = new Set<string>();
  for (const g of plan.dockerfile.globalArgs) {
    if (g.command?.kind === 'ARG') for (const a of g.command.args) globals.add(a.key);
  }
  // The check build-arg configures the builder, not the Dockerfile: it is never "unused".
  return Object.keys(request.buildArgs ?? {}).filter(
    (k) => !consumed.has(k) && !globals.has(k) && k !== checkBuildArg,
  );
}

async function exportImage(
  store: Store,
  target: StageState,
  request: BuildRequest,
  progress: Progress,
  cache: BuildCache,
  unusedBuildArgs: string[],
): Promise<BuildResult> {
  const step = progress.step('exporting to image');
  const image = structuredClone(target.image);
  if (request.labels && Object.keys(request.labels).length > 0) {
    image.config.Labels = { ...(image.config.Labels ?? {}), ...request.labels };
  }
  // The same inputs make the same image: a fully cached build names last time's image again.
  const key = cacheKey(target.fsKey, serializeConfig(image, '').toString('base64'));
  let written = cache.image(key);
  if (written) {
    step.cached();
  } else {
    const created = fillHistoryTimes(image.history, new Date().toISOString());
    step.status('exporting layers');
    written = writeImage(store, image, created);
    cache.putImage(key, written);
  }
  step.status(`writing image ${written.config.digest}`);
  const tags = (request.tags ?? []).map((tag) => formatReference(parseReference(tag)));
  const manifest = written.manifest;
  // A rebuild that names the same image again writes nothing.
  const unchanged = tags.every((name) => store.images.get(name)?.target.digest === manifest.digest);
  if (tags.length === 0) store.addDangling(manifest);
  else if (!unchanged) store.setNames(tags, manifest);
  for (const name of tags) step.status(`naming to ${name}`);
  step.done();
  if (unusedBuildArgs.length > 0) {
    progress.warning(`One or more build-args [${unusedBuildArgs.join(' ')}] were not consumed`);
  }
  progress.image(written.config.digest, tags);
  return { id: written.config.digest, manifest: written.manifest, tags, unusedBuildArgs };
}
