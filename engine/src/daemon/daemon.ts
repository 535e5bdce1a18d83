// berthd's core: the services wired together, answering the Engine API (EngineBackend). Routes
// call exactly one method here; each method calls one service.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type * as B from '../api/backend';
import type * as T from '../api/types';
import type { DaemonCalls } from '../runtime/linux/daemon-calls';
import type { Store } from '../store/store';
import { readJson, writeJsonAtomic } from './atomic-file';
import type { DaemonConfig } from './config';
import type { ContainerDeps, HostFacts } from './containers/deps';
import { ExecService } from './containers/exec';
import { HealthMonitor, probeCommand } from './containers/health';
import { mountForArchive } from './containers/archive-mounts';
import { rootfsPaths, isMounted, mountRootfs, unmountRootfs } from './containers/rootfs';
import type { ContainerRuntime } from './containers/runtime-port';
import type { ContainerRecord } from './containers/record';
import { ContainerService } from './containers/service';
import { sampleProcStats, sampleStats, top } from './containers/stats';
import { ContainerStore } from './containers/store';
import { isActive } from './containers/state';
import { conflict, invalid, notImplemented } from './errors';
import { EventBus } from './events';
import { treeSize } from './fs/copy-tree';
import { ImageService } from './images';
import type { Logger } from './logger';
import { NetworkService } from './network/service';
import type { SeccompProfile } from '../runtime/seccomp/profile';
import { canEnforce } from './spec/limits';
import { systemInfo, versionInfo } from './system';
import { VolumeService } from './volumes';

/** `docker cp` and `docker export` (node-tar with them) load with their first use: an idle daemon has no need of them. */
const archiveCode = () => import('./containers/archive.js');

/** The builder behind `POST /build` (issue #5), plugged in when present. */
export interface Builder {
  build(
    context: Readable,
    options: B.BuildOptions,
    progress: B.ProgressSink,
    signal: AbortSignal,
  ): Promise<void>;
  prune(): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }>;
}

export interface DaemonOptions {
  config: DaemonConfig;
  logger: Logger;
  runtime: ContainerRuntime;
  calls: DaemonCalls;
  store: Store;
  seccomp: SeccompProfile;
  initBinary?: string;
  host: HostFacts;
  builder?: (daemon: Daemon) => Builder;
  commit?: (daemon: Daemon, options: B.CommitOptions) => Promise<{ Id: string }>;
  importTarball?: (daemon: Daemon, tarball: Readable, options: B.ImportOptions) => Promise<{ Id: string }>;
}

/** Runs `cleanup` once, when `stream` has been read to its end, closed or failed; returns it. */
function releasedWhenRead<S extends Readable>(stream: S, cleanup: () => void): S {
  let done = false;
  const finish = (): void => {
    if (!done) cleanup();
    done = true;
  };
  stream.once('end', finish);
  stream.once('close', finish);
  stream.once('error', finish);
  return stream;
}

export class Daemon implements B.EngineBackend {
  readonly events = new EventBus();
  readonly id: string;
  readonly containerService: ContainerService;
  readonly execService: ExecService;
  readonly imageService: ImageService;
  readonly volumeService: VolumeService;
  readonly networkService: NetworkService;
  private readonly health = new Map<string, HealthMonitor>();
  private readonly deps: ContainerDeps;
  private readonly builder?: Builder;

