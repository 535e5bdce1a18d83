// What the API routes need from the engine: the daemon implements this; unit tests use a fake.
// Routes parse and validate the request, call one method, and render the answer.
import type { Readable } from 'node:stream';
import type * as T from './types';

export interface OutputChunk {
  /** 1 stdout, 2 stderr. */
  stream: 1 | 2;
  data: Buffer;
}

/** A live connection to a process's stdio (attach, exec start). */
export interface StdioSession {
  readonly tty: boolean;
  /** Whether the process's stdin is open to this session. */
  readonly stdinOpen: boolean;
  onOutput(listener: (chunk: OutputChunk) => void): void;
  /** Settles when the output is over: the process exited or the session was detached. */
  readonly ended: Promise<void>;
  writeStdin(data: Buffer): void;
  /** The client closed its side: close the process's stdin when it was opened with StdinOnce. */
  closeStdin(): void;
  /** Leaves the process running, stops forwarding. */
  detach(): void;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as json-file stores it. */
  time: string;
  data: Buffer;
}

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Unix seconds (fractions allowed); 0 = from the start. */
  since: number;
  until: number;
  /** Lines from the end; undefined = all. */
  tail?: number;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Replay the logs before streaming. */
  logs: boolean;
  stream: boolean;
  detachKeys?: string;
}

export interface ContainerListOptions {
  all: boolean;
  limit?: number;
  size: boolean;
  filters: T.Filters;
}

export interface ArchiveOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export type ProgressSink = (message: T.JsonMessage) => void;

export interface CommitOptions {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause: boolean;
  changes: string[];
  config?: T.ContainerConfig;
}

/** `docker import`: a root filesystem tarball made an image (POST /images/create?fromSrc=-). */
export interface ImportOptions {
  repo?: string;
  tag?: string;
  /** The comment of the image's history entry (Docker's default: "Imported from -"). */
  message?: string;
  changes: string[];
  /** `os/arch[/variant]`; the host's platform when absent. */
  platform?: string;
}

export interface BuildOptions {
  tags: string[];
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  noCache: boolean;
  pull: boolean;
  quiet: boolean;
  remove: boolean;
  forceRemove: boolean;
  networkMode?: string;
  platform?: string;
  /** Registry credentials by server address (X-Registry-Config). */
  registryAuth: Record<string, T.AuthConfig>;
  /** Remote context (git URL or tarball URL) instead of a body. */
  remote?: string;
}

export interface ContainersBackend {
  list(options: ContainerListOptions): Promise<T.ContainerSummary[]>;
  create(
    name: string | undefined,
    request: T.ContainerCreateRequest,
    platform?: string,
  ): Promise<T.ContainerCreateResponse>;
  inspect(id: string, size: boolean): Promise<T.ContainerInspect>;
  top(id: string, psArgs?: string): Promise<T.ContainerTopResponse>;
  logs(
    id: string,
    options: LogsOptions,
    signal: AbortSignal,
  ): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }>;
  changes(id: string): Promise<T.FilesystemChange[]>;
  export(id: string): Promise<Readable>;
  stats(id: string, stream: boolean, signal: AbortSignal): AsyncIterable<T.ContainerStats>;
  resize(id: string, height: number, width: number): Promise<void>;
  start(id: string, detachKeys?: string): Promise<void>;
  stop(id: string, signal?: string, timeout?: number): Promise<void>;
  restart(id: string, signal?: string, timeout?: number): Promise<void>;
  kill(id: string, signal?: string): Promise<void>;
  update(id: string, update: T.ContainerUpdateRequest): Promise<{ Warnings: string[] }>;
  rename(id: string, name: string): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  attach(id: string, options: AttachOptions): Promise<StdioSession>;
  /**
   * Registers a waiter for `not-running` (default), `next-exit` or `removed`: resolves once
   * registered (so the route can send its headers before the client starts the container) with
   * the result to come.
   */
  wait(
    id: string,
    condition: WaitCondition,
    signal: AbortSignal,
  ): Promise<{ result: Promise<T.ContainerWaitResponse> }>;
  remove(id: string, options: { force: boolean; volumes: boolean; link: boolean }): Promise<void>;
  archiveStat(id: string, path: string): Promise<T.PathStat>;
  archiveGet(id: string, path: string): Promise<{ stat: T.PathStat; tar: Readable }>;
  archivePut(id: string, path: string, tar: Readable, options: ArchiveOptions): Promise<void>;
  prune(filters: T.Filters): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }>;
}

