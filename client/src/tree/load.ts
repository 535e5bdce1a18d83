// Fetching what each view shows from the engine and turning it into nodes (tree/nodes.ts). Kept apart
// from the provider so the benchmark measures exactly the refresh a view does.
import type Docker from 'dockerode';

import {
  containerNodes,
  imageNodes,
  networkNodes,
  volumeNodes,
  type EngineNode,
  type ViewName,
} from './nodes';

export interface ViewOptions {
  readonly filter: string;
  readonly showDangling: boolean;
}

export async function loadView(docker: Docker, view: ViewName, options: ViewOptions): Promise<EngineNode[]> {
  switch (view) {
    case 'containers':
      return containerNodes(await docker.listContainers({ all: true }), options.filter);
    case 'images':
      return imageNodes(await docker.listImages({ all: false }), {
        showDangling: options.showDangling,
        filter: options.filter,
        nowMs: Date.now(),
      });
    case 'volumes':
      return volumeNodes((await docker.listVolumes()).Volumes ?? [], options.filter);
    case 'networks':
      return networkNodes(await docker.listNetworks(), options.filter);
  }
}
