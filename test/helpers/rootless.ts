// Set-up shared by the rootless engine suites (test/engine/rootless/): Berth runs as an unprivileged
// user (`berth-rootless`, made by .ci/rootless-user with subordinate ids) through `runuser`, from a
// copy of the built engine that user can read, with its own HOME and XDG_RUNTIME_DIR under a temp
// dir. The suites themselves run as root only to switch users and to look at the host's view.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerBin } from './berthd';
import { makeBusyboxLayout, skopeoPush } from './busybox-image';
import { haveBusybox } from './busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from './registry';

const repo = join(__dirname, '../../..');
export const rootlessUser = process.env.BERTH_ROOTLESS_USER || 'berth-rootless';

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export function lookupUser(name: string): { uid: number; gid: number } | undefined {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim();
  return { uid: Number(r.stdout.trim()), gid: Number(gid) };
}

/** Why the rootless suites cannot run here (with what to do), or undefined. */
export function rootlessBlocked(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (to run Berth as the unprivileged test user)';
  if (!lookupUser(rootlessUser))
    return `needs the user ${rootlessUser} with subordinate ids: run .ci/rootless-user as root`;
  if (!haveBusybox() || !haveRegistry())
    return 'needs busybox-static, docker-registry and skopeo (apt, see .ci/setup)';
  if (!existsSync('/usr/bin/newuidmap')) return 'needs newuidmap and newgidmap (apt-get install uidmap)';
  if (
    !existsSync(join(repo, 'dist/engine/cli/berth.js')) ||
    !existsSync(join(repo, 'dist/engine/cli/berthd.js')) ||
    !existsSync(join(repo, 'out/native/berth-userns'))
  )
    return 'needs a build (npm run build)';
  return undefined;
}

/** A work dir the test user can read, a copy of the engine in it, and a registry with busybox. */
export interface RootlessWork {
  work: string;
  /** The copy of the engine (what the .vsix carries: bundles, helpers, koffi). */
  stage: string;
  registry: TestRegistry;
  /** busybox, pushed to the registry. */
  image: string;
  remove(): Promise<void>;
}

/**
 * Copies what the unprivileged user runs (the built engine, as the .vsix carries it, plus `extra`
 * paths of the checkout) to `<work>/berth`, readable by everyone: the checkout may sit where the
 * user cannot read it (/root). Returns that directory.
 */
/**
 * The extension host's engine modules (client/src/engine, tsc's output) and the engine modules they
 * read, for tests that run them as the user the way VS Code would; pass to stageBerthForUser.
 */
export const extensionEngineModules = [
  'out/client/src/engine',
  'out/engine/src/runtime/cgroups',
  'out/engine/src/rootless/programs.js',
  'out/engine/src/cli/berthd-node-settings.js',
];

