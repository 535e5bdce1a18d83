// The runtime as a library: the OCI lifecycle (create, start, state, kill, delete) plus run, exec,
// wait, pause/resume, list and ps, in the calling Node process. The CLI (cli/berth-runtime.ts) and
// the daemon both call this; no Node process is started per container.
import { EventEmitter } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { constants } from 'node:os';
import type { LinuxResources, Process, State } from '../oci/runtime-spec';
import type { CgroupHost } from './cgroups';
import { cgroupFromDirs } from './cgroups';
import type { CgroupStats } from './cgroups/stats';
import { readCgroupStats } from './cgroups/stats';
import { RuntimeContext } from './context';
import type { RuntimeLog } from './context';
import type { CreatedContainer, CreateOptions } from './create';
import { createContainer, stateOf } from './create';
import type { ExecOptions } from './exec';
import { execInContainer } from './exec';
import { runHooks } from './hooks';
import type { ProcessStreams } from './io';
import type { HostSyscalls } from './linux/host';
import { hostSyscalls } from './linux/host';
import { ErrnoError } from './linux/libc';
import { Message } from './linux/init-program';
import { pidNamespaceMembers } from './pid-namespace';
import { effectiveUserId } from '../rootless/mode';
import type { ContainerRecord } from './state';
import { isAlive, lifecycle, processStartTime, StateStore, statusOf } from './state';

/**
 * Where container state lives by default: /run/berth/runtime as root, and for a normal user (rootless
 * Berth included) $XDG_RUNTIME_DIR/berth/runtime, or /tmp/berth-run-<uid>/berth/runtime without one.
 */
export function defaultRuntimeRoot(env: NodeJS.ProcessEnv = process.env): string {
  const uid = effectiveUserId(env);
  if (uid === 0) return '/run/berth/runtime';
  return join(env.XDG_RUNTIME_DIR || `/tmp/berth-run-${uid}`, 'berth', 'runtime');
}

export interface RuntimeOptions {
  /** Where container state lives (runc's --root). Default /run/berth/runtime. */
  root?: string;
  log?: RuntimeLog;
  /** Kernel interface, for tests. */
  host?: HostSyscalls;
  /** The host's cgroup layout, for tests. */
  cgroupHost?: CgroupHost;
  /**
   * Start container helpers from a zygote (a long-lived berth-init) instead of forking this Node
   * process each time (default true; one-shot callers such as the CLI use false).
   */
  zygote?: boolean;
  /** Compile seccomp filters with libseccomp when installed ('auto'), or always with berth's own compiler. */
  seccompCompiler?: 'auto' | 'berth';
}

export interface ExitStatus {
  /** The exit code, or 128 + the signal number when a signal killed the process (137 for SIGKILL). */
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** The kernel's OOM killer killed a process of the container. */
  oomKilled: boolean;
}

/** A process the runtime started and supervises (a container's first process, or an exec). */
export interface ProcessHandle extends ProcessStreams {
  pid: number;
  /** With process.terminal and no console socket: the pty master (ours to use and close). */
  consoleFd?: number;
  /** Resolves when the process exits. Absent for detached processes. */
  exited?: Promise<ExitStatus>;
}

export interface ContainerHandle extends ProcessHandle {
  id: string;
}

export interface RuntimeEvents {
  /** The container's first process exited (only for containers this Runtime supervises). */
  exit: [id: string, status: ExitStatus];
  /** The kernel's OOM killer killed a process of the container. */
  oom: [id: string];
  warning: [message: string];
}

export class LifecycleError extends Error {
  constructor(
    message: string,
    readonly status: State['status'],
  ) {
    super(message);
    this.name = 'LifecycleError';
  }
}

function signalNumber(signal: string | number): number {
  if (typeof signal === 'number') return signal;
  if (/^\d+$/.test(signal)) return Number(signal);
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const n = (constants.signals as Record<string, number>)[name];
  if (n === undefined)
    throw new Error(`unknown signal "${signal}": use a name like TERM or KILL, or a number`);
  return n;
}

