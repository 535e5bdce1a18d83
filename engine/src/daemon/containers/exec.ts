// `docker exec`: another process in a running container, with the container's security context
// (taken from the spec it runs with) and its own user, env, working dir and terminal.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { ReadStream } from 'node:tty';
import type { OutputChunk, StdioSession } from '../../api/backend';
import type * as T from '../../api/types';
import { conflict, invalid, notFound } from '../errors';
import { capabilityNames } from '../../runtime/capabilities';
import type { Process, Spec } from '../../oci/runtime-spec';
import { resolveUser } from '../spec/user';
import type { ContainerDeps } from './deps';
import { rootfsPaths } from './rootfs';
import type { RuntimeProcess } from './runtime-port';
import type { ContainerService } from './service';
import { runtimeDir } from './start';
import * as S from './state';

interface ExecRecord {
  id: string;
  containerId: string;
  config: T.ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  consoleFd?: number;
  started: boolean;
}

export class ExecService {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(
    private readonly deps: ContainerDeps,
    private readonly containers: ContainerService,
  ) {}

  create(containerId: string, config: T.ExecConfig): { Id: string } {
    const rec = this.containers.get(containerId);
    const verdict = S.canExec(rec.State.Status, rec.Name);
    if (verdict) throw verdict;
    if (config.User) resolveUser(rootfsPaths(this.deps.store.paths(rec.Id).dir).merged, config.User);
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, {
      id,
      containerId: rec.Id,
      config,
      running: false,
      exitCode: null,
      pid: 0,
      started: false,
    });
    rec.ExecIDs.push(id);
    this.containers.recordEvent(rec, `exec_create: ${config.Cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  private get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  inspect(id: string): T.ExecInspect {
    const e = this.get(id);
    return {
      CanRemove: false,
      DetachKeys: e.config.DetachKeys ?? '',
      ID: e.id,
      Running: e.running,
      ExitCode: e.exitCode,
      ProcessConfig: {
        privileged: !!e.config.Privileged,
        user: e.config.User ?? '',
        tty: !!e.config.Tty,
        entrypoint: e.config.Cmd[0],
        arguments: e.config.Cmd.slice(1),
      },
      OpenStdin: !!e.config.AttachStdin,
      OpenStderr: !!e.config.AttachStderr,
      OpenStdout: !!e.config.AttachStdout,
      ContainerID: e.containerId,
      Pid: e.pid,
    };
  }

  /** The process spec: the container's security context with the exec's own command and identity. */
  private processFor(e: ExecRecord, tty: boolean): Process {
    const rec = this.containers.get(e.containerId);
    const spec = JSON.parse(readFileSync(join(runtimeDir(this.deps, rec.Id), 'config.json'), 'utf8')) as Spec;
    const base = spec.process!;
    const merged = rootfsPaths(this.deps.store.paths(rec.Id).dir).merged;
    const user = resolveUser(merged, e.config.User || rec.Config.User || '', rec.HostConfig.GroupAdd ?? []);
    const env = new Map<string, string>();
    for (const kv of [...(base.env ?? []), ...(e.config.Env ?? [])]) env.set(kv.split('=')[0], kv);
    if (!e.config.User && !rec.Config.User) env.set('HOME', `HOME=${user.home}`);
    if (tty && !env.has('TERM')) env.set('TERM', 'TERM=xterm');
    const caps = e.config.Privileged ? [...capabilityNames] : (base.capabilities?.bounding ?? []);
    return {
      ...base,
      terminal: tty,
      ...(tty && e.config.ConsoleSize?.[0]
        ? { consoleSize: { height: e.config.ConsoleSize[0], width: e.config.ConsoleSize[1] } }
        : {}),
      args: e.config.Cmd,
      env: [...env.values()],
      cwd: e.config.WorkingDir || rec.Config.WorkingDir || '/',
      user: {
        uid: user.uid,
        gid: user.gid,
        ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}),
      },
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
    };
  }

  async start(id: string, options: T.ExecStartConfig): Promise<StdioSession | undefined> {
    const e = this.get(id);
    if (e.started) throw conflict(`exec ${id} has already been started; create another exec`);
    const rec = this.containers.get(e.containerId);
    const verdict = S.canExec(rec.State.Status, rec.Name);
    if (verdict) throw verdict;
    const tty = options.Tty ?? !!e.config.Tty;
    let proc: RuntimeProcess;
    try {
      proc = await this.deps.runtime.exec(rec.Id, this.processFor(e, tty), tty ? 'tty' : 'pipe');
    } catch (err) {
      const message = (err as Error).message;
      if ((err as { code?: string }).code === 'ENOENT' || /ENOENT/.test(message)) {
        throw invalid(
          `OCI runtime exec failed: exec failed: unable to start container process: exec: "${e.config.Cmd[0]}": executable file not found in $PATH: unknown`,
        );
      }
      throw err;
    }
    e.started = true;
    e.running = true;
    e.pid = proc.pid;
    e.consoleFd = proc.consoleFd;
    this.containers.recordEvent(rec, `exec_start: ${e.config.Cmd.join(' ')}`, { execID: id });
    const session = new ExecSession(proc, tty, !!e.config.AttachStdin && !options.Detach);
    const exited = (proc.exited ?? Promise.resolve({ exitCode: -1, oomKilled: false })).then(async (exit) => {
      await session.drained;
      e.running = false;
      e.exitCode = exit.exitCode;
      this.containers.recordEvent(rec, 'exec_die', { execID: id, exitCode: String(exit.exitCode) });
      session.finish();
    });
    void exited;
    if (options.Detach) {
      session.discard();
      return undefined;
    }
    return session;
  }

  resize(id: string, height: number, width: number): void {
    const e = this.get(id);
    if (!e.running) throw conflict(`exec ${id} is not running`);
    if (e.consoleFd === undefined) throw invalid(`exec ${id} has no terminal to resize`);
    this.deps.calls.setWindowSize(e.consoleFd, height, width);
  }

  /** Forgets the execs of a removed container. */
  forget(containerId: string): void {
    for (const [id, e] of this.execs) if (e.containerId === containerId) this.execs.delete(id);
  }

  /** Runs a command to completion and returns its exit code and output (health checks). */
  async runProbe(
    containerId: string,
    cmd: string[],
    timeoutMs: number,
  ): Promise<{ exitCode: number; output: string }> {
    const { Id } = this.create(containerId, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const e = this.get(Id);
    const rec = this.containers.get(containerId);
    const proc = await this.deps.runtime.exec(rec.Id, this.processFor(e, false), 'pipe');
    e.started = true;
    e.running = true;
    e.pid = proc.pid;
    const chunks: Buffer[] = [];
    proc.stdin?.end();
    proc.stdout?.on('data', (d: Buffer) => chunks.push(d));
    proc.stderr?.on('data', (d: Buffer) => chunks.push(d));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const result = await Promise.race([
      proc.exited ?? Promise.resolve({ exitCode: -1, oomKilled: false }),
      timedOut,
    ]);
    clearTimeout(timer);
    e.running = false;
    this.execs.delete(Id);
    rec.ExecIDs = rec.ExecIDs.filter((x) => x !== Id);
    if (result === 'timeout') {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // gone already
      }
      return { exitCode: -1, output: `Health check exceeded timeout (${timeoutMs / 1000}s)` };
    }
    e.exitCode = result.exitCode;
    return { exitCode: result.exitCode, output: Buffer.concat(chunks).toString('utf8') };
  }
}

/** An exec's stdio as an attach-like session. */
class ExecSession implements StdioSession {
  readonly stdinOpen: boolean;
  readonly ended: Promise<void>;
  readonly drained: Promise<void>;
  private listeners: ((c: OutputChunk) => void)[] = [];
  private early: OutputChunk[] = [];
  private resolveEnded!: () => void;
  private done = false;
  private readonly input?: NodeJS.WritableStream;

  constructor(
    private readonly proc: RuntimeProcess,
    readonly tty: boolean,
    attachStdin: boolean,
  ) {
    this.stdinOpen = attachStdin;
    this.ended = new Promise((r) => (this.resolveEnded = r));
    const ends: Promise<void>[] = [];
    const read = (stream: NodeJS.ReadableStream | undefined, id: 1 | 2): void => {
      if (!stream) return;
      stream.on('data', (d: Buffer) => this.emit({ stream: id, data: d }));
      ends.push(
        new Promise<void>((resolve) => {
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', () => resolve());
        }),
      );
    };
    if (tty && proc.consoleFd !== undefined) {
      const console = new ReadStream(proc.consoleFd);
      read(console, 1);
      this.input = console as unknown as NodeJS.WritableStream;
    } else {
      read(proc.stdout, 1);
      read(proc.stderr, 2);
      this.input = proc.stdin;
      if (!attachStdin) proc.stdin?.end();
    }
    (this.input as Socket | undefined)?.on?.('error', () => undefined);
    this.drained = Promise.all(ends).then(() => undefined);
  }

  private emit(chunk: OutputChunk): void {
    if (this.done) return;
    if (this.listeners.length === 0) this.early.push(chunk);
    for (const l of this.listeners) l(chunk);
  }

  onOutput(listener: (chunk: OutputChunk) => void): void {
    this.listeners.push(listener);
    for (const c of this.early.splice(0)) listener(c);
  }

  writeStdin(data: Buffer): void {
    if (this.stdinOpen && !this.done) this.input?.write(data);
  }

  closeStdin(): void {
    if (!this.stdinOpen) return;
    if (this.tty) this.input?.write(Buffer.from([4]));
    else this.input?.end();
  }

  detach(): void {
    this.finish();
  }

  /** A detached exec: its output goes nowhere, as with `docker exec -d`. */
  discard(): void {
    this.proc.stdout?.resume();
    this.proc.stderr?.resume();
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.resolveEnded();
  }
}
