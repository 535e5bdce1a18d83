// /networks/…
import type { EngineBackend } from '../backend';
import type { Router } from '../router';
import { validateNetworkConnect, validateNetworkCreate } from '../validate';

export const networkListFilters = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'] as const;
const networkPruneFilters = ['until', 'label', 'label!'] as const;

export function registerNetworkRoutes(router: Router, backend: EngineBackend): void {
  const networks = backend.networks;
  router
    .get('/networks', async (ctx) => ctx.json200(await networks.list(ctx.query.filters(networkListFilters))))
    .post('/networks/create', async (ctx) =>
      ctx.send(201, await networks.create(validateNetworkCreate(await ctx.json()))),
    )
    .post('/networks/prune', async (ctx) =>
      ctx.json200(await networks.prune(ctx.query.filters(networkPruneFilters))),
    )
    .get('/networks/:id', async (ctx) => ctx.json200(await networks.inspect(ctx.params.id)))
    .delete('/networks/:id', async (ctx) => {
      await networks.remove(ctx.params.id);
      ctx.empty(204);
    })
    .post('/networks/:id/connect', async (ctx) => {
      await networks.connect(ctx.params.id, validateNetworkConnect(await ctx.json()));
      ctx.empty(200);
    })
    .post('/networks/:id/disconnect', async (ctx) => {
      await networks.disconnect(ctx.params.id, validateNetworkConnect(await ctx.json()));
      ctx.empty(200);
    });
}
