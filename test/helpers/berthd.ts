// A berthd of its own for an engine test suite: private data and exec roots in a temp dir, its
// socket, a `docker` runner pointed at it (the real docker CLI, classic builder), a default bridge
// and address pool of its own (random names, so suites run side by side), and a busybox image
// pulled into it from a local registry.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolationTable } from '../../engine/src/network';
import { makeBusyboxLayout, skopeoPush } from './busybox-image';
import { haveBusybox } from './busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from './registry';
import { skipIfBlocked } from './skip';

const root = join(__dirname, '../../..');
export const berthdBin = join(root, 'bin/berthd');
/** The docker CLI the tests drive: 28.x if installed, else Debian's docker.io client. */
export const dockerBin = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => existsSync(p)) ?? 'docker';

/** Why the daemon's engine tests cannot run here, or null when they can. */
export function daemonTestsBlocked(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (berthd runs containers)';
  if (!haveBusybox()) return 'needs busybox-static (apt-get install busybox-static)';
  if (!haveRegistry()) return 'needs docker-registry and skopeo (apt, see .ci/setup)';
  if (!existsSync(dockerBin)) return 'needs the docker CLI (apt-get install docker.io)';
  if (!existsSync(join(root, 'out/native/berth-init'))) return 'needs out/native (npm run build)';
  return null;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The networks a test berthd makes, unique to it so suites run side by side. */
export interface TestNetworking {
  /** The default bridge network's Linux bridge. */
  bridge: string;
  /** Its subnet (a /24) and gateway. */
  subnet: string;
  gateway: string;
  /** The /20 that holds it and the subnets of the daemon's user networks. */
  pool: string;
  /** berthd's nftables table (exists while it has two networks or more). */
  nftTable: string;
}

function testNetworking(execRoot: string): TestNetworking {
  const x = 64 + randomInt(190);
  const y = randomInt(16) * 16;
  return {
    bridge: `bt${randomBytes(3).toString('hex')}`,
    subnet: `10.${x}.${y}.0/24`,
    gateway: `10.${x}.${y}.1`,
    pool: `10.${x}.${y}.0/20`,
    nftTable: isolationTable(execRoot),
  };
}

export interface TestDaemon {
  dir: string;
  net: TestNetworking;
  socket: string;
  host: string;
  env: NodeJS.ProcessEnv;
  pid: number;
  registry?: TestRegistry;
  /** Runs the docker CLI against this berthd. */
  docker(
    args: string[],
    options?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): Promise<RunResult>;
  /** Starts berthd again on the same state (after kill or stop). */
  restart(): Promise<void>;
  /** SIGKILL: the daemon dies at once, its containers do not. */
  kill(): Promise<void>;
  /** SIGTERM: berthd stops as a user stops it, its containers keep running. */
  stop(): Promise<void>;
  /** Removes every container, stops berthd and the registry, removes the temp dir. */
  destroy(): Promise<void>;
  log(): string;
}

function waitForSocket(path: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`berthd exited with ${child.exitCode}`));
      if (Date.now() > deadline)
        return reject(new Error(`berthd did not listen on ${path} in ${deadlineMs} ms`));
      const s = connect(path);
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => setTimeout(attempt, 20));
    };
    attempt();
  });
}

/**
 * Gives the calling describe block a berthd of its own with the busybox image: a `before` hook skips
 * the suite, printing why, when `blocked()` names something missing, else starts the daemon and hands
 * it to `use`; an `after` hook destroys it (containers, networks, state dir).
 */
export function berthdForSuite(blocked: () => string | null, use: (d: TestDaemon) => void): void {
  let daemon: TestDaemon | undefined;
  before(async function () {
    skipIfBlocked(this, blocked());
    // Start-up plus loading busybox: seconds when quiet, but it passed a minute once on a loaded machine.
    this.timeout(180_000);
    daemon = await startBerthd({ withBusybox: true });
    use(daemon);
  });
  after(async () => {
    await daemon?.destroy();
  });
}

export async function startBerthd(
  options: { withBusybox?: boolean; extraArgs?: string[] } = {},
): Promise<TestDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-daemon-test-'));
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const socket = join(execRoot, 'berth.sock');
  const dockerConfig = join(dir, 'docker-config');
  mkdirSync(dockerConfig, { recursive: true });
  const net = testNetworking(execRoot);
  const configFile = join(dir, 'daemon.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      bridge: net.bridge,
      bip: `${net.gateway}/24`,
      'default-address-pools': [{ base: net.pool, size: 24 }],
    }),
  );
  const env = {
    ...process.env,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_BUILDKIT: '0',
    DOCKER_CONFIG: dockerConfig,
    DOCKER_CLI_HINTS: 'false',
  };
  let child: ChildProcess;
  let logText = '';

  const launch = async (): Promise<void> => {
    child = spawn(
      process.execPath,
      [
        berthdBin,
        '--data-root',
        dataRoot,
        '--exec-root',
        execRoot,
        '--log-level',
        'debug',
        '--config-file',
        configFile,
        ...(options.extraArgs ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => (logText += d.toString()));
    await waitForSocket(socket, child, 30_000);
  };
  await launch();

  const daemon: TestDaemon = {
    dir,
    net,
    socket,
    host: `unix://${socket}`,
    env,
    get pid() {
      return child.pid!;
    },
    docker(args, opts = {}) {
      return new Promise((resolve) => {
        const p = spawn(dockerBin, args, { env: { ...env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
        p.on('close', (code) => {
          clearTimeout(timer);
          resolve({ status: code ?? -1, stdout, stderr });
        });
        p.stdin.end(opts.input ?? '');
      });
    },
    async restart() {
      await launch();
    },
    async kill() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      if (child.exitCode === null) {
        const ids = (await daemon.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await daemon.docker(['rm', '-f', '-v', ...ids]);
        await daemon.docker(['network', 'prune', '-f']);
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      // The default bridge and the isolation table outlive berthd by design; they are the test's.
      spawnSync('ip', ['link', 'delete', net.bridge], { stdio: 'ignore' });
      spawnSync('nft', ['delete', 'table', 'inet', net.nftTable], { stdio: 'ignore' });
      await daemon.registry?.stop();
      if (process.env.BERTH_KEEP_TEST_LOG) writeFileSync(process.env.BERTH_KEEP_TEST_LOG, logText);
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => logText,
  };

  if (options.withBusybox) {
    const registry = await startRegistry();
    daemon.registry = registry;
    const layout = makeBusyboxLayout(join(dir, 'layout'));
    skopeoPush(layout, `${registry.address}/library/busybox:latest`);
    const pulled = await daemon.docker(['pull', `${registry.address}/library/busybox:latest`]);
    if (pulled.status !== 0) throw new Error(`pull failed: ${pulled.stderr}`);
    const tagged = await daemon.docker([
      'tag',
      `${registry.address}/library/busybox:latest`,
      'busybox:latest',
    ]);
    if (tagged.status !== 0) throw new Error(`tag failed: ${tagged.stderr}`);
  }
  return daemon;
}
