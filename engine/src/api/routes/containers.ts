// /containers/…: thin handlers, each parses the request, calls the backend once and renders.
import { invalid } from '../../daemon/errors';
import type { EngineBackend, WaitCondition } from '../backend';
import type { RouteContext } from '../context';
import { frame, multiplexedStreamType, rawStreamType } from '../framing';
import type { Router } from '../router';
import { parseTimestamp, validateCreateRequest, validateUpdate } from '../validate';
import { pipeStdio, streamJsonLines } from './streaming';

export const containerListFilters = [
  'ancestor',
  'before',
  'expose',
  'exited',
  'health',
  'id',
  'isolation',
  'is-task',
  'label',
  'name',
  'network',
  'publish',
  'since',
  'status',
  'volume',
] as const;

const pruneFilters = ['until', 'label', 'label!'] as const;
const waitConditions: readonly WaitCondition[] = ['not-running', 'next-exit', 'removed'];

function requiredInt(ctx: RouteContext, name: string): number {
  const v = ctx.query.int(name);
  if (v === undefined) throw invalid(`missing query parameter "${name}"`);
  return v;
}

function stopTimeout(ctx: RouteContext): number | undefined {
  return ctx.query.int('t') ?? ctx.query.int('timeout');
}

/** Stat of a path in a container, as `docker cp` reads it from a header. */
function statHeader(stat: unknown): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

