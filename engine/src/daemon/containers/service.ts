// Containers: create, inspect, list, the lifecycle (start, stop, kill, restart, pause, wait, remove)
// and exits (restart policies, --rm), stdio (attach, logs), and re-adoption after a berthd restart.
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type * as B from '../../api/backend';
import type * as T from '../../api/types';
import { parseLogOpts, type LogRotation } from '../config';
import { conflict, invalid, notImplemented } from '../errors';
import { readJsonLogs } from '../logs/reader';
import { KeyedMutex } from '../mutex';
import { generateName, isValidContainerName } from '../names';
import { NetworkService } from '../network/service';
import { commandLine } from '../spec/generate';
import { planMounts } from '../spec/mounts';
import { checkSysctls, linuxResources, rlimits } from '../spec/resources';
import { effectiveCapabilities, parseSecurityOpts } from '../spec/security';
import { anonymousLabel, matchLabels } from '../volumes';
import { treeSize } from '../fs/copy-tree';
import { constants } from 'node:os';
import type { ContainerDeps } from './deps';
import { containerMatcher } from './filters';
import { dropUnenforceable } from '../spec/limits';
import { mergeConfig } from './merge';
import { type ContainerRecord, inspectView, newState, summaryView } from './record';
import { newRestartState, type RestartState, shouldRestart, checkRestartPolicy } from './restart-policy';
import { changes, rootfsPaths } from './rootfs';
import type { RuntimeExit } from './runtime-port';
import { exitOf, type Run, runtimeDir, startRun, teardown } from './start';
import * as S from './state';
import { FifoIO, finishOutput } from './fifo-io';
import { takeHeldFd } from './output-holder';
import { type OutputSink, StdioHub } from './stdio';

interface Waiter {
  condition: B.WaitCondition;
  resolve: (r: T.ContainerWaitResponse) => void;
}

/** How long output may keep flowing after the process exited (descendants in a shared pid ns). */
const drainDeadlineMs = 2000;

export class ContainerService {
  private readonly hubs = new Map<string, StdioHub>();
  private readonly runs = new Map<string, Run>();
  /** Settles when the current run's exit has been fully handled. */
  private readonly runEnded = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly restartStates = new Map<string, RestartState>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly mutex = new KeyedMutex();
  /** Called with a running container (health checks start) and a stopped one (they stop). */
  onRunStarted: (rec: ContainerRecord) => void = () => {};
  onRunStopped: (rec: ContainerRecord) => void = () => {};

  constructor(private readonly deps: ContainerDeps) {}

  // ---- lookups --------------------------------------------------------------------------------

  get(idOrName: string): ContainerRecord {
    return this.deps.store.get(idOrName);
  }

  all(): ContainerRecord[] {
    return this.deps.store.all();
  }

  /** The pid of a running container's first process (for `--network container:x`, exec, top). */
  pidOf(idOrName: string): number {
    const rec = this.get(idOrName);
    if (!S.isActive(rec.State.Status) || !rec.State.Pid)
      throw conflict(`container ${rec.Name} is not running`);
    return rec.State.Pid;
  }

  private hub(rec: ContainerRecord): StdioHub {
    let hub = this.hubs.get(rec.Id);
    if (!hub) {
      hub = new StdioHub(
        !!rec.Config.Tty,
        !!rec.Config.OpenStdin,
        !!rec.Config.StdinOnce,
        this.outputSink(rec),
      );
      this.hubs.set(rec.Id, hub);
    }
    return hub;
  }

  private outputSink(rec: ContainerRecord): OutputSink {
    const { logPath } = this.deps.store.paths(rec.Id);
    return {
      dir: dirname(logPath),
      log:
        rec.HostConfig.LogConfig?.Type === 'none'
          ? undefined
          : { path: logPath, rotation: this.rotation(rec) },
      onError: (err) =>
        this.deps.logger.warn('container output could not be logged yet; it waits for room', {
          container: rec.Id.slice(0, 12),
          error: err.message,
        }),
    };
  }

  /** Output of a run that ended while berthd was away goes into the log now. */
  private finishOutput(rec: ContainerRecord): void {
    const sink = this.outputSink(rec);
    try {
      finishOutput(runtimeDir(this.deps, rec.Id), sink);
    } catch (err) {
      sink.onError(err as Error);
    }
  }

  private rotation(rec: ContainerRecord): LogRotation {
    return parseLogOpts({ ...this.deps.config.logOpts, ...(rec.HostConfig.LogConfig?.Config ?? {}) });
  }