  constructor(readonly options: DaemonOptions) {
    const { config, logger } = options;
    mkdirSync(config.dataRoot, { recursive: true, mode: 0o711 });
    mkdirSync(join(config.execRoot, 'containers'), { recursive: true, mode: 0o700 });
    this.id = daemonId(config.dataRoot);
    const store = new ContainerStore(config.dataRoot, logger);
    const usesVolume = (name: string): string[] =>
      store
        .all()
        .filter((c) => c.Mounts.some((m) => m.type === 'volume' && m.name === name))
        .map((c) => c.Id.slice(0, 12));
    this.volumeService = new VolumeService(config.dataRoot, options.calls, this.events, logger, usesVolume);
    this.networkService = new NetworkService(config.dataRoot, config.defaultAddressPools, this.events, () =>
      store
        .all()
        .map((c) => ({ id: c.Id, name: c.Name, networks: c.Networks, running: isActive(c.State.Status) })),
    );
    this.imageService = new ImageService(
      options.store,
      config.insecureRegistries,
      this.events,
      (imageId) => store.all().filter((c) => c.Image === imageId).length,
    );
    this.deps = {
      store,
      images: this.imageService,
      volumes: this.volumeService,
      networks: this.networkService,
      runtime: options.runtime,
      events: this.events,
      logger,
      calls: options.calls,
      config,
      seccomp: options.seccomp,
      initBinary: options.initBinary,
      host: options.host,
    };
    this.containerService = new ContainerService(this.deps);
    this.execService = new ExecService(this.deps, this.containerService);
    this.containerService.onRunStarted = (rec) => {
      const cmd = probeCommand(rec.Config.Healthcheck);
      if (!cmd) return;
      this.health.get(rec.Id)?.stop();
      this.health.set(
        rec.Id,
        new HealthMonitor(rec, cmd, {
          run: (id, c, timeoutMs) => this.execService.runProbe(id, c, timeoutMs),
          save: (r) => store.save(r),
          event: (r, status) => this.containerService.recordEvent(r, `health_status: ${status}`),
        }),
      );
    };
    this.containerService.onRunStopped = (rec) => {
      this.health.get(rec.Id)?.stop();
      this.health.delete(rec.Id);
    };
    this.builder = options.builder?.(this);
  }

  /** Loads state and re-adopts containers that kept running. */
  async start(): Promise<void> {
    await this.containerService.restore();
    await this.networkService.recover(
      this.containerService
        .all()
        .filter((c) => isActive(c.State.Status) && c.Sandbox)
        .map((c) => ({ containerId: c.Id, sandbox: c.Sandbox!, endpoints: c.Networks })),
    );
    this.events.publish('daemon', 'start', this.id, { name: 'berthd' });
  }

  async shutdown(): Promise<void> {
    this.containerService.shutdown();
    await this.networkService.shutdown();
  }

  // ---- containers -----------------------------------------------------------------------------

  readonly containers: B.ContainersBackend = {
    list: async (o) => this.containerService.list(o),
    create: async (name, request) => this.containerService.create(name, request),
    inspect: async (id) => this.containerService.inspect(id),
    top: async (id, psArgs) => {
      const rec = this.containerService.get(id);
      if (!isActive(rec.State.Status)) throw conflict(`container ${rec.Name} is not running`);
      const result = await top(this.options.runtime.pids(rec.Id), psArgs);
      this.containerService.recordEvent(rec, 'top');
      return result;
    },
    logs: (id, o, signal) => this.containerService.logs(id, o, signal),
    changes: (id) => this.containerService.changes(id),
    export: async (id) => {
      const { exportTar } = await archiveCode();
      return this.withLayersRoot(id, exportTar);
    },
    // The record is looked up before the stream starts, so an unknown name is a 404, not an empty 200.
    stats: (id, stream, signal) => this.stats(this.containerService.get(id), stream, signal),
    resize: async (id, h, w) => {
      const { rec, consoleFd } = this.containerService.resizeTarget(id);
      if (consoleFd === undefined) return;
      this.options.calls.setWindowSize(consoleFd, h, w);
      this.containerService.recordEvent(rec, 'resize', { height: String(h), width: String(w) });
    },
    start: (id) => this.containerService.start(id),
    stop: (id, signal, t) => this.containerService.stop(id, signal, t),
    restart: (id, signal, t) => this.containerService.restart(id, signal, t),
    kill: (id, signal) => this.containerService.kill(id, signal),
    update: async (id, u) => this.containerService.update(id, u),
    rename: (id, name) => this.containerService.rename(id, name),
    pause: (id) => this.containerService.pause(id),
    unpause: (id) => this.containerService.unpause(id),
    attach: (id, o) => this.containerService.attach(id, o),
    wait: (id, condition) => this.containerService.wait(id, condition),
    remove: async (id, o) => {
      const rec = this.containerService.get(id);
      await this.containerService.remove(id, o);
      this.execService.forget(rec.Id);
    },
    archiveStat: async (id, path) => {
      const { archiveStat } = await archiveCode();
      return this.withRoot(id, true, async (root) => archiveStat(root, path));
    },
    archiveGet: async (id, path) => {
      const { archiveGet } = await archiveCode();
      return this.withRoot(
        id,
        true,
        async (root) => {
          const result = archiveGet(root, path);
          this.containerService.recordEvent(this.containerService.get(id), 'archive-path', { path });
          return result;
        },
        true,
      );
    },
    archivePut: async (id, path, tar, o) => {
      const { archivePut } = await archiveCode();
      return this.withRoot(id, true, async (root) => {
        await archivePut(root, path, tar, o);
        this.containerService.recordEvent(this.containerService.get(id), 'extract-to-dir', { path });
      });
    },
    prune: (filters) => this.containerService.prune(filters),
  };

