// What bin/berth and bin/berthd do before loading their bundle, in a bundle of its own that loads in
// a few milliseconds: steps that either must come before Node settles (berthd's re-execution with
// memory settings) or make the bundle's load unnecessary in this process.
//
// The rootless gate: a normal user's `berth` runs its in-process engine as root of a user namespace,
// which it enters by becoming berth-userns (rootless/launcher.ts) and starting again inside. Deciding
// that after the CLI bundle has loaded costs a second full load (~65 ms of a rootless command's
// ~110 ms overhead), so bin/berth asks enterUserNamespaceEarly first. It answers only the clear
// case — no daemon can be meant: no host named and no socket at berthd's default path — and leaves
// every other case (a daemon, flags it does not know, help, a host where user namespaces are
// blocked) to the CLI, which decides the same way with the whole picture.
import { existsSync } from 'node:fs';
export { berthdNodeSettings } from './berthd-node-settings';
import { defaultConfig } from '../daemon/config';
import { globalFlags } from './global-flags';
import { rootlessEnv } from '../rootless/mode';
import { inUserNamespace } from '../runtime/linux/userns';

/** The global flags that take a value, as written: the verb is the first word after them. */
const valueFlags = new Set(
  globalFlags
    .filter((f) => f.type !== 'boolean')
    .flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]),
);

export interface GlobalWords {
  verb: string | undefined;
  root: boolean;
  host: string | undefined;
}

/** The global flags and the verb of a berth command line, or undefined when it is not plain. */
export function readGlobalWords(argv: readonly string[]): GlobalWords | undefined {
  let root = false;
  let host: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('-') || word === '-') return { verb: word, root, host };
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (!valueFlags.has(name)) return undefined; // --help, --version, or a flag for the CLI to refuse
    const value = eq < 0 ? argv[++i] : word.slice(eq + 1);
    if (value === undefined) return undefined;
    if (name === '--root') root = true;
    if (name === '--host' || name === '-H') host = value;
  }
  return { verb: undefined, root, host };
}

/** Whether the command can only mean the in-process engine: no daemon named, none at the default socket. */
export function surelyInProcess(
  words: GlobalWords | undefined,
  env: NodeJS.ProcessEnv,
  uid = process.getuid!(),
): boolean {
  if (!words?.verb) return false;
  if (words.host !== undefined || env.BERTH_HOST || env.DOCKER_HOST) return false;
  return words.root || !existsSync(defaultConfig(env, uid).socket);
}

/**
 * Becomes berth-userns running this command line inside the user's namespace when a normal user's
 * command surely runs in-process; returns, having done nothing, in every other case.
 */
export function enterUserNamespaceEarly(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (process.getuid?.() === 0 || env[rootlessEnv] !== undefined || inUserNamespace()) return;
  if (!surelyInProcess(readGlobalWords(argv), env)) return;
  // Loaded only now: it brings koffi (for execve), which a command for a daemon never needs here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const launcher = require('../rootless/launcher') as typeof import('../rootless/launcher');
  let launch;
  try {
    launch = launcher.prepareUserNamespace(env);
  } catch {
    return; // the CLI reports it, where it applies to the command
  }
  launcher.replaceWithUserNamespace(launch);
}

/**
 * Replaces this process (execve: the same pid, open files and arguments) with Node started with
 * `env` added and `flags` before the script, keeping what is already set: an env variable already
 * present, a flag whose name is already among Node's arguments. Returns when nothing is missing,
 * or when re-executing fails (the caller then runs as it is).
 */
export function reexecWithNodeSettings(wanted: { env: Record<string, string>; flags: string[] }): void {
  const env = Object.fromEntries(Object.entries(wanted.env).filter(([k]) => process.env[k] === undefined));
  const flags = wanted.flags.filter(
    (f) => !process.execArgv.some((given) => given.split('=')[0] === f.split('=')[0]),
  );
  if (Object.keys(env).length === 0 && flags.length === 0) return;
  const argv = [process.execPath, ...process.execArgv, ...flags, ...process.argv.slice(1)];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { replaceProcess } = require('../runtime/linux/execve') as typeof import('../runtime/linux/execve');
    replaceProcess(process.execPath, argv, { ...process.env, ...env });
  } catch {
    // not glibc, or no koffi: run as it is
  }
}
