// `berthd`: the daemon. Reads its config (file, then flags), takes the pid file, opens the store,
// re-adopts containers an earlier berthd left running, and serves the Engine API on a Unix socket
// until SIGTERM/SIGINT, when it stops accepting, closes streams and leaves containers running.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { engineRouter } from '../api/routes';
import { ApiServer } from '../api/server';
import {
  type DaemonConfig,
  defaultConfig,
  defaultConfigPath,
  loadConfigFile,
  parseConfig,
  parseLogOpts,
} from '../daemon/config';
import { OciRuntime } from '../daemon/containers/oci-runtime';
import { classicBuilder } from '../daemon/build';
import { Daemon } from '../daemon/daemon';
import { fullSupport } from '../daemon/spec/limits';
import { isMainThread } from 'node:worker_threads';
import { createLogger, type Logger, type LogLevel } from '../daemon/logger';
import { type DriverNamespace, setUpBridgeNetworking } from '../network';
import { dockerDefaultProfile } from '../runtime/seccomp/profile';
import { linuxDaemonCalls } from '../runtime/linux/daemon-calls';
import { keepMallocThresholds, releaseFreeMemory } from '../runtime/linux/memory';
import { whenUnpackThreadStops } from '../store/layers/unpack-thread';
import { Store } from '../store/store';
import { enterUserNamespace, needsUserNamespace } from '../rootless/launcher';
import { inUserNamespace } from '../runtime/linux/userns';
import { chooseRootlessNetwork, parseRootlessNetwork, rootlessNetworkEnv } from '../rootless/network-choice';
import { rootlessCgroups, rootlessCgroupSupport } from '../rootless/cgroup-delegation';
import { findLinkTool, RootlessNetns } from '../rootless/rootless-netns';
import { configureOverlayDriver } from '../runtime/linux/fuse-overlay';
import { berthVersion } from '../version';
import { flagBool, flagList, flagString, formatFlags, parseArgs, UsageError, type FlagSpec } from './args';

const flags: FlagSpec[] = [
  {
    name: 'config-file',
    type: 'string',
    description: 'Daemon config file (default /etc/berth/daemon.json as root)',
    value: 'file',
  },
  {
    name: 'data-root',
    type: 'string',
    description: 'Persistent state: images, containers, volumes',
    value: 'dir',
  },
  { name: 'exec-root', type: 'string', description: 'Runtime state: sockets, container stdio', value: 'dir' },
  {
    name: 'host',
    short: 'H',
    type: 'string',
    description: 'Socket to listen on (unix:///path)',
    value: 'unix:///path',
  },
  {
    name: 'group',
    short: 'G',
    type: 'string',
    description: 'Group allowed to use the socket besides root',
    value: 'group',
  },
  { name: 'pidfile', short: 'p', type: 'string', description: 'Path of the pid file', value: 'file' },
  {
    name: 'log-level',
    short: 'l',
    type: 'string',
    description: 'debug, info, warn or error',
    value: 'level',
  },
  { name: 'log-format', type: 'string', description: 'text or json', value: 'format' },
  {
    name: 'insecure-registry',
    type: 'list',
    description: 'Registry reached over plain http (repeatable)',
    value: 'host',
  },
  { name: 'dns', type: 'list', description: 'Default DNS server for containers (repeatable)', value: 'ip' },
  {
    name: 'bridge',
    short: 'b',
    type: 'string',
    description: 'Linux bridge of the default bridge network (default berth0)',
    value: 'name',
  },
  {
    name: 'bip',
    type: 'string',
    description: "Default bridge's address and subnet, e.g. 172.30.0.1/16",
    value: 'CIDR',
  },
  {
    name: 'rootless-network',
    type: 'string',
    description: 'Rootless: pasta (the default when installed) or slirp4netns',
    value: 'tool',
  },
  {
    name: 'storage-driver',
    type: 'string',
    description: 'Rootless: fuse-overlayfs to use it instead of the kernel overlayfs (default overlay2)',
    value: 'driver',
  },
  {
    name: 'log-opt',
    type: 'list',
    description: 'Default container log option: max-size=…, max-file=…',
    value: 'key=value',
  },
  { name: 'help', short: 'h', type: 'boolean', description: 'Print usage' },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print version information and quit' },
];

