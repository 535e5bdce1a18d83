// Network namespaces on the default bridge for build RUN steps, kept for reuse.
//
// Setting up a namespace and its bridge endpoint runs CNI plugins (loopback, bridge, host-local):
// a few exec'd binaries and ~100 ms per step, torn down again after it. A step's processes all die
// with its container (it has its own PID namespace), so once the step ends its namespace holds
// nothing of it but an address: the next step, of this build or another, can take it as it is.
// BuildKit keeps such a pool of namespaces for its RUN steps too. Idle namespaces past `maxIdle`
// are torn down at once; the rest after `idleMs` without use, or when the daemon stops. Endpoints
// are journaled like a container's, so a crash leaves nothing the next start does not clean.
import type { EndpointSettings } from '../../api/types';
import type { StepSandbox } from '../../build/executor';
import type { NetworkNamespace } from '../spec/generate';
import type { NetworkDriver, NetworkRecord } from './driver';

interface Joined {
  id: string;
  sandbox: NetworkNamespace & { kind: 'path' };
  settings: EndpointSettings;
}

export class StepSandboxes {
  private readonly idle: Joined[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly driver: NetworkDriver,
    private readonly network: () => NetworkRecord,
    private readonly maxIdle = 4,
    private readonly idleMs = 60_000,
  ) {}

  /** A namespace joined to the default bridge for one step: a kept one, or a new one. */
  async lease(stepId: string, resolvConf: string): Promise<StepSandbox> {
    const joined = this.idle.pop() ?? (await this.create(stepId));
    let released = false;
    return {
      netns: joined.sandbox.path,
      resolvConf,
      release: async () => {
        if (released) return;
        released = true;
        if (this.idle.length >= this.maxIdle) return this.destroy(joined);
        this.idle.push(joined);
        this.armTimer();
      },
    };
  }

  /** Tears down every idle namespace (the daemon stops). */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    const all = this.idle.splice(0);
    await Promise.all(all.map((j) => this.destroy(j).catch(() => undefined)));
  }

  private async create(id: string): Promise<Joined> {
    const sandbox = await this.driver.createSandbox(id);
    if (sandbox.kind !== 'path') throw new Error(`the bridge driver gave build step ${id} no namespace`);
    try {
      const { settings } = await this.driver.join(this.network(), sandbox, {
        containerId: id,
        containerName: id,
        hostname: id,
        aliases: [],
      });
      return { id, sandbox, settings };
    } catch (err) {
      await this.driver.destroySandbox(id, sandbox).catch(() => undefined);
      throw err;
    }
  }

  private async destroy(joined: Joined): Promise<void> {
    try {
      await this.driver.leave(this.network(), joined.sandbox, joined.settings);
    } finally {
      await this.driver.destroySandbox(joined.id, joined.sandbox);
    }
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), this.idleMs);
    this.timer.unref();
  }
}
