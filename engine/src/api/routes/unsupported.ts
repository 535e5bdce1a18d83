// Engine API areas Berth does not offer (swarm, plugins, sessions): clear answers instead of 404s,
// so a client says why rather than "page not found".
import { EngineError } from '../../daemon/errors';
import type { Router } from '../router';

const swarmMessage =
  'This node is not a swarm manager. Berth runs single-host containers; swarm mode is not supported.';

export function registerUnsupportedRoutes(router: Router): void {
  const swarm = (): never => {
    throw new EngineError('unavailable', swarmMessage);
  };
  for (const area of ['swarm', 'nodes', 'services', 'tasks', 'secrets', 'configs']) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      router.on(method, `/${area}`, swarm).on(method, `/${area}/*rest`, swarm);
    }
  }
  router.get('/plugins', (ctx) => ctx.json200([]));
  const plugins = (): never => {
    throw new EngineError('not-implemented', 'plugins are not supported by Berth');
  };
  for (const method of ['GET', 'POST', 'DELETE']) router.on(method, '/plugins/*rest', plugins);
  router.post('/session', () => {
    throw new EngineError(
      'not-implemented',
      'BuildKit sessions are not supported: build with the classic builder (DOCKER_BUILDKIT=0)',
    );
  });
}