export function registerContainerRoutes(router: Router, backend: EngineBackend): void {
  const containers = backend.containers;
  router
    .get('/containers/json', async (ctx) => {
      const list = await containers.list({
        all: ctx.query.bool('all'),
        limit: ctx.query.int('limit'),
        size: ctx.query.bool('size'),
        filters: ctx.query.filters(containerListFilters),
      });
      ctx.json200(list);
    })
    .post('/containers/create', async (ctx) => {
      const request = validateCreateRequest(await ctx.json());
      const name = ctx.query.string('name') || undefined;
      ctx.send(201, await containers.create(name, request, ctx.query.string('platform') || undefined));
    })
    .post('/containers/prune', async (ctx) =>
      ctx.json200(await containers.prune(ctx.query.filters(pruneFilters))),
    )
    .get('/containers/:id/json', async (ctx) =>
      ctx.json200(await containers.inspect(ctx.params.id, ctx.query.bool('size'))),
    )
    .get('/containers/:id/top', async (ctx) =>
      ctx.json200(await containers.top(ctx.params.id, ctx.query.string('ps_args'))),
    )
    .get('/containers/:id/logs', async (ctx) => {
      const stdout = ctx.query.bool('stdout');
      const stderr = ctx.query.bool('stderr');
      if (!stdout && !stderr) throw invalid('Bad parameters: you must choose at least one stream');
      const tailParam = ctx.query.string('tail');
      let tail: number | undefined;
      if (tailParam !== undefined && tailParam !== '' && tailParam !== 'all') {
        if (!/^\d+$/.test(tailParam)) throw invalid(`invalid value for "tail": ${JSON.stringify(tailParam)}`);
        tail = Number(tailParam);
      }
      const timestamps = ctx.query.bool('timestamps');
      const { tty, entries } = await containers.logs(
        ctx.params.id,
        {
          stdout,
          stderr,
          follow: ctx.query.bool('follow'),
          since: parseTimestamp(ctx.query.string('since'), 'since') ?? 0,
          until: parseTimestamp(ctx.query.string('until'), 'until') ?? 0,
          tail,
        },
        ctx.signal,
      );
      const out = ctx.stream(tty ? rawStreamType : multiplexedStreamType);
      try {
        for await (const entry of entries) {
          if (out.closed) break;
          const data = timestamps ? Buffer.concat([Buffer.from(entry.time + ' '), entry.data]) : entry.data;
          out.write(tty ? data : frame(entry.stream === 'stdout' ? 1 : 2, data));
        }
      } finally {
        out.end();
      }
    })
    .get('/containers/:id/changes', async (ctx) => ctx.json200(await containers.changes(ctx.params.id)))
    .get('/containers/:id/export', async (ctx) => {
      const tar = await containers.export(ctx.params.id);
      const out = ctx.stream('application/x-tar');
      for await (const chunk of tar) {
        if (out.closed) {
          tar.destroy();
          break;
        }
        out.write(chunk as Buffer);
      }
      out.end();
    })
    .get('/containers/:id/stats', async (ctx) => {
      const stream = ctx.query.bool('stream', true) && !ctx.query.bool('one-shot');
      const stats = containers.stats(ctx.params.id, stream, ctx.signal);
      if (stream) {
        await streamJsonLines(ctx, stats);
        return;
      }
      for await (const s of stats) {
        ctx.json200(s);
        return;
      }
    })
    .post('/containers/:id/resize', async (ctx) => {
      await containers.resize(ctx.params.id, requiredInt(ctx, 'h'), requiredInt(ctx, 'w'));
      ctx.empty(200);
    })
    .post('/containers/:id/start', async (ctx) => {
      await containers.start(ctx.params.id, ctx.query.string('detachKeys'));
      ctx.empty(204);
    })
    .post('/containers/:id/stop', async (ctx) => {
      await containers.stop(ctx.params.id, ctx.query.string('signal') || undefined, stopTimeout(ctx));
      ctx.empty(204);
    })
    .post('/containers/:id/restart', async (ctx) => {
      await containers.restart(ctx.params.id, ctx.query.string('signal') || undefined, stopTimeout(ctx));
      ctx.empty(204);
    })
    .post('/containers/:id/kill', async (ctx) => {
      await containers.kill(ctx.params.id, ctx.query.string('signal') || undefined);
      ctx.empty(204);
    })
    .post('/containers/:id/update', async (ctx) =>
      ctx.json200(await containers.update(ctx.params.id, validateUpdate(await ctx.json()))),
    )
    .post('/containers/:id/rename', async (ctx) => {
      const name = ctx.query.string('name');
      if (!name) throw invalid('missing query parameter "name": the new name of the container');
      await containers.rename(ctx.params.id, name);
      ctx.empty(204);
    })
    .post('/containers/:id/pause', async (ctx) => {
      await containers.pause(ctx.params.id);
      ctx.empty(204);
    })
    .post('/containers/:id/unpause', async (ctx) => {
      await containers.unpause(ctx.params.id);
      ctx.empty(204);
    })
    .post('/containers/:id/attach', async (ctx) => {
      const detachKeys = ctx.query.string('detachKeys');
      // A request body is not stdin: dockerode sends its attach options as JSON there, which
      // dockerd drops with the connection's buffer when it hijacks.
      if (Number(ctx.header('content-length') ?? 0) > 0) await ctx.body();
      const session = await containers.attach(ctx.params.id, {
        stdin: ctx.query.bool('stdin'),
        stdout: ctx.query.bool('stdout'),
        stderr: ctx.query.bool('stderr'),
        logs: ctx.query.bool('logs'),
        stream: ctx.query.bool('stream'),
        detachKeys,
      });
      await pipeStdio(ctx, session, detachKeys);
    })
    .post('/containers/:id/wait', async (ctx) => {
      const condition = (ctx.query.string('condition') || 'not-running') as WaitCondition;
      if (!waitConditions.includes(condition)) {
        throw invalid(
          `invalid condition ${JSON.stringify(condition)}: use not-running, next-exit or removed`,
        );
      }
      const { result } = await containers.wait(ctx.params.id, condition, ctx.signal);
      // Headers now: the docker CLI starts the container once it sees them.
      const out = ctx.stream('application/json');
      const response = await result.catch((err: Error) => ({
        StatusCode: -1,
        Error: { Message: err.message },
      }));
      out.write(JSON.stringify(response) + '\n');
      out.end();
    })
    .delete('/containers/:id', async (ctx) => {
      await containers.remove(ctx.params.id, {
        force: ctx.query.bool('force'),
        volumes: ctx.query.bool('v'),
        link: ctx.query.bool('link'),
      });
      ctx.empty(204);
    })
    .head('/containers/:id/archive', async (ctx) => {
      const path = archivePath(ctx);
      const stat = await containers.archiveStat(ctx.params.id, path);
      ctx.headersOnly(200, { 'X-Docker-Container-Path-Stat': statHeader(stat), 'Content-Length': 0 });
    })
    .get('/containers/:id/archive', async (ctx) => {
      const { stat, tar } = await containers.archiveGet(ctx.params.id, archivePath(ctx));
      const out = ctx.stream('application/x-tar', 200, { 'X-Docker-Container-Path-Stat': statHeader(stat) });
      for await (const chunk of tar) {
        if (out.closed) {
          tar.destroy();
          break;
        }
        out.write(chunk as Buffer);
      }
      out.end();
    })
    .put('/containers/:id/archive', async (ctx) => {
      await containers.archivePut(ctx.params.id, archivePath(ctx), ctx.bodyStream(), {
        noOverwriteDirNonDir: ctx.query.bool('noOverwriteDirNonDir'),
        copyUIDGID: ctx.query.bool('copyUIDGID'),
      });
      ctx.empty(200);
    });
}

function archivePath(ctx: RouteContext): string {
  const path = ctx.query.string('path');
  if (!path) throw invalid('missing query parameter "path": the path inside the container');
  return path;
}