  /**
   * Runs `work` (which streams) on the container's root filesystem as its layers make it: the
   * overlay the host mounts for it (for the occasion when it is not running), not the process's
   * view, whose /proc, /sys and volumes `docker export` leaves out. A running container is frozen
   * until the stream has been read, as for cp.
   */
  private async withLayersRoot(id: string, work: (root: string) => Readable): Promise<Readable> {
    const rec = this.containerService.get(id);
    const paths = rootfsPaths(this.deps.store.paths(rec.Id).dir);
    const unmount = await this.mountRootUnlessMounted(rec, paths);
    const thaw = this.freeze(rec);
    const cleanup = (): void => {
      thaw();
      unmount?.();
    };
    try {
      return releasedWhenRead(work(paths.merged), cleanup);
    } catch (err) {
      cleanup();
      throw err;
    }
  }

  /**
   * Runs `work` with the container's root directory: /proc/<pid>/root while it runs (frozen unless
   * `freeze` is false), its overlayfs root otherwise (mounted for the occasion, with its volumes).
   * With `untilRead`, the result is a stream (or holds one) and the cleanup waits until it has
   * been read.
   */
  private async withRoot<R>(
    id: string,
    freeze: boolean,
    work: (root: string) => Promise<R>,
    untilRead = false,
  ): Promise<R> {
    const rec = this.containerService.get(id);
    let cleanup: () => void = () => undefined;
    let root: string;
    if (isActive(rec.State.Status) && rec.State.Pid) {
      root = `/proc/${rec.State.Pid}/root`;
      if (freeze) cleanup = this.freeze(rec);
    } else {
      const paths = rootfsPaths(this.deps.store.paths(rec.Id).dir);
      const unmount = await this.mountRootUnlessMounted(rec, paths);
      if (unmount) {
        let releaseVolumes: () => void;
        try {
          releaseVolumes = mountForArchive(paths.merged, rec.Mounts, this.volumeService, this.options.calls);
        } catch (err) {
          unmount();
          throw err;
        }
        cleanup = () => {
          // The volumes' binds go with the root (a lazy unmount takes the mounts under it).
          unmount();
          releaseVolumes();
        };
      }
      root = paths.merged;
    }
    try {
      const result = await work(root);
      const stream =
        (result as { tar?: Readable })?.tar ?? (untilRead ? (result as unknown as Readable) : undefined);
      if (untilRead && stream && typeof stream.once === 'function') {
        releasedWhenRead(stream, cleanup);
        return result;
      }
      cleanup();
      return result;
    } catch (err) {
      cleanup();
      throw err;
    }
  }

  /**
   * Mounts the container's overlay root on the host unless it is mounted (a running container's
   * is); returns what unmounts it again once the container is not running, or undefined when
   * there was nothing to mount.
   */
  private async mountRootUnlessMounted(
    rec: ContainerRecord,
    paths: ReturnType<typeof rootfsPaths>,
  ): Promise<(() => void) | undefined> {
    if (isMounted(paths.merged)) return undefined;
    const image = this.imageService.resolve(rec.Image);
    mountRootfs(paths, await this.imageService.lowerDirs(image), this.options.calls);
    return () => {
      if (!isActive(this.containerService.get(rec.Id).State.Status)) unmountRootfs(paths, this.options.calls);
    };
  }

  /**
   * Freezes a running container, so that nothing inside can swap a directory for a link to a
   * host path between the checks on a path and its use; returns what thaws it. When it cannot be
   * frozen (exited meanwhile, or no freezer: rootless without a delegated cgroup) the path checks
   * still hold.
   */
  private freeze(rec: ContainerRecord): () => void {
    if (rec.State.Status !== 'running') return () => undefined;
    try {
      this.options.runtime.pause(rec.Id);
    } catch {
      return () => undefined;
    }
    return () => {
      try {
        this.options.runtime.resume(rec.Id);
      } catch {
        // exited meanwhile
      }
    };
  }

