// What every step of a build can use: the store, the cache, the context, the runtime, progress,
// and the other stages and images the step may read.
import type { Instruction } from '../dockerfile';
import type { Platform } from '../oci/image-spec';
import type { MountCalls } from '../runtime/linux/mount';
import type { Store, StoredImage } from '../store/store';
import type { BuildCache } from './cache';
import type { BuildContext } from './context/context';
import type { DockerfileLocation } from './errors';
import type { StepBridge, StepExecutor } from './executor';
import type { BuildRequest, SecretSource } from './options';
import type { BuildPlan } from './plan';
import type { Progress, StepProgress } from './progress/events';
import type { StageState } from './stage-state';
import type { StepRootfs } from './step-rootfs';
import type { ArgInputs } from './steps/metadata';

export interface BuildServices {
  store: Store;
  cache: BuildCache;
  mounts: MountCalls;
  /** Runs RUN steps; absent where no runtime is available (a RUN then fails with the reason). */
  executor: StepExecutor | undefined;
  /** The default bridge network for RUN steps (berthd's); absent, `default` is the host's network. */
  bridge?: StepBridge;
  progress: Progress;
  context: BuildContext;
  request: BuildRequest;
  plan: BuildPlan;
  secrets: ReadonlyMap<string, SecretSource>;
  args: ArgInputs;
  /** The final state of an earlier stage (built once, shared by everyone who waits for it). */
  stage(index: number): Promise<StageState>;
  /** An image by normalised reference, pulled when missing (or always with --pull). */
  image(reference: string, platform: Platform): Promise<StoredImage>;
  /** Keeps the images the build reads from garbage collection (before anything is mounted). */
  holdInputs(): void;
  signal?: AbortSignal;
}

/** A layer-making step, as the stage runs it (see StageBuilder.layerStep). */
export interface LayerStep {
  /** BuildKit's progress name without the `[stage i/n]` prefix: `RUN make`. */
  display: string;
  /** What the step does after expansion, including digests of what it reads: its cache key. */
  description: unknown;
  /** The history entry's `created_by`. */
  history: string;
  /**
   * The layer does not build on its parent (COPY --link): it is made in an empty rootfs, and its
   * cache record is found whatever the parent, so a changed parent reuses it.
   */
  independent?: boolean;
  /** Builds the layer in `rootfs` (mounted over the parent's snapshots, or empty when independent). */
  execute(rootfs: StepRootfs, progress: StepProgress): Promise<void>;
}

/** What a step handler gets: the stage, the services, and how to run a layer step. */
export interface StepEnv {
  state: StageState;
  services: BuildServices;
  instruction: Instruction;
  location: DockerfileLocation;
  layerStep(step: LayerStep): Promise<void>;
}
