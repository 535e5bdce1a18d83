// POST /build: the classic builder endpoint over Berth's image builder. The context tar is built
// by buildFromContextTar and reported as Docker's classic JSON stream; a failed build ends the
// stream with an errorDetail line, as dockerd does. RUN steps run through a runtime of their own
// (state under <exec-root>/build), on the default bridge network unless --network says otherwise; base images are pulled through the daemon's image service with
// the credentials the client sent (X-Registry-Config).
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BuildOptions, ProgressSink } from '../api/backend';
import type { AuthConfig } from '../api/types';
import type { NetworkMode } from '../build';
import { formatPlatform, parsePlatform } from '../oci/platform';
import { parseReference } from '../oci/reference';
import { resolvConf } from '../network/etc-files';
import type { CgroupHost } from '../runtime/cgroups';
import { invalid } from './errors';
import type { Builder, Daemon } from './daemon';

function networkMode(mode: string | undefined): NetworkMode {
  if (!mode || mode === 'default' || mode === 'bridge') return 'default';
  if (mode === 'none' || mode === 'host') return mode;
  throw invalid(`invalid networkmode "${mode}" for a build: use default, none or host`);
}

/** Credentials for a registry from X-Registry-Config (keys may be URLs, as the docker CLI sends them). */
function authFor(map: Record<string, AuthConfig>, domain: string): AuthConfig | undefined {
  for (const [server, auth] of Object.entries(map)) {
    const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const key = host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
    if (key === domain) return auth;
  }
  return undefined;
}

/** `cgroupHost`: rootless berthd's delegated cgroup (RUN steps go in <delegated>/berth-build/<id>). */
export function classicBuilder(daemon: Daemon, execRoot: string, cgroupHost?: CgroupHost): Builder {
  let executor: Promise<import('../build').StepExecutor> | undefined;
  const build = () => import('../build/index.js');
  const stepExecutor = () =>
    (executor ??= (async () => {
      const [{ RuntimeExecutor }, { Runtime }] = await Promise.all([build(), import('../runtime/index.js')]);
      return new RuntimeExecutor(new Runtime({ root: join(execRoot, 'build'), cgroupHost }));
    })());

  return {
    async build(context: Readable, options: BuildOptions, progress: ProgressSink, signal: AbortSignal) {
      if (options.remote) {
        context.resume();
        throw invalid(
          'building from a remote context (git URL or tarball URL) is not supported: send the context as a tar',
        );
      }
      const { buildFromContextTar, classicError } = await build();
      const [{ linuxMountCalls }] = await Promise.all([import('../runtime/linux/mount.js')]);
      const store = daemon.imageService.store;
      try {
        const result = await buildFromContextTar(
          context,
          {
            dockerfile: options.dockerfile,
            tags: options.tags,
            buildArgs: options.buildArgs,
            ...(options.target ? { target: options.target } : {}),
            noCache: options.noCache,
            pull: options.pull,
            labels: options.labels,
            network: networkMode(options.networkMode),
            ...(options.platform ? { platform: parsePlatform(options.platform) } : {}),
          },
          {
            store,
            executor: await stepExecutor(),
            bridge: daemon.networkService.stepBridge(() =>
              resolvConf({
                host: daemon.options.host.resolvConf(),
                dns: daemon.options.config.dns,
                dnsSearch: [],
                dnsOptions: [],
                hostNetwork: false,
              }),
            ),
            mounts: linuxMountCalls,
            signal,
            pull: (reference, platform) =>
              daemon.imageService.pull(
                reference,
                {
                  platform: formatPlatform(platform),
                  auth: authFor(options.registryAuth, parseReference(reference).domain),
                },
                (m) => {
                  if (!options.quiet && m.status && m.id === undefined) progress({ stream: `${m.status}\n` });
                },
              ),
          },
          (message) => {
            if (options.quiet && 'stream' in message) return;
            progress(message);
          },
        );
        if (options.quiet) progress({ stream: `${result.id}\n` });
        for (const tag of result.tags) daemon.events.publish('image', 'tag', result.id, { name: tag });
      } catch (err) {
        // The build's own failure report (step, Dockerfile line, last output) ends the stream.
        progress(classicError(err));
      }
    },
    async prune() {
      const { BuildCache } = await build();
      const result = new BuildCache(daemon.imageService.store).prune();
      daemon.imageService.store.gc();
      return { CachesDeleted: result.keys, SpaceReclaimed: result.bytesFreed };
    },
  };
}
