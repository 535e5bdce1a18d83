// /volumes/…
import type { EngineBackend } from '../backend';
import type { Router } from '../router';
import { validateVolumeCreate } from '../validate';

export const volumeListFilters = ['dangling', 'driver', 'label', 'name'] as const;
const volumePruneFilters = ['label', 'label!', 'all'] as const;

export function registerVolumeRoutes(router: Router, backend: EngineBackend): void {
  const volumes = backend.volumes;
  router
    .get('/volumes', async (ctx) => ctx.json200(await volumes.list(ctx.query.filters(volumeListFilters))))
    .post('/volumes/create', async (ctx) =>
      ctx.send(201, await volumes.create(validateVolumeCreate(await ctx.json({})))),
    )
    .post('/volumes/prune', async (ctx) =>
      ctx.json200(await volumes.prune(ctx.query.filters(volumePruneFilters))),
    )
    .get('/volumes/:name', async (ctx) => ctx.json200(await volumes.inspect(ctx.params.name)))
    .delete('/volumes/:name', async (ctx) => {
      await volumes.remove(ctx.params.name, ctx.query.bool('force'));
      ctx.empty(204);
    });
}
