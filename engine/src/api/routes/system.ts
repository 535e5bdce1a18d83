// /_ping, /version, /info, /events, /system/df, /auth.
import type { EngineBackend } from '../backend';
import type { RouteContext } from '../context';
import type { Router } from '../router';
import { apiVersion, eventFilters } from '../types';
import { parseTimestamp, validateAuth } from '../validate';
import { streamJsonLines } from './streaming';

function ping(ctx: RouteContext): void {
  const headers = {
    'Api-Version': apiVersion,
    'Builder-Version': '1',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    Swarm: 'inactive',
  };
  if (ctx.req.method === 'HEAD') {
    ctx.headersOnly(200, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 0 });
    return;
  }
  ctx.text(200, 'OK', headers);
}

export function registerSystemRoutes(router: Router, backend: EngineBackend): void {
  const system = backend.system;
  router
    .get('/_ping', ping)
    .head('/_ping', ping)
    .get('/version', async (ctx) => ctx.json200(await system.version()))
    .get('/info', async (ctx) => ctx.json200(await system.info()))
    .get('/system/df', async (ctx) => ctx.json200(await system.df()))
    .post('/auth', async (ctx) => ctx.json200(await system.auth(validateAuth(await ctx.json()))))
    .get('/events', async (ctx) => {
      const options = {
        since: parseTimestamp(ctx.query.string('since'), 'since'),
        until: parseTimestamp(ctx.query.string('until'), 'until'),
        filters: ctx.query.filters(eventFilters),
      };
      await streamJsonLines(ctx, system.events(options, ctx.signal));
    });
}
