// Rootless Berth: berthd and berth, started by a normal user, run again as root of a user
// namespace made by berth-userns (berth-userns.c), a single-threaded helper — Node cannot make one
// itself. Inside, the engine works as it does as root, within what the namespace allows (see
// runtime/linux/userns.ts); BERTH_ROOTLESS (mode.ts) tells it which mode it is in.
import type * as ChildProcess from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { replaceProcess } from '../runtime/linux/execve';
import { inUserNamespace } from '../runtime/linux/userns';
import { rootlessEnv, rootlessUid } from './mode';
import { mapArgument, type MappingPlan, planMapping, singleMappingLimits } from './idmap';
import { probeFailure, readUserNamespaceSysctls, sysctlBlocker } from './preflight';
import { findProgram } from './programs';

/** A problem that keeps Berth from running rootless, with the fix in its message. */
export class RootlessError extends Error {
  override name = 'RootlessError';
}

/** True when this process must enter a user namespace first: a normal user, not yet inside one. */
export function needsUserNamespace(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.getuid?.() === 0) return false;
  if (rootlessUid(env) !== undefined) {
    throw new RootlessError(
      `${rootlessEnv} is set but this process is not root of a user namespace (uid ${process.getuid?.()}): ` +
        `unset ${rootlessEnv} and start it again`,
    );
  }
  return !inUserNamespace();
}

/** berth-userns, next to berth-init: out/native in a checkout, dist/native in the .vsix. */
export function usernsHelperPath(): string {
  const fromEnv = process.env.BERTH_USERNS;
  if (fromEnv) return fromEnv;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    for (const candidate of [join(dir, 'out/native/berth-userns'), join(dir, 'dist/native/berth-userns')]) {
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, 'package.json'))) break;
  }
  throw new RootlessError(
    'berth-userns was not found: run `npm run build` (it compiles engine/src/rootless/berth-userns.c), or set BERTH_USERNS',
  );
}

const uidmapDirs = ['/usr/bin', '/usr/sbin', '/bin'];

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function loginName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // no passwd entry: subuid files can still name the uid
  }
}

/** The id mapping for this user on this host. */
export function hostMappingPlan(env: NodeJS.ProcessEnv = process.env): MappingPlan {
  return planMapping({
    uid: process.getuid!(),
    gid: process.getgid!(),
    user: loginName(),
    subuid: readOptional('/etc/subuid'),
    subgid: readOptional('/etc/subgid'),
    // Also in /usr/bin and /usr/sbin, where Debian puts uidmap's tools, when PATH lacks them.
    newuidmap: findProgram('newuidmap', env, uidmapDirs),
    newgidmap: findProgram('newgidmap', env, uidmapDirs),
  });
}

/**
 * Where berth-userns's keeper (the process that holds the user and mount namespaces between
 * berthd runs, see berth-userns.c) is named: next to berthd's socket, in the user's runtime directory.
 */
export function keeperPidFile(env: NodeJS.ProcessEnv = process.env, uid = process.getuid!()): string {
  return join(env.XDG_RUNTIME_DIR || `/tmp/berth-run-${uid}`, 'berth', 'userns.pid');
}

function helperArgs(plan: MappingPlan): string[] {
  const args = ['--uid-map', mapArgument(plan.uidMap), '--gid-map', mapArgument(plan.gidMap)];
  if (plan.helpers) args.push('--newuidmap', plan.helpers.newuidmap, '--newgidmap', plan.helpers.newgidmap);
  return args;
}

export interface UserNamespaceLaunch {
  helper: string;
  /** berth-userns's arguments, up to and including "--" (the command follows). */
  args: string[];
  env: NodeJS.ProcessEnv;
  plan: MappingPlan;
}

/**
 * Checks that this host lets us make a user namespace (naming the fix when it does not) and
 * prepares berth-userns's command line.
 */
export function prepareUserNamespace(env: NodeJS.ProcessEnv = process.env): UserNamespaceLaunch {
  const sysctls = readUserNamespaceSysctls();
  const blocker = sysctlBlocker(sysctls);
  if (blocker) throw new RootlessError(blocker);
  const helper = usernsHelperPath();
  const plan = hostMappingPlan(env);
  const args = helperArgs(plan);
  // AppArmor's restriction shows only once the namespace exists: try one (a few ms) where it is on.
  if (sysctls.apparmorRestrict === 1) {
    // Loaded here only: node:child_process is not needed by a command that does not get this far.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require('node:child_process') as typeof ChildProcess;
    const probe = spawnSync(helper, [...args, '--probe'], { encoding: 'utf8' });
    if (probe.status !== 0)
      throw new RootlessError(probeFailure(sysctls, helper, probe.stderr || `exit ${probe.status}`));
  }
  // berthd and berth share one user namespace, kept between runs: a restarted berthd can still
  // reach the containers the last one left running.
  const keeper = keeperPidFile(env);
  mkdirSync(dirname(keeper), { recursive: true, mode: 0o700 });
  return {
    helper,
    args: [...args, '--keeper', keeper, '--'],
    env: { ...env, [rootlessEnv]: String(process.getuid!()) },
    plan,
  };
}

/** This process becomes berth-userns running the same command line inside the namespace. */
export function replaceWithUserNamespace(launch: UserNamespaceLaunch): never {
  const command = [process.execPath, ...process.execArgv, process.argv[1], ...process.argv.slice(2)];
  return replaceProcess(launch.helper, [launch.helper, ...launch.args, ...command], launch.env);
}

/**
 * Started by a normal user: this process becomes berth-userns, which runs the same command line
 * again as root of a user namespace and stays as its supervisor (signals reach the command; it
 * exits as the command does). Returns only on failure, with the exit status to end with.
 */
export function enterUserNamespace(program: string, options: { warn?: boolean } = {}): number {
  try {
    const launch = prepareUserNamespace();
    if (options.warn && launch.plan.kind === 'single') {
      process.stderr.write(
        `${program}: warning: rootless with a single-id mapping, because ${launch.plan.reason}: ${singleMappingLimits}\n`,
      );
    }
    replaceWithUserNamespace(launch);
  } catch (err) {
    const prefix = err instanceof RootlessError ? 'cannot run rootless: ' : '';
    process.stderr.write(`${program}: ${prefix}${(err as Error).message}\n`);
    return 125;
  }
}