export function resolveConfig(argv: string[], env = process.env): DaemonConfig {
  const args = parseArgs(argv, flags);
  const configFile = flagString(args, 'config-file');
  const base = defaultConfig(env);
  const file = loadConfigFile(configFile ?? defaultConfigPath(env), configFile !== undefined);
  const config: DaemonConfig = { ...base, ...file };
  // Paths that follow exec-root unless set on their own.
  if (file.execRoot && !file.socket) config.socket = join(config.execRoot, 'berth.sock');
  if (file.execRoot && !file.pidFile) config.pidFile = join(config.execRoot, 'berthd.pid');
  const execRoot = flagString(args, 'exec-root');
  if (execRoot) {
    config.execRoot = execRoot;
    if (!file.socket) config.socket = join(execRoot, 'berth.sock');
    if (!file.pidFile) config.pidFile = join(execRoot, 'berthd.pid');
  }
  const dataRoot = flagString(args, 'data-root');
  if (dataRoot) config.dataRoot = dataRoot;
  const host = flagString(args, 'host');
  if (host) {
    if (!host.startsWith('unix://'))
      throw new UsageError(`--host ${host}: berthd listens on unix:// sockets only`);
    config.socket = host.slice('unix://'.length);
  }
  const group = flagString(args, 'group');
  if (group) config.group = group;
  const pidFile = flagString(args, 'pidfile');
  if (pidFile) config.pidFile = pidFile;
  const level = flagString(args, 'log-level');
  if (level) {
    if (!['debug', 'info', 'warn', 'error'].includes(level))
      throw new UsageError(`--log-level ${level}: use debug, info, warn or error`);
    config.logLevel = level as LogLevel;
  }
  const format = flagString(args, 'log-format');
  if (format) {
    if (format !== 'text' && format !== 'json')
      throw new UsageError(`--log-format ${format}: use text or json`);
    config.logFormat = format;
  }
  config.insecureRegistries = [...config.insecureRegistries, ...flagList(args, 'insecure-registry')];
  if (flagList(args, 'dns').length) config.dns = flagList(args, 'dns');
  const bridge = flagString(args, 'bridge');
  if (bridge) config.bridge = parseConfig({ bridge }, '--bridge').bridge!;
  const bip = flagString(args, 'bip');
  if (bip) config.bip = parseConfig({ bip }, '--bip').bip!;
  for (const opt of flagList(args, 'log-opt')) {
    const i = opt.indexOf('=');
    if (i <= 0) throw new UsageError(`--log-opt ${opt}: use key=value`);
    config.logOpts = { ...config.logOpts, [opt.slice(0, i)]: opt.slice(i + 1) };
  }
  parseLogOpts(config.logOpts);
  const network =
    flagString(args, 'rootless-network') ?? (file.rootlessNetwork ? undefined : env[rootlessNetworkEnv]);
  if (network)
    config.rootlessNetwork = parseRootlessNetwork(
      network,
      network === env[rootlessNetworkEnv] ? rootlessNetworkEnv : '--rootless-network',
    );
  const storageDriver = flagString(args, 'storage-driver');
  if (storageDriver)
    config.storageDriver = parseConfig({ 'storage-driver': storageDriver }, '--storage-driver').storageDriver;
  return config;
}

/** Takes the pid file, refusing when another berthd with the same file is alive. */
function takePidFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `berthd is already running (pid ${pid}, pid file ${path}): stop it first, or use another --exec-root`,
      );
    }
  }
  const fd = openSync(path, 'w', 0o644);
  writeSync(fd, `${process.pid}\n`);
  closeSync(fd);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function groupId(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === group) return Number(f[2]);
  }
  throw new Error(`group ${group} does not exist: create it or give a gid`);
}

function hostNofileHard(): number {
  const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m && m[1] !== 'unlimited' ? Number(m[1]) : 1048576;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The reaper for `--init`, built next to the runtime's helper. */
function reaperPath(): string | undefined {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    for (const candidate of [join(dir, 'out/native/berth-reaper'), join(dir, 'dist/native/berth-reaper')]) {
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, 'package.json'))) break;
  }
  return undefined;
}

/**
 * Rootless: berthd's own network namespace with its link to the outside (pasta, or slirp4netns
 * when asked for or when pasta is missing), where the bridge driver runs; undefined (containers get
 * loopback only) when neither tool is installed or the namespace cannot be made, with the reason.
 */
async function rootlessNamespace(config: DaemonConfig, logger: Logger): Promise<DriverNamespace | undefined> {
  const installed = { pasta: findLinkTool('pasta'), slirp4netns: findLinkTool('slirp4netns') };
  const choice = chooseRootlessNetwork(config.rootlessNetwork, {
    pasta: !!installed.pasta,
    slirp4netns: !!installed.slirp4netns,
  });
  if (choice.warning) logger.warn(choice.warning);
  if (!choice.tool) return undefined;
  try {
    const netns = await RootlessNetns.open({
      execRoot: config.execRoot,
      tool: choice.tool,
      binary: installed[choice.tool]!,
      logger,
    });
    logger.info(`rootless containers are connected by ${choice.tool}`);
    return { command: (file, args) => netns.command(file, args), calls: netns, sockets: netns };
  } catch (err) {
    logger.warn((err as Error).message);
    return undefined;
  }
}

