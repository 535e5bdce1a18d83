// /images/…, /build, /commit.
import { invalid, notImplemented } from '../../daemon/errors';
import type { EngineBackend } from '../backend';
import type { RouteContext } from '../context';
import type { Router } from '../router';
import type { AuthConfig, ContainerConfig } from '../types';
import { decodeRegistryAuth, validateAuth } from '../validate';
import { streamProgress } from './streaming';

export const imageListFilters = ['before', 'dangling', 'label', 'reference', 'since', 'until'] as const;
const imagePruneFilters = ['dangling', 'until', 'label', 'label!'] as const;

/** `fromImage=busybox&tag=1.36` or `tag=sha256:…` → one reference. */
function pullReference(ctx: RouteContext): string {
  const image = ctx.query.string('fromImage');
  if (!image) throw invalid('missing query parameter "fromImage": the image to pull (e.g. busybox:latest)');
  const tag = ctx.query.string('tag');
  if (!tag) return image;
  return tag.includes(':') ? `${image}@${tag}` : `${image}:${tag}`;
}

/** `X-Registry-Config`: base64 JSON map of server address → credentials (build). */
function registryConfig(ctx: RouteContext): Record<string, AuthConfig> {
  const header = ctx.header('x-registry-config');
  if (!header) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw invalid('invalid X-Registry-Config header: expected base64-encoded JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('invalid X-Registry-Config header');
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, validateAuth(v)]));
}

function stringMap(ctx: RouteContext, name: string): Record<string, string> {
  const value = ctx.query.json<Record<string, string | null>>(name) ?? {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid(`invalid value for "${name}": expected a JSON object`);
  const out: Record<string, string> = {};
  // A null build arg means "take it from the environment", which the daemon has none of: skip it.
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = String(v);
  return out;
}

/** `docker import`: the tarball is the request body (`fromSrc=-`); the answer ends with its id. */
async function importTarball(ctx: RouteContext, images: EngineBackend['images']): Promise<void> {
  const source = ctx.query.string('fromSrc');
  if (source !== '-') {
    ctx.bodyStream().resume();
    throw notImplemented(
      `importing from ${JSON.stringify(source)} is not supported: download the tarball and import it from a file or stdin (docker import FILE or -)`,
    );
  }
  const tarball = ctx.bodyStream();
  await streamProgress(ctx, async (progress) => {
    const { Id } = await images.importTarball(tarball, {
      repo: ctx.query.string('repo') || undefined,
      tag: ctx.query.string('tag') || undefined,
      message: ctx.query.string('message') || undefined,
      changes: ctx.query
        .all('changes')
        .flatMap((c) => c.split('\n'))
        .filter(Boolean),
      platform: ctx.query.string('platform') || undefined,
    });
    progress({ status: Id });
  });
}

export function registerImageRoutes(router: Router, backend: EngineBackend): void {
  const images = backend.images;
  router
    .get('/images/json', async (ctx) =>
      ctx.json200(
        await images.list({
          all: ctx.query.bool('all'),
          filters: ctx.query.filters(imageListFilters),
          digests: ctx.query.bool('digests'),
        }),
      ),
    )
    .post('/images/create', async (ctx) => {
      if (ctx.query.has('fromSrc')) {
        await importTarball(ctx, images);
        return;
      }
      const reference = pullReference(ctx);
      const auth = decodeRegistryAuth(ctx.header('x-registry-auth'));
      const platform = ctx.query.string('platform') || undefined;
      await streamProgress(ctx, (progress) =>
        images.pull(reference, { platform, auth }, progress, ctx.signal),
      );
    })
    .get('/images/search', () => {
      throw notImplemented(
        'image search needs Docker Hub, which Berth does not query; browse your registry instead',
      );
    })
    .post('/images/prune', async (ctx) =>
      ctx.json200(await images.prune(ctx.query.filters(imagePruneFilters))),
    )
    .post('/images/load', async (ctx) => {
      const quiet = ctx.query.bool('quiet');
      await streamProgress(ctx, (progress) =>
        images.load(ctx.bodyStream(), (m) => {
          if (!quiet || m.stream !== undefined || m.error !== undefined) progress(m);
        }),
      );
    })
    .get('/images/get', async (ctx) => {
      const names = ctx.query.all('names');
      if (names.length === 0) throw invalid('missing query parameter "names": the images to save');
      await sendTar(ctx, await images.save(names));
    })
    .get('/images/*name/get', async (ctx) => sendTar(ctx, await images.save([ctx.params.name])))
    .get('/images/*name/json', async (ctx) => ctx.json200(await images.inspect(ctx.params.name)))
    .get('/images/*name/history', async (ctx) => ctx.json200(await images.history(ctx.params.name)))
    .post('/images/*name/push', async (ctx) => {
      const auth = decodeRegistryAuth(ctx.header('x-registry-auth'));
      const tag = ctx.query.string('tag') || undefined;
      await streamProgress(ctx, (progress) => images.push(ctx.params.name, tag, auth, progress, ctx.signal));
    })
    .post('/images/*name/tag', async (ctx) => {
      const repo = ctx.query.string('repo');
      if (!repo) throw invalid('missing query parameter "repo": the repository to tag the image into');
      await images.tag(ctx.params.name, repo, ctx.query.string('tag') || undefined);
      ctx.empty(201);
    })
    .delete('/images/*name', async (ctx) =>
      ctx.json200(
        await images.remove(ctx.params.name, {
          force: ctx.query.bool('force'),
          noprune: ctx.query.bool('noprune'),
        }),
      ),
    )
    .post('/commit', async (ctx) => {
      const container = ctx.query.string('container');
      if (!container) throw invalid('missing query parameter "container": the container to commit');
      const config = await ctx.json<ContainerConfig | Record<string, never>>({});
      ctx.send(
        201,
        await images.commit({
          container,
          repo: ctx.query.string('repo') || undefined,
          tag: ctx.query.string('tag') || undefined,
          comment: ctx.query.string('comment') || undefined,
          author: ctx.query.string('author') || undefined,
          pause: ctx.query.bool('pause', true),
          changes: ctx.query
            .all('changes')
            .flatMap((c) => c.split('\n'))
            .filter(Boolean),
          config: Object.keys(config).length ? (config as ContainerConfig) : undefined,
        }),
      );
    })
    .post('/build', async (ctx) => {
      const options = {
        tags: ctx.query.all('t'),
        dockerfile: ctx.query.string('dockerfile') || 'Dockerfile',
        buildArgs: stringMap(ctx, 'buildargs'),
        target: ctx.query.string('target') || undefined,
        labels: stringMap(ctx, 'labels'),
        noCache: ctx.query.bool('nocache'),
        pull: ctx.query.bool('pull'),
        quiet: ctx.query.bool('q'),
        remove: ctx.query.bool('rm', true),
        forceRemove: ctx.query.bool('forcerm'),
        networkMode: ctx.query.string('networkmode') || undefined,
        platform: ctx.query.string('platform') || undefined,
        registryAuth: registryConfig(ctx),
        remote: ctx.query.string('remote') || undefined,
      };
      await streamProgress(ctx, (progress) => images.build(ctx.bodyStream(), options, progress, ctx.signal));
    })
    .post('/build/prune', async (ctx) => ctx.json200(await images.buildPrune()));
}

async function sendTar(ctx: RouteContext, tar: NodeJS.ReadableStream & { destroy(): void }): Promise<void> {
  const out = ctx.stream('application/x-tar');
  for await (const chunk of tar) {
    if (out.closed) {
      tar.destroy();
      break;
    }
    out.write(chunk as Buffer);
  }
  out.end();
}
