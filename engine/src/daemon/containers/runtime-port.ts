// What the container service needs from the OCI runtime library (engine/src/runtime): the OCI
// lifecycle in-process, with the container's first process watched by the runtime's supervisor,
// which outlives berthd and records the exit status. Unit tests put a fake behind this.
import type { LinuxResources, Process, Spec } from '../../oci/runtime-spec';

export type StdioFd = number | 'ignore';

export interface RuntimeExit {
  /** Exit code, or 128 + signal. */
  exitCode: number;
  oomKilled: boolean;
  /** When it exited, if known (a restarted berthd learns it from the supervisor's record). */
  exitedAt?: Date;
}

export interface RuntimeProcess {
  pid: number;
  /** With a terminal: the pty master, ours to read, write and close. */
  consoleFd?: number;
  /** Settles when the process exits (present when this process started it). */
  exited?: Promise<RuntimeExit>;
  /** Pipes, for exec processes started with 'pipe' stdio. */
  stdin?: NodeJS.WritableStream;
  stdout?: NodeJS.ReadableStream;
  stderr?: NodeJS.ReadableStream;
}

export type RuntimeStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface ContainerRuntime {
  /** Loads what the runtime needs; called before restoring containers (create loads it too). */
  ready(): Promise<void>;
  /** Whether an earlier berthd left runtime state behind (containers to re-adopt or clean up). */
  hasState(): boolean;
  /** Creates the container from `spec` (with its rootfs at spec.root.path) and parks its process. */
  create(id: string, bundle: string, spec: Spec, stdio: [StdioFd, StdioFd, StdioFd]): Promise<RuntimeProcess>;
  /** Runs the user's program in a created container. */
  start(id: string): Promise<void>;
  /** undefined when the runtime has no such container. */
  status(id: string): RuntimeStatus | undefined;
  kill(id: string, signal: string, all?: boolean): void;
  delete(id: string, force: boolean): Promise<void>;
  /** Waits for the first process's exit, also for a container created by an earlier berthd. */
  wait(id: string): Promise<RuntimeExit>;
  pause(id: string): void;
  resume(id: string): void;
  /** Writes new limits into the cgroup of a container that has not stopped (only those given). */
  update(id: string, resources: LinuxResources): void;
  exec(id: string, process: Process, stdio: 'pipe' | 'tty'): Promise<RuntimeProcess>;
  /** Pids of every process in the container. */
  pids(id: string): number[];
  ids(): string[];
}