export function stageBerthForUser(work: string, extra: string[] = []): string {
  const stage = join(work, 'berth');
  const parts = [
    'bin',
    'dist/engine',
    'out/native',
    'node_modules/koffi',
    'node_modules/@koromix',
    'package.json',
  ];
  for (const part of [...parts, ...extra]) cpSync(join(repo, part), join(stage, part), { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', stage]);
  return stage;
}

export async function rootlessWork(prefix: string, tag: string): Promise<RootlessWork> {
  const work = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(work, 0o755);
  const stage = stageBerthForUser(work);
  const registry = await startRegistry();
  const image = `${registry.address}/library/busybox:${tag}`;
  skopeoPush(makeBusyboxLayout(join(work, 'layout')), image);
  return {
    work,
    stage,
    registry,
    image,
    async remove() {
      await registry.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * One user's session: its HOME and XDG_RUNTIME_DIR (made under the work dir), programs run as it,
 * its berthd. `end()` stops berthd and the keeper of its user namespace (berth-userns.c), which
 * would otherwise linger until it notices it is alone.
 */
export class RootlessSession {
  readonly home: string;
  readonly xdgRuntime: string;
  readonly ids: { uid: number; gid: number };
  daemon: ChildProcess | undefined;
  /** What berthd printed since it was last started. */
  log = '';
  /**
   * A cgroup v2 directory (chowned to the user, as systemd's Delegate=yes does) to start berthd in:
   * root moves the launching shell there before it becomes the user.
   */
  cgroup: string | undefined;

  constructor(
    private readonly w: RootlessWork,
    name: string,
    readonly user = rootlessUser,
  ) {
    this.ids = lookupUser(user)!;
    this.home = join(w.work, `home-${name}`);
    this.xdgRuntime = join(w.work, `xdg-${name}`);
    for (const dir of [this.home, this.xdgRuntime]) {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, this.ids.uid, this.ids.gid);
    }
  }

  get socket(): string {
    return join(this.xdgRuntime, 'berth/berth.sock');
  }

  private env(): string[] {
    return [
      `HOME=${this.home}`,
      `XDG_RUNTIME_DIR=${this.xdgRuntime}`,
      'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      'DOCKER_BUILDKIT=0',
      `DOCKER_CONFIG=${join(this.home, '.docker')}`,
      'DOCKER_CLI_HINTS=false',
    ];
  }

  /** Runs a program as the user (killed after `timeoutMs`, 90 s by default). */
  run(argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<Result> {
    return new Promise((resolve) => {
      const child = spawn('runuser', ['-u', this.user, '--', 'env', '-i', ...this.env(), ...argv], {
        cwd: this.w.stage,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code ?? -1, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  }

  berth(...args: string[]): Promise<Result> {
    const cli = join(this.w.stage, 'bin/berth');
    return this.run([process.execPath, cli, '--insecure-registry', this.w.registry.address, ...args]);
  }

  /** The docker CLI against this user's berthd (killed after 60 s: a hung request fails the test). */
  docker(...args: string[]): Promise<Result> {
    return this.run([dockerBin, '-H', `unix://${this.socket}`, ...args], { timeoutMs: 60_000 });
  }

  /** Starts berthd as the user and waits until it says it is ready. */
  async startBerthd(...args: string[]): Promise<void> {
    this.log = '';
    const berthd = join(this.w.stage, 'bin/berthd');
    const argv = [process.execPath, berthd, '--insecure-registry', this.w.registry.address, ...args];
    // In a cgroup, setpriv instead of runuser: it execs (runuser stays as a parent), so only
    // berthd's own processes are there, as with systemd-run --scope.
    const command = this.cgroup
      ? [
          'sh',
          '-c',
          'echo $$ > "$0/cgroup.procs" && exec "$@"',
          this.cgroup,
          'setpriv',
          `--reuid=${this.ids.uid}`,
          `--regid=${this.ids.gid}`,
          '--init-groups',
          'env',
          '-i',
          ...this.env(),
          ...argv,
        ]
      : ['runuser', '-u', this.user, '--', 'env', '-i', ...this.env(), ...argv];
    const d = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.daemon = d;
    d.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
    const deadline = Date.now() + 60_000;
    while (!this.log.includes('berthd is ready')) {
      if (d.exitCode !== null) throw new Error(`berthd exited (${d.exitCode}): ${this.log}`);
      if (Date.now() > deadline) throw new Error(`berthd was not ready in 60 s: ${this.log}`);
      await new Promise((r) => d.stderr!.once('data', r).once('close', r));
    }
  }

  /** Stops berthd: SIGTERM (containers keep running), or SIGKILL as a crash would. */
  async stopBerthd(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const d = this.daemon;
    if (!d || d.exitCode !== null || d.signalCode !== null) return;
    const exited = new Promise((r) => d.once('exit', r));
    if (signal === 'SIGTERM') d.kill('SIGTERM');
    else process.kill(this.berthdPid(), 'SIGKILL'); // berthd itself, not runuser or berth-userns
    await exited;
  }

  /** berthd's pid on the host (from its pid file). */
  berthdPid(): number {
    return Number(readFileSync(join(this.xdgRuntime, 'berth/berthd.pid'), 'utf8').trim());
  }

  /** Stops berthd, the keeper and the link of berthd's network namespace (both outlive berthd). */
  async end(): Promise<void> {
    await this.stopBerthd();
    stopKeeper(this.xdgRuntime);
    stopLink(this.xdgRuntime);
  }
}

/** Ends the network link (pasta or slirp4netns) of the user whose XDG_RUNTIME_DIR this is, if one runs. */
export function stopLink(xdgRuntime: string): void {
  try {
    const link = Number(readFileSync(join(xdgRuntime, 'berth/rootless-netns.link.pid'), 'utf8'));
    if (/^(pasta|passt|slirp4netns)/.test(readFileSync(`/proc/${link}/comm`, 'utf8')))
      process.kill(link, 'SIGTERM');
  } catch {
    // none, or gone
  }
}

/** The pid of the keeper of the user namespace of the user whose XDG_RUNTIME_DIR this is, if one runs. */
export function keeperPid(xdgRuntime: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(xdgRuntime, 'berth/userns.pid'), 'utf8').trim());
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('berth-keeper') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Ends that keeper (a test's user namespace is not needed after it). */
export function stopKeeper(xdgRuntime: string): void {
  const pid = keeperPid(xdgRuntime);
  if (pid) process.kill(pid, 'SIGTERM');
}
