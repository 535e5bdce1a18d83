// Where the extension starts a rootless berthd: in a cgroup of its own, delegated by the user's
// systemd, so that it can give containers limits (docs/rootless.md, "Cgroups: limits and pause").
// Started straight from the extension host, berthd would share the editor's cgroup (an app scope of
// the user's systemd, or a login session's scope that is root's), where no controller can be handed
// on. `systemd-run --user --scope -p Delegate=yes` asks the user's systemd for a delegated scope and
// then execs berthd in place (same pid). planBerthdLaunch() is the decision, pure; the rest reads the
// host and asks systemd-run whether it can make a scope before berthd goes through it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import * as path from 'node:path';

import { findOwnDelegatedCgroup } from '../../../engine/src/runtime/cgroups/delegation';
import { parseProcCgroup } from '../../../engine/src/runtime/cgroups/layout';
import { findProgram } from '../../../engine/src/rootless/programs';
import { readProcs } from '../../../engine/src/runtime/cgroups/files';

export interface LaunchInputs {
  uid: number;
  env: NodeJS.ProcessEnv;
  /** systemd-run's path as found on PATH, or undefined. */
  systemdRun: string | undefined;
  /**
   * This process already runs in a delegated cgroup v2 cgroup that holds no other process: one made
   * for it (a service or scope with Delegate=yes), which berthd, started from here, then uses.
   * The editor's own cgroup is the user's too but shared with the editor's processes, and a cgroup
   * with processes in it cannot hand controllers to berthd's containers.
   */
  delegated: boolean;
  /** Whether $XDG_RUNTIME_DIR/systemd/private (the user manager's own socket) exists. */
  managerSocket: boolean;
  /** Whether $XDG_RUNTIME_DIR/bus (the user's D-Bus, through which systemd-run also finds it) exists. */
  userBus: boolean;
  /** This process runs under the user's systemd (its cgroup is in user@<uid>.service), as a desktop's apps do. */
  underUserManager: boolean;
  /** The user lingers (/var/lib/systemd/linger/<user>): their systemd runs with no one logged in. */
  lingering: boolean;
}

export type BerthdLaunch =
  /** Run `program ...args <berthd command>`. */
  | { kind: 'scope'; program: string; args: string[] }
  /** Run berthd itself; `note` says why it gets no delegated cgroup and how to give it one. */
  | { kind: 'direct'; note?: string };

const fix =
  'start berthd yourself in a delegated cgroup (`systemd-run --user --scope -p Delegate=yes berthd`, ' +
  'docs/rootless.md) before the extension needs it';

/** The line the starter logs when berthd starts without a delegated cgroup of its own. */
export function noDelegationNote(why: string): string {
  return `berthd gets no delegated cgroup of its own, so containers get no limits: ${why}; ${fix}`;
}

/** How berthd should be started for this user on this host. */
export function planBerthdLaunch(input: LaunchInputs, unitSuffix: string): BerthdLaunch {
  // Root's berthd makes its cgroups in the host's tree; a delegated cgroup is used as it is.
  if (input.uid === 0 || input.delegated) return { kind: 'direct' };
  const unavailable = (why: string): BerthdLaunch => ({ kind: 'direct', note: noDelegationNote(why) });
  if (!input.systemdRun) return unavailable('systemd-run is not on PATH (no systemd here to ask for one)');
  // What `systemd-run --user` connects to (checked with systemd 252): $XDG_RUNTIME_DIR/systemd/private,
  // then $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus.
  const runtimeDir = input.env.XDG_RUNTIME_DIR;
  const reachable =
    (runtimeDir !== undefined && runtimeDir !== '' && (input.managerSocket || input.userBus)) ||
    Boolean(input.env.DBUS_SESSION_BUS_ADDRESS);
  if (!reachable) {
    const where = runtimeDir
      ? `neither ${path.join(runtimeDir, 'systemd/private')} nor ${path.join(runtimeDir, 'bus')} exists and DBUS_SESSION_BUS_ADDRESS is unset`
      : 'neither XDG_RUNTIME_DIR nor DBUS_SESSION_BUS_ADDRESS is set';
    return unavailable(
      `no systemd user manager to ask for one (${where}: log in through a systemd session, or run \`loginctl enable-linger\`)`,
    );
  }
  // The user's systemd stops at the last logout (unless the user lingers), and every scope under it
  // with it. An editor in a login session (VS Code's server over SSH) outlives that, and so does a
  // berthd started beside it, with its containers: moving berthd under the user's systemd would
  // stop them when the user logs out.
  if (!input.underUserManager && !input.lingering)
    return unavailable(
      "the editor runs in a login session, outside the user's systemd, which stops at the last logout " +
        'and would take berthd and its containers along (`loginctl enable-linger` keeps it running, ' +
        'and then the extension starts berthd in a delegated scope)',
    );
  return {
    kind: 'scope',
    program: input.systemdRun,
    args: [
      '--user',
      '--scope',
      '--quiet',
      '--collect',
      '--property=Delegate=yes',
      `--unit=berthd-${unitSuffix}`,
      '--description=Berth engine (berthd)',
      '--',
    ],
  };
}

/** A unique tail for the scope's name (berthd-<hex>.scope). */
export function scopeUnitSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** This process's inputs for planBerthdLaunch. */
export function hostLaunchInputs(env: NodeJS.ProcessEnv = process.env): LaunchInputs {
  const uid = process.getuid?.() ?? 0;
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return {
    uid,
    env,
    systemdRun: findProgram('systemd-run', env),
    delegated: uid !== 0 && inOwnDelegatedCgroup(uid),
    managerSocket: Boolean(runtimeDir) && existsSync(path.join(runtimeDir!, 'systemd/private')),
    userBus: Boolean(runtimeDir) && existsSync(path.join(runtimeDir!, 'bus')),
    underUserManager: underUserManager(uid),
    lingering: lingering(),
  };
}

function underUserManager(uid: number): boolean {
  try {
    const own = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8')).get('') ?? '';
    return own.split('/').includes(`user@${uid}.service`);
  } catch {
    return false;
  }
}

function lingering(): boolean {
  try {
    return existsSync(path.join('/var/lib/systemd/linger', userInfo().username));
  } catch {
    return false; // no passwd entry: no name to linger by
  }
}

function inOwnDelegatedCgroup(uid: number): boolean {
  let check;
  try {
    check = findOwnDelegatedCgroup(uid);
  } catch {
    return false;
  }
  if (!check.delegated) return false;
  return readProcs(check.delegated.dir).every((pid) => pid === process.pid);
}

const PROBE_DEADLINE_MS = 15_000;

/**
 * Runs `true` through the scope's systemd-run (without its unit name): resolves undefined when
 * systemd made the scope, else with why not (systemd-run's own message). systemd-run fails before
 * it runs its command when it finds no user manager or the manager refuses the scope, and a
 * detached berthd's early exit could not be told apart from that.
 */
export function probeScope(
  launch: Extract<BerthdLaunch, { kind: 'scope' }>,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const args = launch.args.filter((a) => !a.startsWith('--unit='));
  return new Promise((resolve) => {
    execFile(
      launch.program,
      [...args, 'true'],
      { env, timeout: PROBE_DEADLINE_MS },
      (err, _stdout, stderr) => {
        if (!err) return resolve(undefined);
        const said = stderr.trim().split('\n').filter(Boolean).pop();
        const status = err.killed
          ? `no answer within ${PROBE_DEADLINE_MS / 1000} s`
          : `exit ${err.code ?? err.signal}`;
        resolve(`${launch.program} could not make a scope (${said ? `${said}, ` : ''}${status})`);
      },
    );
  });
}
