// The whole Engine API route table.
import type { EngineBackend } from './backend';
import { Router } from './router';
import { registerContainerRoutes } from './routes/containers';
import { registerExecRoutes } from './routes/exec';
import { registerImageRoutes } from './routes/images';
import { registerNetworkRoutes } from './routes/networks';
import { registerSystemRoutes } from './routes/system';
import { registerVolumeRoutes } from './routes/volumes';
import { registerUnsupportedRoutes } from './routes/unsupported';

export function engineRouter(backend: EngineBackend): Router {
  const router = new Router();
  registerSystemRoutes(router, backend);
  registerContainerRoutes(router, backend);
  registerExecRoutes(router, backend);
  registerImageRoutes(router, backend);
  registerVolumeRoutes(router, backend);
  registerNetworkRoutes(router, backend);
  registerUnsupportedRoutes(router);
  return router;
}
