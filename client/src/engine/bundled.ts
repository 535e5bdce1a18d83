// Berth's own engine, berthd, started on demand from the extension's bin/berthd: detached, so that
// containers keep running when the editor closes, with its output in a log file the user can open.
// Its pid file and socket sit together in its exec root (berthd's defaults, or berth.engine.execRoot).
// For a normal user it goes through systemd-run into a delegated scope of its own where the user's
// systemd can make one (scope.ts), so that containers get limits.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { berthdNodeSettings } from '../../../engine/src/cli/berthd-node-settings';
import {
  type BerthdLaunch,
  hostLaunchInputs,
  noDelegationNote,
  planBerthdLaunch,
  probeScope,
  scopeUnitSuffix,
} from './scope';
import { pingSocket, waitNearSocket } from './socketWait';

export interface BundledEngineSettings {
  /** berth.engine.dataRoot: images, containers and volumes ('' = berthd's default). */
  readonly dataRoot: string;
  /** berth.engine.execRoot: socket, pid file and runtime state ('' = berthd's default). */
  readonly execRoot: string;
}

const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 20_000;

export class BundledEngine {
  constructor(
    /** The launcher shipped with the extension (bin/berthd). */
    private readonly berthdPath: string,
    /** Where berthd's stdout and stderr go (appended). */
    readonly logFile: string,
  ) {}

  /** The socket berthd listens on for these settings. */
  static socketPath(defaultSocket: string, settings: BundledEngineSettings): string {
    return settings.execRoot ? path.join(settings.execRoot, 'berth.sock') : defaultSocket;
  }

  /** berthd's command line for these settings. */
  static args(socketPath: string, settings: BundledEngineSettings): string[] {
    const args = ['--host', `unix://${socketPath}`];
    if (settings.dataRoot) args.push('--data-root', settings.dataRoot);
    if (settings.execRoot)
      args.push('--exec-root', settings.execRoot, '--pidfile', path.join(settings.execRoot, 'berthd.pid'));
    return args;
  }

  /**
   * Starts berthd and resolves once it answers /_ping on `socketPath`, with the line written to its
   * log when it could not get a delegated cgroup (why, and how to give it one), if any.
   */
  async start(
    socketPath: string,
    settings: BundledEngineSettings,
    signal?: AbortSignal,
  ): Promise<{ cgroupNote?: string }> {
    if (!existsSync(this.berthdPath)) {
      throw new Error(
        `the bundled engine is missing from this installation (${this.berthdPath}): reinstall Berth, ` +
          'or set berth.engine.socket to another engine’s socket',
      );
    }
    mkdirSync(path.dirname(this.logFile), { recursive: true });
    // bin/berthd is a Node script: run it with the editor's own Node (Electron's, in desktop VS
    // Code, which ELECTRON_RUN_AS_NODE turns into plain Node), so no separate Node install is needed.
    // Started with berthd's memory settings (a user's own MALLOC_ARENA_MAX is kept), so that it does
    // not have to re-execute itself to get them.
    const env = { ...berthdNodeSettings.env, ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    const launch = await this.launch(env);
    const cgroupNote = launch.kind === 'direct' ? launch.note : undefined;
    if (cgroupNote) {
      const record = `time=${new Date().toISOString()} level=warn source=extension msg=${JSON.stringify(cgroupNote)}\n`;
      appendFileSync(this.logFile, record);
    }
    const berthd = [
      process.execPath,
      ...berthdNodeSettings.flags,
      this.berthdPath,
      ...BundledEngine.args(socketPath, settings),
    ];
    // Through systemd-run --scope the pid is still berthd's: it execs berthd once the scope exists.
    const [program, ...args] = launch.kind === 'scope' ? [launch.program, ...launch.args, ...berthd] : berthd;
    const log = openSync(this.logFile, 'a');
    let exitedEarly: Promise<never>;
    try {
      const child = spawn(program, args, { detached: true, stdio: ['ignore', log, log], env });
      exitedEarly = new Promise<never>((_, reject) => {
        child.once('error', (err) => reject(new Error(`could not run ${program}: ${err.message}`)));
        child.once('exit', (code, sig) =>
          reject(
            new Error(`berthd exited (${sig ?? `code ${code}`}) before it was ready: ${this.lastLogLines()}`),
          ),
        );
      });
      child.unref();
    } finally {
      closeSync(log);
    }
    await waitNearSocket(socketPath, () => pingSocket(socketPath), {
      deadlineMs: START_DEADLINE_MS,
      what: `berthd to answer on ${socketPath} (its log: ${this.logFile})`,
      failure: exitedEarly,
      signal,
    });
    return { cgroupNote };
  }

  /** Through systemd-run into a delegated scope, when the user's systemd can make one. */
  private async launch(env: NodeJS.ProcessEnv): Promise<BerthdLaunch> {
    const plan = planBerthdLaunch(hostLaunchInputs(env), scopeUnitSuffix());
    if (plan.kind === 'direct') return plan;
    const refused = await probeScope(plan, env);
    return refused ? { kind: 'direct', note: noDelegationNote(refused) } : plan;
  }

  /** Sends SIGTERM to the berthd serving `socketPath` (found by its pid file) and waits for it to exit. */
  async stop(socketPath: string, settings: BundledEngineSettings): Promise<void> {
    const pidFile = settings.execRoot
      ? path.join(settings.execRoot, 'berthd.pid')
      : path.join(path.dirname(socketPath), 'berthd.pid');
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch (err) {
      throw new Error(
        `cannot find the bundled engine's process: ${pidFile} is unreadable (${(err as Error).message})`,
      );
    }
    if (!Number.isInteger(pid) || pid <= 1 || !isBerthd(pid)) {
      throw new Error(`${pidFile} names process ${pid}, which is not a running berthd; nothing was stopped`);
    }
    process.kill(pid, 'SIGTERM');
    await waitNearSocket(socketPath, async () => !isAlive(pid), {
      deadlineMs: STOP_DEADLINE_MS,
      what: `berthd (pid ${pid}) to exit after SIGTERM`,
    });
  }

  /** The end of berthd's log, for error messages. */
  lastLogLines(count = 5): string {
    try {
      const lines = readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
      return lines.slice(-count).join(' | ') || '(its log is empty)';
    } catch {
      return `(no log at ${this.logFile})`;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); /proc says whether it has really gone.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function isBerthd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berthd');
  } catch {
    return false;
  }
}
