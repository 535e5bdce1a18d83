// The container runtime berthd uses: berth's own OCI runtime library, in-process. Its supervisor
// (a tiny static process per container) waits for the container and records the exit status, so
// a container outlives berthd and a restarted berthd still learns how it ended.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { LifecycleError, NotFoundError, Runtime } from '../../runtime';
import type { Spec } from '../../oci/runtime-spec';
import type { Process, RuntimeSpec } from '../spec/oci-runtime';
import type { ContainerRuntime, RuntimeExit, RuntimeProcess, RuntimeStatus, StdioFd } from './runtime-port';

export class OciRuntime implements ContainerRuntime {
  readonly runtime: Runtime;

  constructor(root: string, onWarning: (message: string) => void) {
    this.runtime = new Runtime({ root });
    this.runtime.on('warning', onWarning);
  }

  async create(
    id: string,
    bundle: string,
    spec: RuntimeSpec,
    stdio: [StdioFd, StdioFd, StdioFd],
  ): Promise<RuntimeProcess> {
    const handle = await this.runtime.create(id, { bundle, spec: spec as Spec, stdio });
    return { pid: handle.pid, consoleFd: handle.consoleFd, exited: handle.exited?.then(toExit) };
  }

  start(id: string): Promise<void> {
    return this.runtime.start(id);
  }

  status(id: string): RuntimeStatus | undefined {
    try {
      return this.runtime.state(id).status;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  kill(id: string, signal: string, all = false): void {
    try {
      this.runtime.kill(id, signal, { all });
    } catch (err) {
      if (err instanceof LifecycleError) throw new Error(`container is not running (${err.status})`);
      throw err;
    }
  }

  delete(id: string, force: boolean): Promise<void> {
    return this.runtime.delete(id, { force });
  }

  async wait(id: string): Promise<RuntimeExit> {
    const exit = toExit(await this.runtime.wait(id));
    try {
      // The supervisor wrote the status when the container exited: that is when it ended.
      exit.exitedAt = statSync(join(this.runtime.root, id, 'exit')).mtime;
    } catch {
      // no status file: the time is unknown
    }
    return exit;
  }

  pause(id: string): void {
    this.runtime.pause(id);
  }

  resume(id: string): void {
    this.runtime.resume(id);
  }

  async exec(id: string, process: Process, stdio: 'pipe' | 'tty'): Promise<RuntimeProcess> {
    const handle = await this.runtime.exec(id, process as Spec['process'] & object, {
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
    return this.runtime.ps(id);
  }

  ids(): string[] {
    return this.runtime.list().map((s) => s.id);
  }
}

function toExit(status: { exitCode: number; oomKilled: boolean }): RuntimeExit {
  return { exitCode: status.exitCode, oomKilled: status.oomKilled };
}
