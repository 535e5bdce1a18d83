// Finding a helper program (newuidmap, systemd-run…) the way a shell would, for the launchers of
// rootless Berth: the engine's (launcher.ts) and the extension's (client/src/engine/scope.ts).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable `name` on PATH, then in `fallbackDirs`; undefined when there is none. */
export function findProgram(
  name: string,
  env: NodeJS.ProcessEnv,
  fallbackDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...fallbackDirs];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}