export interface ExecBackend {
  create(containerId: string, config: T.ExecConfig): Promise<{ Id: string }>;
  /** Starts the process; detached starts return once it runs, attached ones give its stdio. */
  start(execId: string, options: T.ExecStartConfig): Promise<StdioSession | undefined>;
  resize(execId: string, height: number, width: number): Promise<void>;
  inspect(execId: string): Promise<T.ExecInspect>;
}

export interface ImagesBackend {
  list(options: { all: boolean; filters: T.Filters; digests: boolean }): Promise<T.ImageSummary[]>;
  pull(
    reference: string,
    options: { platform?: string; auth?: T.AuthConfig },
    progress: ProgressSink,
    signal: AbortSignal,
  ): Promise<void>;
  inspect(name: string): Promise<T.ImageInspect>;
  history(name: string): Promise<T.ImageHistoryItem[]>;
  push(
    name: string,
    tag: string | undefined,
    auth: T.AuthConfig | undefined,
    progress: ProgressSink,
    signal: AbortSignal,
  ): Promise<void>;
  tag(source: string, repo: string, tag?: string): Promise<void>;
  remove(name: string, options: { force: boolean; noprune: boolean }): Promise<T.ImageDeleteItem[]>;
  prune(filters: T.Filters): Promise<{ ImagesDeleted: T.ImageDeleteItem[]; SpaceReclaimed: number }>;
  save(names: string[]): Promise<Readable>;
  load(tar: Readable, progress: ProgressSink): Promise<void>;
  commit(options: CommitOptions): Promise<{ Id: string }>;
  importTarball(tarball: Readable, options: ImportOptions): Promise<{ Id: string }>;
  build(context: Readable, options: BuildOptions, progress: ProgressSink, signal: AbortSignal): Promise<void>;
  buildPrune(): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }>;
}

export interface VolumesBackend {
  list(filters: T.Filters): Promise<T.VolumeListResponse>;
  create(request: T.VolumeCreateRequest): Promise<T.Volume>;
  inspect(name: string): Promise<T.Volume>;
  remove(name: string, force: boolean): Promise<void>;
  prune(filters: T.Filters): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }>;
}

export interface NetworksBackend {
  list(filters: T.Filters): Promise<T.Network[]>;
  inspect(id: string): Promise<T.Network>;
  create(request: T.NetworkCreateRequest): Promise<{ Id: string; Warning: string }>;
  remove(id: string): Promise<void>;
  connect(id: string, request: T.NetworkConnectRequest): Promise<void>;
  disconnect(id: string, request: T.NetworkDisconnectRequest): Promise<void>;
  prune(filters: T.Filters): Promise<{ NetworksDeleted: string[] }>;
}

export interface SystemBackend {
  version(): Promise<T.VersionResponse>;
  info(): Promise<T.InfoResponse>;
  df(): Promise<T.SystemDfResponse>;
  auth(config: T.AuthConfig): Promise<T.AuthResponse>;
  /** Past events in [since, until], then live ones until `until` or the signal. */
  events(
    options: { since?: number; until?: number; filters: T.Filters },
    signal: AbortSignal,
  ): AsyncIterable<T.EventMessage>;
}

export interface EngineBackend {
  containers: ContainersBackend;
  exec: ExecBackend;
  images: ImagesBackend;
  volumes: VolumesBackend;
  networks: NetworksBackend;
  system: SystemBackend;
}