/** A raw wait status as an ExitStatus (null: the supervisor died without reporting: -1). */
function exitStatus(raw: number | null, oomKilled: boolean): ExitStatus {
  if (raw === null) return { exitCode: -1, signal: null, oomKilled };
  const sig = raw & 0x7f;
  if (sig === 0) return { exitCode: (raw >> 8) & 0xff, signal: null, oomKilled };
  return { exitCode: 128 + sig, signal: signalName(sig), oomKilled };
}

function signalName(n: number): NodeJS.Signals | null {
  return (Object.entries(constants.signals).find(([, v]) => v === n)?.[0] as NodeJS.Signals) ?? null;
}

export class Runtime extends EventEmitter<RuntimeEvents> {
  readonly root: string;
  private readonly ctx: RuntimeContext;
  private readonly supervised = new Map<string, Promise<ExitStatus>>();

  constructor(options: RuntimeOptions = {}) {
    super();
    this.root = options.root ?? defaultRuntimeRoot();
    const log = options.log ?? {
      debug: () => undefined,
      warn: (message: string) => {
        if (this.listenerCount('warning')) this.emit('warning', message);
        else console.error(`berth-runtime: warning: ${message}`);
      },
    };
    this.ctx = new RuntimeContext(new StateStore(this.root), options.host ?? hostSyscalls, log, {
      cgroupHost: options.cgroupHost,
      zygote: options.zygote ?? true,
      seccompCompiler: options.seccompCompiler ?? 'auto',
    });
  }

  /** Ends the zygote; resolves once it has exited (containers keep running). */
  close(): Promise<void> {
    return this.ctx.close();
  }

  /** Sets up the container and parks its first process until start(). */
  async create(id: string, options: CreateOptions): Promise<ContainerHandle> {
    const created = await createContainer(this.ctx, id, options);
    const exited = created.exit ? this.supervise(id, created) : undefined;
    return { id, pid: created.record.pid, ...created.streams, consoleFd: created.consoleFd, exited };
  }

  private supervise(id: string, created: CreatedContainer): Promise<ExitStatus> {
    const exited = created.exit!.then((raw) => {
      let oomKilled = false;
      try {
        oomKilled = created.cgroup.oomKills() > 0;
      } catch {
        // the cgroup is gone already (deleted)
      }
      const status = exitStatus(raw, oomKilled);
      if (oomKilled) this.emit('oom', id);
      this.emit('exit', id, status);
      return status;
    });
    this.supervised.set(id, exited);
    return exited;
  }

  /** Runs the user's program in a created container. */
  async start(id: string): Promise<void> {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (!lifecycle.canStart(status))
      throw new LifecycleError(`cannot start container "${id}": it is ${status}, not created`, status);
    await this.sendStart(record);
    record.started = true;
    this.ctx.store.write(record);
    try {
      await runHooks('poststart', record.config.hooks?.poststart, stateOf(record, 'running'));
    } catch (err) {
      this.ctx.log.warn((err as Error).message);
    }
  }

  /** Connects to the parked init, sends the go byte and state, and waits until it has exec'd. */
  private sendStart(record: ContainerRecord): Promise<void> {
    const path = this.ctx.store.startSocket(record.id);
    // sun_path holds 108 bytes: reach long paths through the directory's /proc/self/fd entry.
    const dirFd = path.length >= 100 ? openSync(dirname(path), 'r') : -1;
    const target = dirFd >= 0 ? `/proc/self/fd/${dirFd}/${basename(path)}` : path;
    const state = Buffer.from(JSON.stringify(stateOf(record, 'created')));
    const head = Buffer.alloc(5);
    head.write('S', 0);
    head.writeUInt32LE(state.length, 1);
    return new Promise<void>((resolve, reject) => {
      const sock = connect(target);
      let reply = Buffer.alloc(0);
      sock.on('connect', () => {
        if (dirFd >= 0) closeSync(dirFd);
        sock.write(Buffer.concat([head, state]));
      });
      sock.on('data', (d: Buffer) => (reply = Buffer.concat([reply, d])));
      sock.on('error', (err: NodeJS.ErrnoException) => {
        if (dirFd >= 0) closeSync(dirFd);
        reject(
          new Error(
            `cannot start container "${record.id}": its init is not waiting (${err.code}); delete it and create it again`,
          ),
        );
      });
      sock.on('end', () => {
        sock.destroy();
        if (reply.length >= 16 && reply.readUInt32LE(0) === Message.ERROR) {
          const errno = reply.readInt32LE(12);
          const call = reply.subarray(16, 8 + reply.readUInt32LE(4)).toString();
          const program = record.config.process?.args?.[0] ?? '';
          reject(new ErrnoError(call, JSON.stringify(call === 'execve' ? program : record.id), errno));
        } else {
          resolve();
        }
      });
    });
  }

