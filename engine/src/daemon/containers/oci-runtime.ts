// The container runtime berthd uses: berth's own OCI runtime library, in-process. Its supervisor
// (a tiny static process per container) waits for the container and records the exit status, so
// a container outlives berthd and a restarted berthd still learns how it ended. The library loads
// on first need (a container to create or to re-adopt): an idle berthd does not carry it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../../runtime';
import type { CgroupHost } from '../../runtime/cgroups';
import type { LinuxResources, Process, Spec } from '../../oci/runtime-spec';
import type { ContainerRuntime, RuntimeExit, RuntimeProcess, RuntimeStatus, StdioFd } from './runtime-port';

type RuntimeModule = typeof import('../../runtime');

export class OciRuntime implements ContainerRuntime {
  private loaded: { runtime: Runtime; module: RuntimeModule } | undefined;

  constructor(
    private readonly root: string,
    private readonly onWarning: (message: string) => void,
    /** Rootless berthd's delegated cgroup (rootless/cgroup-delegation.ts); else the runtime's own view. */
    private readonly cgroupHost?: CgroupHost,
  ) {}

  async ready(): Promise<void> {
    if (this.loaded) return;
    const module: RuntimeModule = await import('../../runtime/index.js');
    if (this.loaded) return;
    const runtime = new module.Runtime({ root: this.root, cgroupHost: this.cgroupHost });
    runtime.on('warning', this.onWarning);
    this.loaded = { runtime, module };
  }

  private get lib(): { runtime: Runtime; module: RuntimeModule } {
    if (!this.loaded) throw new Error('the runtime library is not loaded yet: call ready() first');
    return this.loaded;
  }

  /** Whether an earlier berthd left containers in the runtime's state dir. */
  hasState(): boolean {
    try {
      return readdirSync(this.root).length > 0;
    } catch {
      return false;
    }
  }

  async create(
    id: string,
    bundle: string,
    spec: Spec,
    stdio: [StdioFd, StdioFd, StdioFd],
  ): Promise<RuntimeProcess> {
    await this.ready();
    const handle = await this.lib.runtime.create(id, { bundle, spec, stdio });
    return { pid: handle.pid, consoleFd: handle.consoleFd, exited: handle.exited?.then(toExit) };
  }

  start(id: string): Promise<void> {
    return this.lib.runtime.start(id);
  }

  status(id: string): RuntimeStatus | undefined {
    if (!this.loaded) return undefined;
    try {
      return this.loaded.runtime.state(id).status;
    } catch (err) {
      if (err instanceof this.loaded.module.NotFoundError) return undefined;
      throw err;
    }
  }

  kill(id: string, signal: string, all = false): void {
    const { runtime, module } = this.lib;
    try {
      runtime.kill(id, signal, { all });
    } catch (err) {
      if (err instanceof module.LifecycleError) throw new Error(`container is not running (${err.status})`);
      throw err;
    }
  }

  delete(id: string, force: boolean): Promise<void> {
    return this.lib.runtime.delete(id, { force });
  }

  async wait(id: string): Promise<RuntimeExit> {
    await this.ready();
    const exit = toExit(await this.lib.runtime.wait(id));
    try {
      // The supervisor wrote the status when the container exited: that is when it ended.
      exit.exitedAt = statSync(join(this.root, id, 'exit')).mtime;
    } catch {
      // no status file: the time is unknown
    }
    return exit;
  }

  pause(id: string): void {
    this.lib.runtime.pause(id);
  }

  resume(id: string): void {
    this.lib.runtime.resume(id);
  }

  update(id: string, resources: LinuxResources): void {
    this.lib.runtime.update(id, resources);
  }

  async exec(id: string, process: Process, stdio: 'pipe' | 'tty'): Promise<RuntimeProcess> {
    await this.ready();
    const handle = await this.lib.runtime.exec(id, process, {
      stdio: stdio === 'tty' ? ['ignore', 'ignore', 'ignore'] : ['pipe', 'pipe', 'pipe'],
    });
    return {
      pid: handle.pid,
      consoleFd: handle.consoleFd,
      exited: handle.exited?.then(toExit),
      stdin: handle.stdin,
      stdout: handle.stdout,
      stderr: handle.stderr,
    };
  }

  pids(id: string): number[] {
    return this.lib.runtime.ps(id);
  }

  ids(): string[] {
    return this.loaded ? this.loaded.runtime.list().map((s) => s.id) : [];
  }
}

function toExit(status: { exitCode: number; oomKilled: boolean }): RuntimeExit {
  return { exitCode: status.exitCode, oomKilled: status.oomKilled };
}
