// The CNI network configuration list for a bridge network: Debian's containernetworking-plugins
// `bridge` (with `host-local` addresses), `portmap` when the container publishes ports, and
// `firewall` — the chain podman and others run. Pure, so it is unit-tested.
import { invalid } from '../daemon/errors';
import type { NetworkRecord } from '../daemon/network/driver';
import type { CniNetworkList, CniPluginConfig } from './cni';
import { formatIPv4, parseCidr, parseIPv4 } from './ipam';

export const cniVersion = '1.0.0';

const bridgeNameOption = 'com.docker.network.bridge.name';
const masqueradeOption = 'com.docker.network.bridge.enable_ip_masquerade';
const mtuOption = 'com.docker.network.driver.mtu';

/** The Linux bridge of a network: named by the user (-o com.docker.network.bridge.name), else berth-<id>. */
export function bridgeName(net: NetworkRecord): string {
  return net.Options[bridgeNameOption] || `berth-${net.Id.slice(0, 9)}`;
}

/** The CNI network name: stable for the network's life, unique across re-creations of a name. */
export function cniNetworkName(net: NetworkRecord): string {
  return `berth-${net.Id.slice(0, 12)}`;
}

export interface ConfListOptions {
  /** host-local's lease directory. */
  ipamDir: string;
  /** Include portmap (the container publishes ports through this network). */
  portmap: boolean;
}

export function networkConfigList(net: NetworkRecord, options: ConfListOptions): CniNetworkList {
  const ranges = net.IPAM.Config.filter((c) => c.Subnet && !c.Subnet.includes(':')).map((c) => {
    const range: Record<string, string> = { subnet: c.Subnet! };
    if (c.Gateway) range.gateway = c.Gateway;
    if (c.IPRange) {
      const r = parseCidr(c.IPRange);
      const size = 2 ** (32 - r.prefix);
      range.rangeStart = formatIPv4(Math.max(r.base, parseCidr(c.Subnet!).base + 1));
      range.rangeEnd = formatIPv4(r.base + size - (r.prefix >= 31 ? 1 : 2));
    }
    return [range];
  });
  const masquerade = !net.Internal && net.Options[masqueradeOption] !== 'false';
  const mtu = Number(net.Options[mtuOption]);
  const bridge: CniPluginConfig = {
    type: 'bridge',
    bridge: bridgeName(net),
    isGateway: true,
    ipMasq: masquerade,
    hairpinMode: true,
    ...(Number.isInteger(mtu) && mtu > 0 ? { mtu } : {}),
    capabilities: { ips: true },
    ipam: {
      type: 'host-local',
      dataDir: options.ipamDir,
      ranges,
      // An internal network has no way out: no default route.
      routes: net.Internal ? [] : [{ dst: '0.0.0.0/0' }],
    },
  };
  const plugins: CniPluginConfig[] = [bridge];
  if (options.portmap) plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  plugins.push({ type: 'firewall' });
  return { cniVersion, name: cniNetworkName(net), plugins };
}

/** The address the container gets, in the form host-local's `ips` capability takes. */
export function requestedAddress(net: NetworkRecord, ipv4: string): string {
  const ip = parseIPv4(ipv4);
  for (const c of net.IPAM.Config) {
    if (!c.Subnet || c.Subnet.includes(':')) continue;
    const s = parseCidr(c.Subnet);
    if (ip >= s.base && ip < s.base + 2 ** (32 - s.prefix)) return `${ipv4}/${s.prefix}`;
  }
  throw invalid(
    `invalid address ${ipv4}: it does not belong to any of network ${net.Name}'s subnets (${net.IPAM.Config.map((c) => c.Subnet).join(', ')})`,
  );
}
