// Entry point of dist/client/engine.js: what the extension loads the first time it talks to an
// engine (see lazy.ts). dockerode is the Engine API client, tested by its authors against Docker.
import Docker from 'dockerode';

export { packBuildContext } from '../build/context';

export function createDockerClient(socketPath: string): Docker {
  return new Docker({ socketPath });
}
