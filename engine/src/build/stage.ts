// One stage of a build: start from its base (an image, scratch, or an earlier stage), run the
// base image's ONBUILD triggers, then each instruction. Layer-making steps go through the cache:
// a hit reuses the recorded layer without mounting anything; a miss runs the step in an overlay
// of the parent's snapshots and records what it made.
import { type Command, expandInstruction, type Instruction, parseDockerfile } from '../dockerfile';
import type { Digest } from '../oci/digest';
import type { Store, StoredImage } from '../store/store';
import { layerCompression } from '../oci/media-types';
import { cacheKey, type LayerRef } from './cache';
import { BuildError } from './errors';
import { type BuildImage, imageFromStored, scratchImage, topChainId } from './image';
import { chainIdOf } from './layers';
import { locationOf, type PlannedStage } from './plan';
import type { MountServices } from './run-mounts';
import type { BuildServices, LayerStep, StepEnv } from './services';
import { defaultPathEnv, StageState } from './stage-state';
import { mkdirAllInRoot } from './rootfs-paths';
import { StepRootfs } from './step-rootfs';
import { type CopySources, dispatchCopy } from './steps/copy';
import { dispatchMetadata } from './steps/metadata';
import { dispatchRun } from './steps/run';
import { resolveChown } from './users';

const layerKinds = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

export class StageBuilder {
  private state!: StageState;
  private index = 0;
  private readonly total: number;

  constructor(
    private readonly services: BuildServices,
    private readonly planned: PlannedStage,
    private readonly sources: CopySources & MountServices,
    /** Classic builder step numbers (`Step 3/9`) of the instructions. */
    private readonly classicSteps: ReadonlyMap<Instruction, string>,
  ) {
    const own = planned.stage.instructions.filter((i) => layerKinds.has(i.name)).length;
    this.total = own + (planned.base.kind === 'image' ? 1 : 0);
  }

  private prefix(): string {
    if (this.total === 0) return '';
    this.index++;
    const width = String(this.total).length;
    const name = this.planned.displayName ? `${this.planned.displayName} ` : '';
    return `[${name}${String(this.index).padStart(width)}/${this.total}] `;
  }

  async build(): Promise<StageState> {
    await this.from();
    await this.onbuildTriggers();
    for (const instruction of this.planned.stage.instructions) {
      if (this.services.signal?.aborted) throw new BuildError('the build was cancelled');
      await this.dispatch(instruction, instruction.command!, this.classicSteps.get(instruction));
    }
    return this.state;
  }

  private async from(): Promise<void> {
    const { services, planned } = this;
    const df = services.plan.dockerfile;
    const classic = this.classicSteps.get(planned.stage.from);
    const base = planned.base;
    if (base.kind === 'stage') {
      if (classic) services.progress.hidden(classic).done();
      this.state = StageState.fromParent(await services.stage(base.index));
      return;
    }
    if (base.kind === 'scratch') {
      if (classic) services.progress.hidden(classic).done();
      const image = scratchImage(planned.platform, defaultPathEnv);
      this.state = StageState.fromImage(
        image,
        cacheKey('', { from: 'scratch', platform: planned.platform }),
        df.escapeChar,
      );
      return;
    }
    let stored: StoredImage;
    try {
      stored = await services.image(base.reference, planned.platform);
    } catch (err) {
      throw this.located(err, planned.stage.from);
    }
    const step = services.progress.step(`${this.prefix()}FROM ${base.reference}`, classic);
    this.state = StageState.fromImage(
      imageFromStored(stored),
      cacheKey('', { from: stored.id }),
      df.escapeChar,
    );
    step.done(` ---> ${stored.id.slice(7, 19)}`);
  }