  private save(rec: ContainerRecord): void {
    this.deps.store.save(rec);
  }

  private event(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish('container', action, rec.Id, {
      ...(rec.Config.Labels ?? {}),
      image: rec.Config.Image ?? rec.Image,
      name: rec.Name,
      ...extra,
    });
  }

  // ---- create ---------------------------------------------------------------------------------

  async create(
    name: string | undefined,
    request: T.ContainerCreateRequest,
  ): Promise<T.ContainerCreateResponse> {
    const { deps } = this;
    const { HostConfig: host = {}, NetworkingConfig: netConfig, ...userConfig } = request;
    if (name !== undefined && !isValidContainerName(name)) {
      throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const image = deps.images.resolve(userConfig.Image!);
    const config = mergeConfig(userConfig, image.config.config ?? {});
    const hostConfig: T.HostConfig = { ...host, NetworkMode: host.NetworkMode || 'default' };

    // Docker refuses at create what would fail at start.
    commandLine(config);
    checkRestartPolicy(hostConfig);
    const logType = hostConfig.LogConfig?.Type || 'json-file';
    if (logType !== 'json-file' && logType !== 'none') {
      throw invalid(`logging driver "${logType}" is not supported: Berth writes json-file logs (or none)`);
    }
    parseLogOpts({ ...deps.config.logOpts, ...(hostConfig.LogConfig?.Config ?? {}) });
    effectiveCapabilities(hostConfig.CapAdd ?? [], hostConfig.CapDrop ?? [], !!hostConfig.Privileged);
    parseSecurityOpts(hostConfig.SecurityOpt ?? []);
    const resources = linuxResources(hostConfig, !!hostConfig.Privileged);
    const dropped = dropUnenforceable(resources, deps.host.cgroup);
    rlimits(hostConfig, deps.host.nofileHard);
    if (hostConfig.Sysctls)
      checkSysctls(hostConfig.Sysctls, NetworkService.modeOf(hostConfig.NetworkMode) === 'host');
    if (hostConfig.Init && !deps.initBinary)
      throw invalid(
        '--init needs the berth-reaper binary, which is not built: install gcc and run npm run build',
      );
    const networkMode = NetworkService.modeOf(hostConfig.NetworkMode);
    if (networkMode.startsWith('container:')) this.get(networkMode.slice('container:'.length));
    const endpointsConfig = netConfig?.EndpointsConfig ?? {};
    const { networks, warnings } = deps.networks.validateForContainer(
      hostConfig.NetworkMode,
      endpointsConfig,
    );
    for (const warning of dropped) {
      warnings.push(warning);
      deps.logger.warn(`container create: ${warning}`);
    }
    const mounts = planMounts(hostConfig, Object.keys(config.Volumes ?? {}));

    const id = randomBytes(32).toString('hex');
    const containerName = name ? name.replace(/^\//, '') : generateName((n) => deps.store.nameTaken(n));
    deps.store.reserve(containerName, id);
    try {
      for (const m of mounts) {
        if (m.type !== 'volume') continue;
        if (m.name && deps.volumes.has(m.name)) continue;
        const vol = deps.volumes.create({
          Name: m.name,
          DriverOpts: m.driverOptions,
          Labels: m.labels,
        });
        m.name = vol.Name;
      }
      const rec: ContainerRecord = {
        Id: id,
        Name: containerName,
        Created: new Date().toISOString(),
        Config: {
          ...config,
          Hostname: config.Hostname || (networkMode === 'host' ? deps.host.hostname : id.slice(0, 12)),
        },
        HostConfig: hostConfig,
        Image: image.id,
        State: newState(),
        RestartCount: 0,
        ManuallyStopped: false,
        Mounts: mounts,
        Networks: Object.fromEntries(
          networks.map((n, i) => [
            n,
            {
              ...(endpointsConfig[n] ??
                (i === 0 ? endpointsConfig[hostConfig.NetworkMode!] : undefined) ??
                {}),
              NetworkID: deps.networks.find(n).Id,
            },
          ]),
        ),
        ExecIDs: [],
      };
      this.save(rec);
      deps.images.hold(id, image);
      this.event(rec, 'create');
      return { Id: id, Warnings: warnings };
    } catch (err) {
      deps.store.release(containerName, id);
      throw err;
    }
  }

  // ---- views ----------------------------------------------------------------------------------

  inspect(idOrName: string): T.ContainerInspect {
    const rec = this.get(idOrName);
    const paths = this.deps.store.paths(rec.Id);
    const r = rootfsPaths(paths.dir);
    return inspectView(rec, paths, (n) => this.deps.volumes.dataPath(n), {
      UpperDir: r.diff,
      WorkDir: r.work,
      MergedDir: r.merged,
    });
  }

  list(options: B.ContainerListOptions): T.ContainerSummary[] {
    const match = containerMatcher(
      options.filters,
      (x) => this.deps.store.find(x),
      (ref) => {
        try {
          return this.deps.images.resolve(ref).id;
        } catch {
          return undefined;
        }
      },
    );
    const explicitStatus = !!options.filters.status?.length || !!options.filters.exited?.length;
    let recs = this.all()
      .filter(
        (r) => options.all || explicitStatus || options.limit !== undefined || S.isActive(r.State.Status),
      )
      .filter(match)
      .sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created));
    if (options.limit !== undefined && options.limit > 0) recs = recs.slice(0, options.limit);
    return recs.map((r) => summaryView(r, r.Config.Image ?? r.Image, (n) => this.deps.volumes.dataPath(n)));
  }

