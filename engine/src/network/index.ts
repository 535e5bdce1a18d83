// Container networking for berthd: the bridge driver over Debian's CNI plugins, set up when the
// host can run it (root, the plugins, nft and iptables installed). See docs/network.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { DaemonConfig } from '../daemon/config';
import type { Logger } from '../daemon/logger';
import type { NetworkService } from '../daemon/network/service';
import { linuxNetnsCalls, type NetnsCalls } from '../runtime/linux/netns';
import { inUserNamespace } from '../runtime/linux/userns';
import { BridgeDriver } from './bridge-driver';
import { Cni, type CommandWrapper } from './cni';
import { bridgeName } from './conflist';
import { nameservers } from './etc-files';
import { hostRoutes } from './host-routes';
import { Isolation, nftRunner } from './isolation';
import { type NamespaceSockets, PortProxy } from './port-proxy';

export { BridgeDriver } from './bridge-driver';

const requiredPlugins = ['bridge', 'host-local', 'loopback', 'portmap', 'firewall'];

function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], {
      stdio: 'ignore',
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    return true;
  } catch {
    return false;
  }
}

/** Why bridge networking cannot run here, or undefined when it can. */
export function bridgeBlocked(
  cni: Cni,
  uid = process.getuid?.() ?? 0,
  rootless = inUserNamespace(),
): string | undefined {
  if (uid !== 0) return 'bridge networking needs root, or rootless berthd (docs/rootless.md)';
  // Root of rootless Berth's user namespace cannot step back into the host's network namespace,
  // which the bridge driver does for every container on the host (runtime/linux/netns.ts): it runs
  // in rootless berthd's own namespace instead (DriverNamespace).
  if (rootless)
    return 'bridge networking on the host needs real root: this berthd is rootless (docs/rootless.md)';
  const missing = requiredPlugins.filter((p) => !cni.locate(p));
  if (missing.length)
    return `CNI plugins ${missing.join(', ')} not found in ${cni.paths.join(':')}: install containernetworking-plugins`;
  for (const tool of ['nft', 'iptables', 'ip'])
    if (!onPath(tool)) return `${tool} is not installed: install nftables, iptables and iproute2`;
  return undefined;
}

/** berthd's own nftables table: `berth`, or `berth_<hash>` for a daemon with another exec root. */
export function isolationTable(execRoot: string): string {
  if (execRoot === '/run/berth') return 'berth';
  return `berth_${createHash('sha256').update(execRoot).digest('hex').slice(0, 8)}`;
}

/**
 * Registers the bridge driver with the network service and fits the default bridge to the
 * configuration; answers the driver, or why there is none (containers then get loopback only).
 */
/**
 * Rootless berthd's own network namespace (rootless/rootless-netns.ts), where the driver runs
 * instead of on the host: its programs run inside, its namespaces are made and its DNS sockets
 * opened from a thread inside, and published ports are forwarded into it.
 */
export interface DriverNamespace {
  command: CommandWrapper;
  calls: NetnsCalls;
  sockets: NamespaceSockets;
}

export function setUpBridgeNetworking(
  config: DaemonConfig,
  logger: Logger,
  networks: NetworkService,
  hostResolvConf: () => string,
  inside?: DriverNamespace,
): { driver?: BridgeDriver; blocked?: string } {
  const cni = new Cni({ command: inside?.command });
  // In its own namespace, rootless berthd is root enough for the bridge driver.
  const blocked = inside ? bridgeBlocked(cni, 0, false) : bridgeBlocked(cni);
  if (blocked) return { blocked };
  const ourBridges = (): Set<string> =>
    new Set(
      networks
        .records()
        .filter((n) => n.Driver === 'bridge')
        .map(bridgeName),
    );
  const driver = new BridgeDriver({
    execRoot: config.execRoot,
    cni,
    netns: inside?.calls ?? linuxNetnsCalls,
    isolation: new Isolation(isolationTable(config.execRoot), nftRunner(inside?.command)),
    logger,
    networks: () => networks.records(),
    upstreamDns: () => (config.dns.length ? config.dns : nameservers(hostResolvConf())),
    ...(inside && { command: inside.command, proxy: new PortProxy(inside.sockets, logger) }),
  });
  networks.registerDriver(driver);
  networks.hostRoutes = () => hostRoutes(ourBridges());
  networks.configureDefaultBridge(config.bridge, config.bip, networks.hostRoutes());
  return { driver };
}