  private async *stats(
    rec: ContainerRecord,
    stream: boolean,
    signal: AbortSignal,
  ): AsyncGenerator<T.ContainerStats> {
    const sample = (): T.ContainerStats | undefined => {
      if (!isActive(rec.State.Status) || !rec.State.Pid) return undefined;
      try {
        // Rootless, the container's cgroup (if any) may lack the memory and cpu controllers: /proc.
        const { cgroup } = this.options.host;
        const s =
          canEnforce(cgroup, 'memory') && canEnforce(cgroup, 'cpu')
            ? sampleStats(rec.Id, rec.Name, rec.State.Pid)
            : sampleProcStats(rec.Id, rec.Name, rec.State.Pid);
        s.num_procs = 0;
        return s;
      } catch {
        return undefined;
      }
    };
    const empty = (): T.ContainerStats => ({
      read: new Date().toISOString(),
      preread: '0001-01-01T00:00:00Z',
      id: rec.Id,
      name: `/${rec.Name}`,
      num_procs: 0,
      pids_stats: {},
      cpu_stats: {
        cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
        throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      precpu_stats: {
        cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
        throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      memory_stats: {},
      blkio_stats: { io_service_bytes_recursive: null },
    });
    let previous = sample();
    if (!stream) {
      // Two samples, so the client can compute CPU use (as Docker's non-streaming answer allows).
      await sleep(500, signal);
      const current = sample();
      if (!current) {
        yield empty();
        return;
      }
      yield {
        ...current,
        precpu_stats: previous?.cpu_stats ?? current.precpu_stats,
        preread: previous?.read ?? current.preread,
      };
      return;
    }
    while (!signal.aborted) {
      const current = sample();
      if (!current) {
        yield empty();
        if (!isActive(this.containerService.get(rec.Id).State.Status)) return;
      } else {
        yield {
          ...current,
          precpu_stats: previous?.cpu_stats ?? current.precpu_stats,
          preread: previous?.read ?? current.preread,
        };
        previous = current;
      }
      await sleep(1000, signal);
    }
  }

  // ---- exec -----------------------------------------------------------------------------------

  readonly exec: B.ExecBackend = {
    create: async (id, config) => this.execService.create(id, config),
    start: (id, o) => this.execService.start(id, o),
    resize: async (id, h, w) => this.execService.resize(id, h, w),
    inspect: async (id) => this.execService.inspect(id),
  };

  // ---- images ---------------------------------------------------------------------------------

  readonly images: B.ImagesBackend = {
    list: async (o) => this.imageService.list(o),
    pull: (ref, o, progress) => this.imageService.pull(ref, o, progress),
    inspect: async (name) => this.imageService.inspect(name),
    history: async (name) => this.imageService.history(name),
    push: (name, tag, auth, progress) => this.imageService.push(name, tag, auth, progress),
    tag: async (source, repo, tag) => this.imageService.tag(source, repo, tag),
    remove: async (name, o) => this.imageService.remove(name, o),
    prune: async (filters) => this.imageService.prune(filters),
    save: async (names) => this.imageService.save(names),
    load: (tar, progress) => this.imageService.load(tar, progress),
    commit: async (o) => {
      if (!this.options.commit) throw notImplemented('commit is not available in this build');
      return this.options.commit(this, o);
    },
    importTarball: async (tarball, o) => {
      if (!this.options.importTarball) {
        tarball.resume();
        throw notImplemented('import is not available in this build');
      }
      return this.options.importTarball(this, tarball, o);
    },
    build: async (context, o, progress, signal) => {
      if (!this.builder) {
        context.resume();
        throw notImplemented(
          'the image builder is not available in this build yet: build images with another tool and load them (docker save | berth load)',
        );
      }
      return this.builder.build(context, o, progress, signal);
    },
    buildPrune: async () => (this.builder ? this.builder.prune() : { CachesDeleted: [], SpaceReclaimed: 0 }),
  };

  // ---- volumes, networks, system --------------------------------------------------------------

  readonly volumes: B.VolumesBackend = {
    list: async (f) => this.volumeService.list(f),
    create: async (r) => this.volumeService.create(r),
    inspect: async (n) => this.volumeService.inspect(n),
    remove: async (n, force) => this.volumeService.remove(n, force),
    prune: async (f) => this.volumeService.prune(f),
  };

  readonly networks: B.NetworksBackend = {
    list: async (f) => this.networkService.list(f),
    inspect: async (id) => this.networkService.inspect(id),
    create: (r) => this.networkService.create(r),
    remove: (id) => this.networkService.remove(id),
    connect: (id, r) => this.connect(id, r),
    disconnect: (id, r) => this.disconnect(id, r),
    prune: (f) => this.networkService.prune(f),
  };

  private async connect(networkId: string, req: T.NetworkConnectRequest): Promise<void> {
    const rec = this.containerService.get(req.Container);
    const net = this.networkService.find(networkId);
    if (rec.Networks[net.Name])
      throw conflict(`endpoint with name ${rec.Name} already exists in network ${net.Name}`);
    if (
      net.Driver === 'host' ||
      net.Driver === 'null' ||
      Object.keys(rec.Networks).some((n) => n === 'host' || n === 'none')
    ) {
      throw invalid(`container cannot be disconnected from host network or connected to host network`);
    }
    const requested = req.EndpointConfig ?? {};
    if (isActive(rec.State.Status)) {
      rec.Networks[net.Name] = await this.networkService.connectRunning(
        net,
        rec.Sandbox ?? { kind: 'new' },
        { id: rec.Id, name: rec.Name, hostname: rec.Config.Hostname ?? rec.Id.slice(0, 12) },
        requested,
      );
    } else {
      rec.Networks[net.Name] = { ...requested, NetworkID: net.Id };
    }
    this.deps.store.save(rec);
  }

  private async disconnect(networkId: string, req: T.NetworkDisconnectRequest): Promise<void> {
    const rec = this.containerService.get(req.Container);
    const net = this.networkService.find(networkId);
    const ep = rec.Networks[net.Name];
    if (!ep) throw invalid(`container ${rec.Name} is not connected to network ${net.Name}`);
    if (isActive(rec.State.Status))
      await this.networkService.disconnectRunning(net, rec.Sandbox ?? { kind: 'new' }, rec.Id, ep);
    delete rec.Networks[net.Name];
    this.deps.store.save(rec);
  }

  readonly system: B.SystemBackend = {
    version: async () => versionInfo(),
    info: async () => {
      const all = this.containerService.all();
      return systemInfo({
        id: this.id,
        containers: {
          running: all.filter((c) => c.State.Status === 'running').length,
          paused: all.filter((c) => c.State.Status === 'paused').length,
          stopped: all.filter((c) => !['running', 'paused'].includes(c.State.Status)).length,
        },
        images: this.imageService.list({ all: false, filters: {} }).length,
        dataRoot: this.options.config.dataRoot,
        cgroup: this.options.host.cgroup,
        insecureRegistries: this.options.config.insecureRegistries,
        eventListeners: this.events.listenerCount,
        rootless: this.options.config.rootless,
        warnings: this.networkService.hasDriver('bridge')
          ? []
          : [
              'WARNING: bridge networking is not available in this build: containers on bridge networks get loopback only',
            ],
      });
    },
    df: async () => {
      const images = this.imageService.list({ all: false, filters: {} });
      const usage = this.options.store.df();
      const containers = this.containerService.list({ all: true, size: true, filters: {} });
      for (const c of containers) c.SizeRw = sizeOf(rootfsPaths(this.deps.store.paths(c.Id).dir).diff);
      return {
        LayersSize: usage.totalSize,
        Images: images.map((i) => ({
          ...i,
          SharedSize: usage.images.find((u) => u.id === i.Id)?.sharedSize ?? 0,
        })),
        Containers: containers,
        Volumes: this.volumeService.usage(),
        BuildCache: [],
      };
    },
    auth: (config) => this.imageService.auth(config),
    events: (o, signal) => this.events.subscribe(o, signal),
  };
}

function sizeOf(dir: string): number {
  return existsSync(dir) ? treeSize(dir) : 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

/** A stable id for this daemon's state dir (Info.ID). */
function daemonId(dataRoot: string): string {
  const path = join(dataRoot, 'engine-id');
  const existing = readJson<{ id: string }>(path);
  if (existing?.id) return existing.id;
  const id = randomBytes(16).toString('hex');
  writeJsonAtomic(path, { id });
  return id;
}
