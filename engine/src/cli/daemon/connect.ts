// Which daemon the CLI talks to, decided once per command: `-H/--host`, else $BERTH_HOST, else
// $DOCKER_HOST (unix:// only), else berthd's default socket (root: /run/berth/berth.sock; a normal
// user: $XDG_RUNTIME_DIR/berth/berth.sock). Container verbs need it; image, build and run verbs
// fall back to working in-process when no daemon answers at the default socket (as podman does
// without its service), but never when the user named a host: then its error is the answer.
import { defaultConfig } from '../../daemon/config';
import { type DaemonApi, UnixDaemonClient } from './client';

export class DaemonConnector {
  private pinged: Promise<UnixDaemonClient | Error> | undefined;
  readonly socketPath: string;
  /** The user named the host: no in-process fallback. */
  readonly explicit: boolean;

  constructor(
    hostFlag: string | undefined,
    /** `--root` names a state dir: work on it in-process unless the user also named a host. */
    private readonly options: { inProcess?: boolean } = {},
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const named = hostFlag ?? (env.BERTH_HOST || undefined) ?? (env.DOCKER_HOST || undefined);
    this.explicit = named !== undefined;
    this.socketPath = named === undefined ? defaultConfig(env).socket : socketPathOf(named);
  }

  /** The daemon; rejects with what to do when none answers. */
  async daemon(): Promise<DaemonApi> {
    const result = await this.ping();
    if (result instanceof Error) throw result;
    return result;
  }

  /** The daemon when one answers (or the user named one), else undefined: work in-process. */
  async daemonIfRunning(): Promise<DaemonApi | undefined> {
    if (this.options.inProcess && !this.explicit) return undefined;
    const result = await this.ping();
    if (result instanceof Error) {
      if (this.explicit) throw result;
      return undefined;
    }
    return result;
  }

  private ping(): Promise<UnixDaemonClient | Error> {
    this.pinged ??= (async () => {
      const client = new UnixDaemonClient(this.socketPath);
      try {
        await client.ping();
        return client;
      } catch (err) {
        return err as Error;
      }
    })();
    return this.pinged;
  }
}

function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new Error(
    `the engine host "${host}" is not a Unix socket: berth talks to engines over unix:///path/to.sock only`,
  );
}
