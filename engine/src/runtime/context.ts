// What the lifecycle operations share: the state store, the kernel interfaces, the host's cgroup
// layout and capabilities, logging, and the waits that must not block the event loop.
import { readFileSync } from 'node:fs';
import type { Cgroup } from './cgroups';
import type { CgroupHost } from './cgroups';
import { noCgroupHost, readCgroupHost } from './cgroups';
import type { InitHelper } from './linux/helper';
import { startHelper, Zygote } from './linux/helper';
import type { HostSyscalls } from './linux/host';
import { inUserNamespace, userNamespace } from './linux/userns';
import type { StateStore } from './state';

export interface RuntimeLog {
  debug(message: string): void;
  warn(message: string): void;
}

export class RuntimeContext {
  private cgroups?: CgroupHost;
  private capabilities?: bigint;
  private lastCapability?: number;
  readonly isRoot = process.getuid?.() === 0;
  /** Root of a user namespace (rootless Berth): no mknod, no host cgroups, only mapped ids. */
  readonly inUserNamespace = inUserNamespace();
  /** False in a user namespace made without newgidmap ("deny" in /proc/self/setgroups). */
  readonly setgroupsAllowed = userNamespace().setgroupsAllowed;
  /** Forks berth-init helpers for a long-lived runtime; one-shot callers (the CLI) start their own. */
  private readonly zygote?: Zygote;
  readonly seccompCompiler: 'auto' | 'berth';

  constructor(
    readonly store: StateStore,
    readonly host: HostSyscalls,
    readonly log: RuntimeLog,
    options: { cgroupHost?: CgroupHost; zygote: boolean; seccompCompiler?: 'auto' | 'berth' },
  ) {
    this.cgroups = options.cgroupHost;
    this.seccompCompiler = options.seccompCompiler ?? 'auto';
    if (options.zygote) this.zygote = new Zygote(host);
  }

  /** A berth-init helper waiting for a program. */
  helper(): InitHelper {
    return this.zygote ? this.zygote.take() : startHelper(this.host);
  }

  close(): Promise<void> {
    return this.zygote?.close() ?? Promise.resolve();
  }

  /**
   * The cgroups containers go in. In a user namespace the host's cgroups are not ours to write:
   * none, unless the caller passes a subtree delegated to the user (rootless berthd does).
   */
  cgroupHost(): CgroupHost {
    return (this.cgroups ??= this.inUserNamespace ? noCgroupHost() : readCgroupHost());
  }

  /** The capabilities this process holds: the most a container can get from us. */
  ownCapabilities(): bigint {
    if (this.capabilities === undefined) {
      const status = readFileSync('/proc/self/status', 'utf8');
      const hex = /^CapPrm:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
      this.capabilities = BigInt(`0x${hex}`);
    }
    return this.capabilities;
  }

  lastCap(): number {
    return (this.lastCapability ??= Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim()));
  }

  /**
   * The pty master the container's init sends over `consoleParent`: handed on to `consoleSocket`
   * when the caller gave one (and closed here), else returned for the caller to keep.
   */
  takeConsole(consoleParent: number, consoleSocket: string | undefined): number | undefined {
    const master = this.host.recvFd(consoleParent, 5000);
    if (!consoleSocket) return master;
    try {
      this.sendConsole(consoleSocket, master);
    } finally {
      this.host.close(master);
    }
    return undefined;
  }

  /** The console-socket protocol: the pty master goes to the caller's socket with SCM_RIGHTS. */
  private sendConsole(socketPath: string, master: number): void {
    const sock = this.host.connectUnix(socketPath);
    try {
      this.host.sendFds(sock, [master], Buffer.from('/dev/ptmx'));
    } finally {
      this.host.close(sock);
    }
  }

  /** Waits (up to `timeoutMs`) until `pid` and every process in the cgroup has exited. */
  async waitGone(cgroup: Cgroup, pid: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pids = new Set(cgroup.procs());
      if (pid > 0) pids.add(pid);
      let waited = false;
      for (const p of pids) {
        let pidfd: number;
        try {
          pidfd = this.host.pidfdOpen(p);
        } catch {
          continue; // already gone
        }
        try {
          waited = true;
          const left = deadline - Date.now();
          if (left <= 0 || !(await this.host.waitReadableAsync(pidfd, left))) {
            throw new Error(`process ${p} did not exit within ${timeoutMs} ms`);
          }
        } finally {
          this.host.close(pidfd);
        }
      }
      if (!waited) return;
      pid = -1;
    }
  }

  /** Removes a cgroup once its processes are gone. */
  async destroyCgroup(cgroup: Cgroup): Promise<void> {
    await this.waitGone(cgroup, -1);
    cgroup.destroy();
  }
}
