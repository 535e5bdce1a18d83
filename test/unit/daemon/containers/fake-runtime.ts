// A fake OCI runtime for the container service's unit tests: each container "runs" a tiny script
// given by its args (echo, exit N, sleep, trap), writes through the FIFOs the service made, and
// exits when told, killed, or done. No namespaces, no root.
import { closeSync, constants, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ContainerRuntime,
  RuntimeExit,
  RuntimeProcess,
  RuntimeStatus,
  StdioFd,
} from '../../../../engine/src/daemon/containers/runtime-port';
import type { LinuxResources, Process, Spec } from '../../../../engine/src/oci/runtime-spec';

interface FakeContainer {
  id: string;
  bundle: string;
  args: string[];
  status: RuntimeStatus;
  pid: number;
  out?: number;
  err?: number;
  exit: (e: RuntimeExit) => void;
  exited: Promise<RuntimeExit>;
}

let nextPid = 40000;

export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, FakeContainer>();
  /** Exit statuses of containers that ended "while berthd was away" (restore tests). */
  readonly recorded = new Map<string, RuntimeExit>();
  readonly signals: [string, string][] = [];

  async ready(): Promise<void> {}

  hasState(): boolean {
    return this.containers.size > 0 || this.recorded.size > 0;
  }

  async create(
    id: string,
    bundle: string,
    spec: Spec,
    stdio: [StdioFd, StdioFd, StdioFd],
  ): Promise<RuntimeProcess> {
    if (this.containers.has(id)) throw new Error(`container ${id} exists`);
    let exit!: (e: RuntimeExit) => void;
    const exited = new Promise<RuntimeExit>((r) => (exit = r));
    // Our own write ends, as the container's process would hold them.
    const open = (name: string): number | undefined =>
      existsSync(join(bundle, name))
        ? openSync(join(bundle, name), constants.O_WRONLY | constants.O_NONBLOCK)
        : undefined;
    const c: FakeContainer = {
      id,
      bundle,
      args: spec.process!.args ?? [],
      status: 'created',
      pid: nextPid++,
      out: typeof stdio[1] === 'number' ? open('stdout') : undefined,
      err: typeof stdio[2] === 'number' ? open('stderr') : undefined,
      exit,
      exited,
    };
    this.containers.set(id, c);
    return { pid: c.pid, exited };
  }

  async start(id: string): Promise<void> {
    const c = this.get(id);
    c.status = 'running';
    const [cmd, ...rest] = c.args;
    if (cmd === 'echo') {
      this.write(id, 'stdout', rest.join(' ') + '\n');
      setImmediate(() => this.finish(id, 0));
    } else if (cmd === 'fail') {
      this.write(id, 'stderr', 'failing\n');
      setImmediate(() => this.finish(id, Number(rest[0] ?? 1)));
    } else if (cmd === 'missing') {
      throw Object.assign(new Error('execve("missing"): ENOENT'), { code: 'ENOENT', call: 'execve' });
    }
    // 'sleep' and 'trap': keep running until killed.
  }

  write(id: string, stream: 'stdout' | 'stderr', text: string): void {
    const c = this.get(id);
    const fd = stream === 'stdout' ? c.out : c.err;
    if (fd !== undefined) writeSync(fd, text);
  }

  finish(id: string, exitCode: number): void {
    const c = this.containers.get(id);
    if (!c || c.status === 'stopped') return;
    c.status = 'stopped';
    for (const fd of [c.out, c.err]) if (fd !== undefined) closeSync(fd);
    c.out = c.err = undefined;
    c.exit({ exitCode, oomKilled: false });
  }

  status(id: string): RuntimeStatus | undefined {
    return this.containers.get(id)?.status ?? (this.recorded.has(id) ? 'stopped' : undefined);
  }

  kill(id: string, signal: string): void {
    const c = this.get(id);
    if (c.status !== 'running' && c.status !== 'paused') throw new Error('container is not running');
    this.signals.push([id, signal]);
    const number = signal === 'SIGKILL' || signal === '9' ? 9 : 15;
    if (c.args[0] === 'trap' && number === 15) {
      setImmediate(() => this.finish(id, Number(c.args[1] ?? 0)));
      return;
    }
    if (c.args[0] === 'trap' || (c.args[0] === 'ignore-term' && number === 15)) return;
    setImmediate(() => this.finish(id, 128 + number));
  }

  async delete(id: string): Promise<void> {
    this.finish(id, 137);
    this.containers.delete(id);
    this.recorded.delete(id);
  }

  async wait(id: string): Promise<RuntimeExit> {
    const c = this.containers.get(id);
    if (c) return c.exited;
    const r = this.recorded.get(id);
    if (r) return r;
    throw new Error(`no such container ${id}`);
  }

  pause(id: string): void {
    this.get(id).status = 'paused';
  }

  resume(id: string): void {
    this.get(id).status = 'running';
  }

  /** The limits each update wrote, in order. */
  readonly updates: { id: string; resources: LinuxResources }[] = [];

  update(id: string, resources: LinuxResources): void {
    this.get(id);
    this.updates.push({ id, resources });
  }

  async exec(_id: string, _p: Process): Promise<RuntimeProcess> {
    throw new Error('exec is not simulated');
  }

  pids(id: string): number[] {
    return [this.get(id).pid];
  }

  ids(): string[] {
    return [...this.containers.keys(), ...this.recorded.keys()];
  }

  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no such container ${id}`);
    return c;
  }
}