  /** ONBUILD instructions of the base image run first, then are dropped from the new image. */
  private async onbuildTriggers(): Promise<void> {
    const triggers = this.state.image.config.OnBuild ?? [];
    for (const trigger of triggers) {
      const parsed = parseDockerfile(trigger);
      const instruction = parsed.instructions[0];
      const error = parsed.errors.find((e) => e.code !== 'no-stage');
      if (!instruction?.command || error || parsed.instructions.length !== 1) {
        throw new BuildError(
          `the base image's ONBUILD trigger ${JSON.stringify(trigger)} is not a valid instruction${error ? `: ${error.message}` : ''}`,
          {
            location: locationOf(
              this.services.plan.fileName,
              this.services.plan.dockerfile,
              this.planned.stage.from,
            ),
          },
        );
      }
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(instruction.command.kind)) {
        throw new BuildError(`${instruction.command.kind} isn't allowed as an ONBUILD trigger`);
      }
      await this.dispatch(instruction, instruction.command, undefined, this.planned.stage.from);
    }
    this.state.image.config.OnBuild = null;
  }

  private async dispatch(
    instruction: Instruction,
    command: Command,
    classic?: string,
    at: Instruction = instruction,
  ): Promise<void> {
    const { services } = this;
    const location = locationOf(services.plan.fileName, services.plan.dockerfile, at);
    const env: StepEnv = {
      state: this.state,
      services,
      instruction,
      location,
      layerStep: (step) => this.layerStep(step, classic, location),
    };
    try {
      if (command.kind !== 'ARG') {
        // The one parser says which words BuildKit expands, and how.
        const expanded = expandInstruction(instruction, this.state.vars, this.state.escapeChar);
        if (expanded.error !== undefined || !expanded.command) {
          throw new BuildError(expanded.error ?? `${command.kind} could not be expanded`, { location });
        }
        command = expanded.command;
      }
      switch (command.kind) {
        case 'RUN':
          await dispatchRun(env, command, this.sources);
          return;
        case 'COPY':
        case 'ADD':
          await dispatchCopy(env, command, this.sources);
          return;
        case 'WORKDIR':
          await this.workdir(env, command.path);
          return;
        case 'FROM':
          throw new BuildError('FROM inside a stage', { location });
        default:
          if (classic) services.progress.hidden(classic).done();
          dispatchMetadata(this.state, command, services.args);
      }
    } catch (err) {
      throw this.located(err, at);
    }
  }

  private located(err: unknown, at: Instruction): BuildError {
    if (err instanceof BuildError) return err;
    const location = locationOf(this.services.plan.fileName, this.services.plan.dockerfile, at);
    return new BuildError((err as Error).message, { location });
  }

  private async workdir(env: StepEnv, path: string): Promise<void> {
    const { state } = env;
    const wd = path.startsWith('/') ? normalize(path) : normalize(`${state.workdir}/${path}`);
    state.image.config.WorkingDir = wd;
    if (wd === '/') {
      this.prefix();
      state.commit(`WORKDIR ${wd}`, false);
      return;
    }
    const user = state.user;
    await env.layerStep({
      display: `WORKDIR ${wd}`,
      description: { op: 'mkdir', path: wd, user },
      history: `WORKDIR ${wd}`,
      execute: async (rootfs) => {
        const owner = user ? resolveChown(rootfs.merged, user) : { uid: 0, gid: 0 };
        mkdirAllInRoot(rootfs.merged, wd, 0o755, owner);
      },
    });
  }

  private async layerStep(
    step: LayerStep,
    classic: string | undefined,
    location: ReturnType<typeof locationOf>,
  ): Promise<void> {
    const { services } = this;
    const state = this.state;
    const name = `${this.prefix()}${step.display}`;
    const progress = services.progress.step(name, classic);
    // The key of the file system after this step; an independent layer's record is found by its
    // own description alone, whatever it lands on.
    const key = cacheKey(state.fsKey, step.description);
    const recordKey = step.independent ? cacheKey('independent', step.description) : key;
    const parent = topChainId(state.image);
    if (!services.request.noCache) {
      const hit = services.cache.step(recordKey, { snapshot: !step.independent });
      const fits = hit && (step.independent || hit.layer.chainId === chainIdOf(parent, hit.layer.diffId));
      if (hit && fits) {
        progress.cached();
        const layer = step.independent ? await this.rebase(hit.layer, parent) : hit.layer;
        state.image.layers.push(layer);
        state.commit(step.history, true, hit.created);
        state.fsKey = key;
        progress.done(` ---> ${layer.diffId.slice(7, 19)}`);
        return;
      }
    }
    let rootfs: StepRootfs | undefined;
    try {
      services.holdInputs();
      services.context.ensureContent();
      await this.ensureSnapshots();
      rootfs = StepRootfs.open(services.store, services.mounts, step.independent ? undefined : parent);
      await step.execute(rootfs, progress);
      const layer = await rootfs.commit(services.store, parent);
      const created = new Date().toISOString();
      services.cache.putStep(recordKey, { layer, created });
      state.image.layers.push(layer);
      state.commit(step.history, true, created);
      state.fsKey = key;
      progress.done(` ---> ${layer.diffId.slice(7, 19)}`);
    } catch (err) {
      const error =
        err instanceof BuildError
          ? err
          : (err as NodeJS.ErrnoException).code === 'ENOSPC'
            ? new BuildError(
                `no space left on device in ${services.store.root} while running this step: free space (docker system prune) and retry`,
                { location },
              )
            : new BuildError((err as Error).message, { location });
      progress.fail(error.message);
      throw new BuildError(error.message, {
        ...error.details,
        location: error.details.location ?? location,
        step: name,
      });
    } finally {
      rootfs?.dispose();
    }
  }

  /** An independent layer on a new parent: same blob and diff ID, its own chain and snapshot. */
  private async rebase(layer: LayerRef, parent: Digest | undefined): Promise<LayerRef> {
    const chainId = chainIdOf(parent, layer.diffId);
    if (chainId === layer.chainId) return layer;
    const { store } = this.services;
    if (!store.snapshots.has(chainId)) {
      await store.snapshots.unpack({
        chainId,
        ...(parent && { parent }),
        diffId: layer.diffId,
        compression: layerCompression(layer.blob.mediaType) ?? 'none',
        open: () => store.blobs.openRead(layer.blob.digest),
      });
    }
    return { ...layer, chainId };
  }

  /** Unpacks any layer of the stage's image that has no snapshot yet (a base never unpacked). */
  private async ensureSnapshots(): Promise<void> {
    await ensureImageSnapshots(this.services.store, this.state.image);
  }

  /** The file-system key and top layer of the finished stage (for COPY --from and mounts). */
  static topOf(state: StageState): { key: string; chainId: Digest | undefined } {
    return { key: state.fsKey, chainId: topChainId(state.image) };
  }
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

/** Makes sure every layer of `image` has its snapshot, unpacking missing ones from their blobs. */
export async function ensureImageSnapshots(store: Store, image: BuildImage): Promise<void> {
  await Promise.all(
    image.layers.map(async (layer, i) => {
      if (store.snapshots.has(layer.chainId)) return;
      const compression = layerCompression(layer.blob.mediaType);
      if (compression === undefined) {
        throw new Error(
          `layer ${layer.blob.digest} has media type ${layer.blob.mediaType}, which Berth cannot unpack`,
        );
      }
      await store.snapshots.unpack({
        chainId: layer.chainId,
        ...(i > 0 && { parent: image.layers[i - 1].chainId }),
        diffId: layer.diffId,
        compression,
        open: () => store.blobs.openRead(layer.blob.digest),
      });
    }),
  );
}