  changes(idOrName: string): Promise<T.FilesystemChange[]> {
    const rec = this.get(idOrName);
    const image = this.deps.images.resolve(rec.Image);
    return this.deps.images
      .lowerDirs(image)
      .then((lowers) => changes(rootfsPaths(this.deps.store.paths(rec.Id).dir), lowers));
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(idOrName: string): Promise<void> {
    const rec = this.get(idOrName);
    let failed = false;
    try {
      await this.mutex.run(rec.Id, async () => {
        // An exited container may still be tearing down its last run.
        if (!S.isActive(rec.State.Status)) await this.runEnded.get(rec.Id);
        const verdict = S.canStart(rec.State.Status, rec.Name);
        if (verdict) throw verdict;
        failed = true;
        await this.startLocked(rec);
        failed = false;
      });
    } catch (err) {
      // As Docker: a --rm container that could not start is removed (`docker run --rm` waits for it).
      if (failed && rec.HostConfig.AutoRemove)
        await this.remove(rec.Id, { force: true, volumes: true, link: false }).catch(() => undefined);
      throw err;
    }
  }

  private async startLocked(rec: ContainerRecord): Promise<void> {
    this.cancelRestart(rec.Id);
    const hub = this.hub(rec);
    let run: Run;
    try {
      run = await startRun(this.deps, rec, hub, { containerPid: (x) => this.pidOf(x) });
    } catch (err) {
      rec.State = {
        ...rec.State,
        Status: rec.State.Status === 'restarting' ? 'exited' : rec.State.Status,
        Restarting: false,
        Error: (err as Error).message,
      };
      if ((err as Error).message.includes('executable file not found')) rec.State.ExitCode = 127;
      else if ((err as Error).message.includes('permission denied')) rec.State.ExitCode = 126;
      this.save(rec);
      throw err;
    }
    this.runs.set(rec.Id, run);
    rec.State = {
      ...rec.State,
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: run.process.pid,
      ExitCode: 0,
      Error: '',
      StartedAt: new Date(run.startedAt).toISOString(),
    };
    rec.Sandbox = run.sandbox;
    rec.Networks = { ...rec.Networks, ...run.endpoints };
    rec.Ports = run.ports;
    rec.ManuallyStopped = false;
    this.save(rec);
    this.event(rec, 'start');
    this.runEnded.set(rec.Id, this.monitor(rec, run));
    this.onRunStarted(rec);
  }

  /** Waits for the run to end, then records the exit and applies the restart policy or --rm. */
  private async monitor(rec: ContainerRecord, run: Run): Promise<void> {
    const exit: RuntimeExit = await exitOf(this.deps, rec, run.process).catch((err: Error) => {
      this.deps.logger.error('lost track of a container', {
        container: rec.Id.slice(0, 12),
        error: err.message,
      });
      return { exitCode: -1, oomKilled: false };
    });
    run.io.exited();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([run.io.drained, new Promise<void>((r) => (timer = setTimeout(r, drainDeadlineMs)))]);
    clearTimeout(timer);
    run.io.release();
    this.hubs.get(rec.Id)?.disconnect();
    this.runs.delete(rec.Id);
    this.onRunStopped(rec);
    this.recordExit(rec, exit, exit.exitedAt ?? new Date());
    // Waiters learn the exit now; start and remove wait for the teardown (runEnded) themselves.
    this.resolveWaiters(rec.Id, ['not-running', 'next-exit'], { StatusCode: exit.exitCode });
    await teardown(this.deps, rec, { volumes: run.volumes, sandbox: run.sandbox, endpoints: run.endpoints });
    this.afterExit(rec, exit.exitCode, Date.now() - run.startedAt);
  }

  /** The process ended: the record says so and no longer names a network endpoint; `die` (and `oom`). */
  private recordExit(rec: ContainerRecord, exit: RuntimeExit, finishedAt: Date): void {
    rec.State = {
      ...rec.State,
      Status: 'exited',
      Running: false,
      Paused: false,
      Restarting: false,
      Pid: 0,
      ExitCode: exit.exitCode,
      OOMKilled: exit.oomKilled,
      FinishedAt: finishedAt.toISOString(),
    };
    rec.Sandbox = undefined;
    rec.Ports = undefined;
    // New objects: the run's own endpoints (shared until now) still name what teardown undoes.
    rec.Networks = withoutAddresses(rec.Networks);
    this.save(rec);
    if (exit.oomKilled) this.event(rec, 'oom');
    this.event(rec, 'die', { exitCode: String(exit.exitCode) });
  }

  private afterExit(rec: ContainerRecord, exitCode: number, ranForMs: number): void {
    if (this.shuttingDown) return;
    if (rec.HostConfig.AutoRemove) {
      void this.remove(rec.Id, { force: true, volumes: true, link: false }).catch((err: Error) =>
        this.deps.logger.error('auto-remove failed', { container: rec.Id.slice(0, 12), error: err.message }),
      );
      return;
    }
    const state = this.restartStates.get(rec.Id) ?? newRestartState();
    this.restartStates.set(rec.Id, state);
    const delay = shouldRestart(
      rec.HostConfig.RestartPolicy,
      exitCode,
      rec.RestartCount,
      rec.ManuallyStopped,
      ranForMs,
      state,
    );
    if (delay === undefined) return;
    rec.State = { ...rec.State, Status: 'restarting', Restarting: true };
    this.save(rec);
    this.restartTimers.set(
      rec.Id,
      setTimeout(() => {
        this.restartTimers.delete(rec.Id);
        void this.mutex
          .run(rec.Id, async () => {
            if (rec.State.Status !== 'restarting' || !this.deps.store.find(rec.Id)) return;
            rec.RestartCount++;
            await this.startLocked(rec);
            this.event(rec, 'restart');
          })
          .catch((err: Error) =>
            this.deps.logger.error('restart failed', { container: rec.Id.slice(0, 12), error: err.message }),
          );
      }, delay),
    );
  }

  private cancelRestart(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
  }

  private resolveWaiters(id: string, conditions: B.WaitCondition[], response: T.ContainerWaitResponse): void {
    const list = this.waiters.get(id);
    if (!list) return;
    const keep: Waiter[] = [];
    for (const w of list) {
      if (conditions.includes(w.condition)) w.resolve(response);
      else keep.push(w);
    }
    if (keep.length) this.waiters.set(id, keep);
    else this.waiters.delete(id);
  }

  async stop(idOrName: string, signal?: string, timeout?: number): Promise<void> {
    const rec = this.get(idOrName);
    await this.mutex.run(rec.Id, () => this.stopLocked(rec, signal, timeout));
  }

  private async stopLocked(rec: ContainerRecord, signal?: string, timeout?: number): Promise<void> {
    if (rec.State.Status === 'restarting') {
      // Between two runs: stopping means not starting again.
      this.cancelRestart(rec.Id);
      rec.ManuallyStopped = true;
      rec.State = { ...rec.State, Status: 'exited', Restarting: false };
      this.save(rec);
      this.event(rec, 'stop');
      return;
    }
    const verdict = S.canStop(rec.State.Status, rec.Name);
    if (verdict) throw verdict;
    rec.ManuallyStopped = true;
    this.save(rec);
    const ended = this.runEnded.get(rec.Id) ?? Promise.resolve();
    const sig = signal || rec.Config.StopSignal || 'SIGTERM';
    const seconds = timeout ?? rec.Config.StopTimeout ?? 10;
    this.event(rec, 'kill', { signal: signalNumberText(sig) });
    try {
      this.deps.runtime.kill(rec.Id, sig);
      if (rec.State.Status === 'paused') this.deps.runtime.resume(rec.Id);
    } catch {
      // exited meanwhile
    }
    const graceful = seconds < 0 ? await ended.then(() => true) : await within(ended, seconds * 1000);
    if (!graceful) {
      this.event(rec, 'kill', { signal: '9' });
      try {
        this.deps.runtime.kill(rec.Id, 'SIGKILL', true);
      } catch {
        // exited meanwhile
      }
      await ended;
    }
    this.event(rec, 'stop');
  }

  async restart(idOrName: string, signal?: string, timeout?: number): Promise<void> {
    const rec = this.get(idOrName);
    await this.mutex.run(rec.Id, async () => {
      const verdict = S.canRestart(rec.State.Status, rec.Name);
      if (verdict) throw verdict;
      if (S.isActive(rec.State.Status)) await this.stopLocked(rec, signal, timeout);
      await this.runEnded.get(rec.Id);
      await this.startLocked(rec);
      this.event(rec, 'restart');
    });
  }

  async kill(idOrName: string, signal?: string): Promise<void> {
    const rec = this.get(idOrName);
    const verdict = S.canKill(rec.State.Status, rec.Name);
    if (verdict) throw verdict;
    const sig = signal || 'SIGKILL';
    const number = signalNumberText(sig);
    if (rec.State.Status === 'restarting') {
      await this.stop(rec.Id);
      return;
    }
    rec.ManuallyStopped = true;
    this.save(rec);
    try {
      this.deps.runtime.kill(rec.Id, sig);
      if (rec.State.Status === 'paused' && number === '9') this.deps.runtime.resume(rec.Id);
    } catch (err) {
      if (/unknown signal/.test((err as Error).message)) throw invalid((err as Error).message);
      throw conflict(`cannot kill container ${rec.Name}: container is not running`);
    }
    this.event(rec, 'kill', { signal: number });
    if (number === '9') await this.runEnded.get(rec.Id);
  }

  async pause(idOrName: string): Promise<void> {
    const rec = this.get(idOrName);
    await this.mutex.run(rec.Id, async () => {
      const verdict = S.canPause(rec.State.Status, rec.Name);
      if (verdict) throw verdict;
      this.deps.runtime.pause(rec.Id);
      rec.State = { ...rec.State, Status: 'paused', Paused: true };
      this.save(rec);
      this.event(rec, 'pause');
    });
  }

  async unpause(idOrName: string): Promise<void> {
    const rec = this.get(idOrName);
    await this.mutex.run(rec.Id, async () => {
      const verdict = S.canUnpause(rec.State.Status, rec.Name);
      if (verdict) throw verdict;
      this.deps.runtime.resume(rec.Id);
      rec.State = { ...rec.State, Status: 'running', Paused: false };
      this.save(rec);
      this.event(rec, 'unpause');
    });
  }

  async wait(
    idOrName: string,
    condition: B.WaitCondition,
  ): Promise<{ result: Promise<T.ContainerWaitResponse> }> {
    const rec = this.get(idOrName);
    const status = rec.State.Status;
    if (condition === 'not-running' && !S.isActive(status)) {
      return { result: Promise.resolve({ StatusCode: rec.State.ExitCode }) };
    }
    const result = new Promise<T.ContainerWaitResponse>((resolve) => {
      const list = this.waiters.get(rec.Id) ?? [];
      list.push({ condition, resolve });
      this.waiters.set(rec.Id, list);
    });
    return { result };
  }

  async remove(
    idOrName: string,
    options: { force: boolean; volumes: boolean; link: boolean },
  ): Promise<void> {
    if (options.link) throw invalid('legacy links are not supported: remove the container itself');
    const rec = this.get(idOrName);
    await this.mutex.run(rec.Id, async () => {
      if (!this.deps.store.find(rec.Id)) return; // removed meanwhile (--rm racing rm -f)
      const verdict = S.canRemove(rec.State.Status, rec.Name, options.force);
      if (verdict) throw verdict;
      this.cancelRestart(rec.Id);
      if (S.isActive(rec.State.Status)) {
        rec.ManuallyStopped = true;
        try {
          this.deps.runtime.kill(rec.Id, 'SIGKILL', true);
          if (rec.State.Status === 'paused') this.deps.runtime.resume(rec.Id);
        } catch {
          // exited meanwhile
        }
      }
      await this.runEnded.get(rec.Id);
      rec.State = { ...rec.State, Status: 'removing' };
      const hub = this.hubs.get(rec.Id);
      hub?.disconnect();
      this.hubs.delete(rec.Id);
      await teardown(this.deps, rec, { volumes: [] });
      const removeFiles = this.deps.store.delete(rec);
      this.restartStates.delete(rec.Id);
      this.runEnded.delete(rec.Id);
      if (options.volumes) {
        for (const m of rec.Mounts) {
          if (m.type !== 'volume' || !m.name) continue;
          // Only anonymous volumes go with the container (as Docker's -v).
          try {
            if (anonymousLabel in this.deps.volumes.inspect(m.name).Labels)
              this.deps.volumes.remove(m.name, true);
          } catch (err) {
            this.deps.logger.warn('could not remove a volume with its container', {
              volume: m.name,
              error: (err as Error).message,
            });
          }
        }
      }
      this.event(rec, 'destroy');
      this.resolveWaiters(rec.Id, ['removed', 'not-running', 'next-exit'], {
        StatusCode: rec.State.ExitCode,
      });
      // The rest frees space and the image; nothing waits on it.
      setImmediate(() => {
        try {
          this.deps.images.release(rec.Id);
          removeFiles();
        } catch (err) {
          this.deps.logger.warn('cleanup after remove failed', {
            container: rec.Id.slice(0, 12),
            error: (err as Error).message,
          });
        }
      });
    });
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const rec = this.get(idOrName);
    const name = newName.replace(/^\//, '');
    if (!isValidContainerName(name))
      throw invalid(`Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    if (name === rec.Name)
      throw invalid(`Renaming a container with the same name as its current name: ${name}`);
    const old = rec.Name;
    this.deps.store.rename(rec, name);
    this.event(rec, 'rename', { oldName: `/${old}` });
  }

  /**
   * `docker update`: the new limits are saved, and written into the cgroup of a container that is
   * running or paused, as Docker does, so they hold at once. A limit the cgroup refuses fails the
   * update and leaves the saved configuration as it was.
   */
  async update(idOrName: string, update: T.ContainerUpdateRequest): Promise<{ Warnings: string[] }> {
    const rec = this.get(idOrName);
    return this.mutex.run(rec.Id, async () => {
      const host: T.HostConfig = { ...rec.HostConfig };
      const resourceKeys = [
        'Memory',
        'MemorySwap',
        'NanoCpus',
        'CpuShares',
        'CpuQuota',
        'CpuPeriod',
        'PidsLimit',
      ] as const;
      let resourcesChanged = false;
      for (const k of resourceKeys) {
        if (update[k] !== undefined && update[k] !== null) {
          (host as Record<string, unknown>)[k] = update[k];
          resourcesChanged = true;
        }
      }
      if (update.RestartPolicy) host.RestartPolicy = update.RestartPolicy;
      checkRestartPolicy(host);
      const resources = linuxResources(host, !!host.Privileged);
      const warnings: string[] = [];
      if (resourcesChanged) {
        // Saved as asked (as Docker does), but each limit this berthd cannot enforce says so.
        for (const warning of dropUnenforceable(resources, this.deps.host.cgroup)) {
          warnings.push(warning);
          this.deps.logger.warn(`container update ${rec.Name}: ${warning}`);
        }
        if (rec.State.Status === 'running' || rec.State.Status === 'paused') {
          // Device rules stay as the container was created with them.
          const { memory, cpu, pids } = resources;
          try {
            this.deps.runtime.update(rec.Id, { memory, cpu, pids });
          } catch (err) {
            throw conflict(`cannot update container ${rec.Name}: ${(err as Error).message}`);
          }
        }
      }
      rec.HostConfig = host;
      this.save(rec);
      this.event(rec, 'update');
      return { Warnings: warnings };
    });
  }

  async prune(filters: T.Filters): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    const until = filters.until?.[0];
    const untilMs = until
      ? /^\d+(\.\d+)?$/.test(until)
        ? Number(until) * 1000
        : Date.parse(until)
      : undefined;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const rec of this.all()) {
      if (S.isActive(rec.State.Status) || rec.State.Status === 'removing') continue;
      if (untilMs !== undefined && Date.parse(rec.Created) > untilMs) continue;
      if (!matchLabels(rec.Config.Labels ?? {}, filters.label ?? [])) continue;
      if (filters['label!']?.length && matchLabels(rec.Config.Labels ?? {}, filters['label!'], true))
        continue;
      const size = treeSize(rootfsPaths(this.deps.store.paths(rec.Id).dir).diff);
      await this.remove(rec.Id, { force: false, volumes: false, link: false }).then(
        () => {
          deleted.push(rec.Id);
          reclaimed += size;
        },
        () => undefined,
      );
    }
    return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  // ---- stdio ----------------------------------------------------------------------------------

  async attach(idOrName: string, options: B.AttachOptions): Promise<B.StdioSession> {
    const rec = this.get(idOrName);
    const verdict = S.canAttach(rec.State.Status, rec.Name);
    if (verdict) throw verdict;
    const hub = this.hub(rec);
    const session = hub.attach(options, () => this.event(rec, 'detach'));
    this.event(rec, 'attach');
    if (options.logs) {
      // Replayed before live output; the session buffers it until the client's stream is wired.
      const { entries } = await this.logs(
        rec.Id,
        { stdout: options.stdout, stderr: options.stderr, follow: false, since: 0, until: 0 },
        new AbortController().signal,
      );
      for await (const e of entries) session.deliver({ stream: e.stream === 'stdout' ? 1 : 2, data: e.data });
    }
    if (!options.stream || (!S.isActive(rec.State.Status) && rec.State.Status !== 'created')) {
      // Nothing live to follow: the session is over once what it has is sent.
      session.finish();
    }
    return session;
  }

  async logs(
    idOrName: string,
    options: B.LogsOptions,
    signal: AbortSignal,
  ): Promise<{ tty: boolean; entries: AsyncIterable<B.LogEntry> }> {
    const rec = this.get(idOrName);
    if (rec.HostConfig.LogConfig?.Type === 'none') {
      throw notImplemented(
        `configured logging driver does not support reading: container ${rec.Name} logs to "none"`,
      );
    }
    const stopped = S.isActive(rec.State.Status)
      ? (this.runEnded.get(rec.Id) ?? Promise.resolve())
      : Promise.resolve();
    const entries = readJsonLogs(
      this.deps.store.paths(rec.Id).logPath,
      this.rotation(rec).maxFile,
      { ...options },
      stopped,
      signal,
    );
    return { tty: !!rec.Config.Tty, entries };
  }

  /** The pty size, for a container with a TTY. */
  resizeTarget(idOrName: string): { rec: ContainerRecord; consoleFd?: number } {
    const rec = this.get(idOrName);
    if (!S.isActive(rec.State.Status))
      throw conflict(`cannot resize container ${rec.Name}: container is not running`);
    return { rec, consoleFd: this.runs.get(rec.Id)?.process.consoleFd };
  }

  // ---- daemon start and stop ------------------------------------------------------------------

  private shuttingDown = false;

  /** Picks up where an earlier berthd left off: running containers re-adopted, exits recorded. */
  async restore(): Promise<void> {
    const { deps } = this;
    const known = new Set<string>();
    const records = deps.store.load();
    if (records.length || deps.runtime.hasState()) await deps.runtime.ready();
    for (const rec of records) {
      known.add(rec.Id);
      const status = deps.runtime.status(rec.Id);
      if (S.isActive(rec.State.Status) && (status === 'running' || status === 'paused')) {
        this.readopt(rec, status);
        continue;
      }
      if (S.isActive(rec.State.Status) || rec.State.Status === 'removing') {
        // It ended while berthd was away: the runtime's supervisor kept the exit status.
        const exit =
          status !== undefined
            ? await deps.runtime.wait(rec.Id).catch(() => ({ exitCode: -1, oomKilled: false }))
            : { exitCode: -1, oomKilled: false };
        this.finishOutput(rec);
        await teardown(deps, rec, { volumes: [], sandbox: rec.Sandbox, endpoints: rec.Networks });
        if (rec.State.Status === 'removing') {
          deps.images.release(rec.Id);
          deps.store.delete(rec)();
          continue;
        }
        this.recordExit(rec, exit, new Date());
        if (rec.HostConfig.AutoRemove) {
          await this.remove(rec.Id, { force: true, volumes: true, link: false }).catch(() => undefined);
          continue;
        }
      }
      // Docker starts `always` containers with the daemon, and `unless-stopped` ones not stopped by hand.
      const policy = rec.HostConfig.RestartPolicy?.Name;
      if (
        rec.State.Status === 'exited' &&
        !rec.ManuallyStopped &&
        (policy === 'always' || policy === 'unless-stopped')
      ) {
        await this.start(rec.Id).catch((err: Error) =>
          deps.logger.error('could not restart container at daemon start', {
            container: rec.Id.slice(0, 12),
            error: err.message,
          }),
        );
      }
    }
    for (const id of deps.runtime.ids()) {
      if (known.has(id)) continue;
      deps.logger.warn('removing a runtime container berthd has no record of', { id });
      await deps.runtime.delete(id, true).catch(() => undefined);
    }
  }

  private readopt(rec: ContainerRecord, status: 'running' | 'paused'): void {
    const hub = this.hub(rec);
    const rdir = runtimeDir(this.deps, rec.Id);
    let io: FifoIO | undefined;
    let consoleFd: number | undefined;
    try {
      // A TTY's master, kept by the output holder, is what a resize acts on.
      if (rec.Config.Tty) consoleFd = takeHeldFd(rdir, 0);
      io = FifoIO.reopen(rdir, hub);
    } catch (err) {
      this.deps.logger.warn('could not take the output of a re-adopted container', {
        container: rec.Id.slice(0, 12),
        error: (err as Error).message,
      });
    }
    if (!io) {
      this.deps.logger.warn(
        're-adopted a container whose output cannot be read (its FIFOs or terminal are gone)',
        {
          container: rec.Id.slice(0, 12),
        },
      );
    }
    const process = { pid: rec.State.Pid, consoleFd };
    const placeholder = {
      drained: Promise.resolve(),
      exited: () => undefined,
      release: () => undefined,
      writeStdin: () => undefined,
      closeStdin: () => undefined,
    };
    const run: Run = {
      process,
      io: (io ?? placeholder) as Run['io'],
      volumes: rec.Mounts.flatMap((m) => (m.type === 'volume' && m.name ? [m.name] : [])),
      sandbox: rec.Sandbox ?? { kind: 'new' },
      endpoints: rec.Networks,
      ports: rec.Ports ?? [],
      startedAt: Date.parse(rec.State.StartedAt),
    };
    if (io) hub.connect(io);
    for (const v of run.volumes) this.deps.volumes.readopt(v);
    rec.State = { ...rec.State, Status: status, Running: true, Paused: status === 'paused' };
    this.save(rec);
    this.runs.set(rec.Id, run);
    this.runEnded.set(rec.Id, this.monitor(rec, run));
    this.onRunStarted(rec);
    this.deps.logger.info('re-adopted running container', { container: rec.Id.slice(0, 12), name: rec.Name });
  }

  /** berthd is stopping: containers keep running (a new berthd re-adopts them). */
  shutdown(): void {
    this.shuttingDown = true;
    for (const id of [...this.restartTimers.keys()]) this.cancelRestart(id);
    for (const rec of this.all()) this.onRunStopped(rec);
    for (const hub of this.hubs.values()) hub.release();
  }

  /** Containers using an image (rmi, ImageSummary.Containers). */
  countUsing(imageId: string): number {
    return this.all().filter((r) => r.Image === imageId).length;
  }

  pathsOf(rec: ContainerRecord): ReturnType<ContainerDeps['store']['paths']> {
    return this.deps.store.paths(rec.Id);
  }

  run(id: string): Run | undefined {
    return this.runs.get(id);
  }

  hubOf(rec: ContainerRecord): StdioHub {
    return this.hub(rec);
  }

  recordEvent(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.event(rec, action, extra);
  }
}

async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = p.then(() => true);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}

/** Docker's kill events name the signal by number. */
function signalNumberText(sig: string): string {
  if (/^\d+$/.test(sig)) return sig;
  const name = sig.toUpperCase().startsWith('SIG') ? sig.toUpperCase() : `SIG${sig.toUpperCase()}`;
  const n = constants.signals[name as NodeJS.Signals];
  if (n === undefined) throw invalid(`invalid signal: ${sig}`);
  return String(n);
}

/** A stopped container's endpoints: the networks and what was asked, no address or endpoint. */
function withoutAddresses(networks: Record<string, T.EndpointSettings>): Record<string, T.EndpointSettings> {
  return Object.fromEntries(
    Object.entries(networks).map(([name, ep]) => [
      name,
      { ...ep, EndpointID: '', IPAddress: '', Gateway: '', IPPrefixLen: 0, MacAddress: '' },
    ]),
  );
}