export async function runDaemon(
  config: DaemonConfig,
  logger: Logger,
): Promise<{ stop: () => Promise<void> }> {
  keepMallocThresholds();
  whenUnpackThreadStops(releaseFreeMemory);
  mkdirSync(config.execRoot, { recursive: true, mode: 0o711 });
  takePidFile(config.pidFile);
  configureOverlayDriver(config.storageDriver);
  const store = Store.open(config.dataRoot);
  // Before any helper starts (the network's link, containers): they inherit berthd's cgroup.
  const rootless = inUserNamespace() ? rootlessCgroups((m) => logger.warn(m)) : undefined;
  if (rootless?.delegated)
    logger.info(
      `rootless containers get cgroups under ${rootless.delegated.path} (controllers: ${rootless.controllers.join(' ') || 'none'})`,
    );
  else if (rootless)
    logger.warn(`rootless containers get no cgroup, so no limits and no pause: ${rootless.reason}`);
  const runtime = new OciRuntime(
    join(config.execRoot, 'runtime'),
    (m) => logger.warn(m, { source: 'runtime' }),
    rootless?.host,
  );
  const daemon = new Daemon({
    config,
    logger,
    runtime,
    calls: linuxDaemonCalls,
    store,
    seccomp: dockerDefaultProfile,
    initBinary: reaperPath(),
    builder: (d) => classicBuilder(d, config.execRoot, rootless?.host),
    // The builder's modules (Dockerfile parser, layers) load with the first commit.
    commit: async (d, o) => (await import('../daemon/commit.js')).commitContainer(d, o),
    importTarball: async (d, tarball, o) =>
      (await import('../daemon/import.js')).importTarball(d, tarball, o),
    host: {
      hostname: hostname(),
      nofileHard: hostNofileHard(),
      cgroup: rootless
        ? rootlessCgroupSupport(rootless)
        : fullSupport(existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1'),
      resolvConf: () => readOr('/etc/resolv.conf', ''),
      hostsFile: () => readOr('/etc/hosts', ''),
    },
  });
  const networking = setUpBridgeNetworking(
    config,
    logger,
    daemon.networkService,
    () => readOr('/etc/resolv.conf', ''),
    inUserNamespace() ? await rootlessNamespace(config, logger) : undefined,
  );
  if (networking.blocked) logger.warn(`no bridge networking: ${networking.blocked}`);
  await daemon.start();
  const server = new ApiServer({
    router: engineRouter(daemon),
    logger,
    serverName: `Berth/${berthVersion}`,
    // Idle, berthd gives back what start-up and the last burst of requests left behind.
    onIdle: releaseFreeMemory,
  });
  await server.listenUnix(config.socket, config.group ? groupId(config.group) : undefined);
  logger.info('berthd is ready', {
    socket: config.socket,
    dataRoot: config.dataRoot,
    version: berthVersion,
    pid: process.pid,
  });
  return {
    stop: async () => {
      logger.info('berthd is stopping; containers keep running');
      await server.close();
      await daemon.shutdown();
      rmSync(config.socket, { force: true });
      rmSync(config.pidFile, { force: true });
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  let config: DaemonConfig;
  try {
    const args = parseArgs(argv, flags);
    if (flagBool(args, 'help')) {
      process.stdout.write(
        `Usage:  berthd [OPTIONS]\n\nA Docker-compatible container engine daemon\n\nOptions:\n${formatFlags(flags)}\n`,
      );
      return 0;
    }
    if (flagBool(args, 'version')) {
      process.stdout.write(`berthd version ${berthVersion}\n`);
      return 0;
    }
    config = resolveConfig(argv);
  } catch (err) {
    process.stderr.write(`berthd: ${(err as Error).message}\n`);
    return 125;
  }
  if (needsUserNamespace()) return enterUserNamespace('berthd', { warn: true });
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    write: (l) => process.stderr.write(l),
  });
  let running: { stop: () => Promise<void> };
  try {
    running = await runDaemon(config, logger);
  } catch (err) {
    logger.error('berthd could not start', { error: (err as Error).message });
    return 1;
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info('signal received', { signal });
      void running.stop().finally(resolve);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

// Not in a worker: rootless berthd's netns thread loads this very bundle (rootless/netns-thread.ts).
if (require.main === module && isMainThread) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
