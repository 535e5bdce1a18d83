// What the builder needs from a container runtime to execute a RUN step: run one process in a
// prepared root filesystem with extra mounts, stream its output, and report how it ended.
import type { ResolvedUser } from '../fs/etc-passwd';

/** A mount added to a step's container; sources are host paths the builder prepared. */
export type StepMount =
  | { type: 'bind'; source: string; destination: string; readOnly: boolean }
  | { type: 'tmpfs'; destination: string; sizeBytes?: number };

/**
 * `none`: a private network namespace with only loopback; `host`: the host's network; `{ netns }`:
 * a namespace the daemon joined to its default bridge network for this step.
 */
export type StepNetwork = 'none' | 'host' | { netns: string };

/** A step's place on the daemon's default bridge network, held until `release`. */
export interface StepSandbox {
  /** The network namespace file to join. */
  netns: string;
  /** The step's /etc/resolv.conf (the default bridge's resolvers). */
  resolvConf: string;
  release(): Promise<void>;
}

/** Puts a RUN step on the default bridge network (the daemon's bridge driver), when there is one. */
export type StepBridge = (stepId: string) => Promise<StepSandbox>;

export interface StepProcess {
  /** A unique name for the container (for the runtime's state and cgroup). */
  id: string;
  /** The step's root filesystem, already mounted read-write. */
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  user: ResolvedUser;
  hostname: string;
  mounts: StepMount[];
  network: StepNetwork;
  /** Receives the process's stdout and stderr as they come. */
  output(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** Aborting kills the process (the build was cancelled). */
  signal?: AbortSignal;
}

export interface StepExit {
  exitCode: number;
  /** The signal that ended the process, if one did (e.g. 'SIGKILL'). */
  signal?: string;
}

export interface StepExecutor {
  run(process: StepProcess): Promise<StepExit>;
}
