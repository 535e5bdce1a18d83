// Which mode this engine process runs in. Rootless Berth runs as root of its own user namespace
// (launcher.ts); BERTH_ROOTLESS, set by the launcher, holds the user's uid outside it, so state
// goes under that user's XDG directories although getuid() says 0.

/** The variable the launcher sets in the engine's environment inside the namespace. */
export const rootlessEnv = 'BERTH_ROOTLESS';

/** The user's real uid when this process is rootless Berth (inside its namespace), else undefined. */
export function rootlessUid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[rootlessEnv];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The uid whose directories and defaults apply: the user's, rootless or not. */
export function effectiveUserId(env: NodeJS.ProcessEnv = process.env): number {
  return rootlessUid(env) ?? process.getuid?.() ?? 0;
}
