// /containers/{id}/exec and /exec/…
import type { EngineBackend } from '../backend';
import type { Router } from '../router';
import { invalid } from '../../daemon/errors';
import { validateExecConfig, validateExecStart } from '../validate';
import { pipeStdio } from './streaming';

export function registerExecRoutes(router: Router, backend: EngineBackend): void {
  const exec = backend.exec;
  router
    .post('/containers/:id/exec', async (ctx) => {
      ctx.send(201, await exec.create(ctx.params.id, validateExecConfig(await ctx.json())));
    })
    .post('/exec/:id/start', async (ctx) => {
      const options = validateExecStart(await ctx.json({}));
      const session = await exec.start(ctx.params.id, options);
      if (!session) {
        ctx.empty(200);
        return;
      }
      await pipeStdio(ctx, session, undefined);
    })
    .post('/exec/:id/resize', async (ctx) => {
      const h = ctx.query.int('h');
      const w = ctx.query.int('w');
      if (h === undefined || w === undefined) throw invalid('missing query parameters "h" and "w"');
      await exec.resize(ctx.params.id, h, w);
      ctx.empty(200);
    })
    .get('/exec/:id/json', async (ctx) => ctx.json200(await exec.inspect(ctx.params.id)));
}