  /** create + start. */
  async run(id: string, options: CreateOptions): Promise<ContainerHandle> {
    const handle = await this.create(id, options);
    try {
      await this.start(id);
    } catch (err) {
      await this.delete(id, { force: true }).catch(() => undefined);
      throw err;
    }
    return handle;
  }

  private status(record: ContainerRecord): State['status'] {
    return statusOf(record, () => {
      try {
        return cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost()).isFrozen();
      } catch {
        return false;
      }
    });
  }

  /** The spec's state of a container (runc's extra fields too). */
  state(id: string): State {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    return {
      ...stateOf(record, status),
      rootfs: record.rootfs,
      created: record.created,
      owner: record.owner,
    };
  }

  list(): State[] {
    const states: State[] = [];
    for (const id of this.ctx.store.list()) {
      try {
        states.push(this.state(id));
      } catch {
        // deleted meanwhile
      }
    }
    return states;
  }

  /** Pids of every process in the container (its cgroup; its pid namespace when it has no cgroup). */
  ps(id: string): number[] {
    const record = this.ctx.store.read(id);
    if (!isAlive(record)) return [];
    return this.processes(record);
  }

  private processes(record: ContainerRecord): number[] {
    if (Object.keys(record.cgroup.dirs).length === 0) return pidNamespaceMembers(record.pid);
    return cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost()).procs();
  }

  /** Sends a signal to the container's first process, or with `all` to every process in it. */
  kill(id: string, signal: string | number = 'SIGTERM', options: { all?: boolean } = {}): void {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (!lifecycle.canKill(status))
      throw new LifecycleError(`cannot kill container "${id}": it is ${status}`, status);
    const sig = signalNumber(signal);
    if (options.all) {
      for (const pid of this.processes(record)) {
        try {
          process.kill(pid, sig);
        } catch {
          // exited meanwhile
        }
      }
      return;
    }
    // Through a pidfd checked against the start time, so a recycled pid is never signalled.
    const pidfd = this.ctx.host.pidfdOpen(record.pid);
    try {
      if (processStartTime(record.pid) !== record.pidStartTime)
        throw new LifecycleError(`container "${id}" has stopped`, 'stopped');
      this.ctx.host.pidfdSendSignal(pidfd, sig);
    } finally {
      this.ctx.host.close(pidfd);
    }
  }

  /** Removes a stopped or created container (with force, a running one too: it is killed first). */
  async delete(id: string, options: { force?: boolean } = {}): Promise<void> {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (!lifecycle.canDelete(status) && !options.force) {
      throw new LifecycleError(
        `cannot delete container "${id}": it is ${status}; stop it first, or use --force`,
        status,
      );
    }
    const cgroup = cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost());
    if (status !== 'stopped') {
      const pids = new Set([...cgroup.procs(), record.pid]);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      // Frozen tasks only die once thawed.
      if (status === 'paused') cgroup.setFrozen(false);
    }
    await this.ctx.waitGone(cgroup, isAlive(record) ? record.pid : -1);
    await this.supervised.get(id);
    cgroup.destroy();
    try {
      await runHooks('poststop', record.config.hooks?.poststop, stateOf(record, 'stopped'));
    } catch (err) {
      this.ctx.log.warn((err as Error).message);
    }
    this.ctx.store.remove(id);
    this.supervised.delete(id);
  }

  /** Waits for the container's first process to exit. */
  async wait(id: string): Promise<ExitStatus> {
    const supervised = this.supervised.get(id);
    if (supervised) return supervised;
    const record = this.ctx.store.read(id);
    // The supervisor writes the exit status, then exits: waiting for it (rather than for the
    // container's process) means the status is on disk when we read it. Without a supervisor
    // (a detached create) there is only the container's process to wait for.
    const supervisor =
      record.supervisorPid && processStartTime(record.supervisorPid) === record.supervisorStartTime;
    const pid = supervisor ? record.supervisorPid! : isAlive(record) ? record.pid : -1;
    if (pid > 0) await this.waitExit(pid);
    let raw: number | null = null;
    try {
      const text = readFileSync(this.ctx.store.exitFile(id), 'utf8').trim();
      if (text !== '') raw = Number(text);
    } catch {
      // no supervisor recorded it (a detached create): unknown
    }
    const cgroup = cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost());
    let oomKilled = false;
    try {
      oomKilled = cgroup.oomKills() > 0;
    } catch {
      // cgroup removed
    }
    return exitStatus(raw, oomKilled);
  }

  /** Resolves when `pid` has exited, without blocking the event loop. */
  private async waitExit(pid: number): Promise<void> {
    let pidfd: number;
    try {
      pidfd = this.ctx.host.pidfdOpen(pid);
    } catch {
      return; // gone already
    }
    try {
      while (!(await this.ctx.host.waitReadableAsync(pidfd, 60000))) {
        // still running: keep waiting (the bounded wait frees the worker thread regularly)
      }
    } finally {
      this.ctx.host.close(pidfd);
    }
  }

  /** Runs another process in a running container. */
  async exec(id: string, proc: Process, options: ExecOptions = {}): Promise<ProcessHandle> {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (!lifecycle.canExec(status))
      throw new LifecycleError(`cannot exec in container "${id}": it is ${status}, not running`, status);
    const execed = await execInContainer(this.ctx, record, proc, options);
    const exited = execed.exit?.then((raw) => exitStatus(raw, false));
    return { pid: execed.pid, ...execed.streams, consoleFd: execed.consoleFd, exited };
  }

  pause(id: string): void {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (!lifecycle.canPause(status))
      throw new LifecycleError(`cannot pause container "${id}": it is ${status}`, status);
    cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost()).setFrozen(true);
  }

  resume(id: string): void {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (!lifecycle.canResume(status))
      throw new LifecycleError(`cannot resume container "${id}": it is ${status}, not paused`, status);
    cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost()).setFrozen(false);
  }

  /**
   * Changes the limits of a container that has not stopped (runc's update): only the fields
   * given are written; device rules stay as they are.
   */
  update(id: string, resources: LinuxResources): void {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (status === 'stopped')
      throw new LifecycleError(`cannot update container "${id}": it has stopped`, status);
    const limit = resources.memory?.limit;
    if (resources.memory?.checkBeforeUpdate && limit !== undefined && limit > 0) {
      // The spec's safeguard: a limit below what is in use would OOM-kill the container at once.
      const usage = readCgroupStats(record.cgroup.version, record.cgroup.dirs).memory.usage.usage ?? 0;
      if (limit < usage)
        throw new Error(
          `cannot update container "${id}": memory.limit ${limit} is below its current usage ${usage} (checkBeforeUpdate)`,
        );
    }
    cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost()).apply(resources);
  }

  /** Resource use from the container's cgroup, as `runc events --stats` reports it. */
  stats(id: string): CgroupStats {
    const record = this.ctx.store.read(id);
    const status = this.status(record);
    if (status === 'stopped') throw new LifecycleError(`container "${id}" has stopped: no stats`, status);
    return readCgroupStats(record.cgroup.version, record.cgroup.dirs);
  }

  /** Processes of the container the kernel's OOM killer has killed so far (it may still run). */
  oomKills(id: string): number {
    const record = this.ctx.store.read(id);
    return cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, this.ctx.cgroupHost()).oomKills();
  }
}
