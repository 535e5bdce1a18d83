// The `bridge` driver: a network namespace per container pinned under the exec root, joined to
// bridge networks by Debian's CNI plugins (bridge + host-local, portmap, firewall; loopback for
// `lo`); names on user-defined networks answered by our embedded DNS server; host ports held while
// published; isolation between networks by our nftables table. Every endpoint is written to a
// journal before CNI is asked, so what a crashed berthd left behind is undone at the next start.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointSettings } from '../api/types';
import { EngineError } from '../daemon/errors';
import type { Logger } from '../daemon/logger';
import type {
  EndpointRequest,
  JoinedEndpoint,
  LiveSandbox,
  NetworkDriver,
  NetworkRecord,
} from '../daemon/network/driver';
import type { NetworkNamespace } from '../daemon/spec/generate';
import type { NetnsCalls } from '../runtime/linux/netns';
import { type Cni, CniError, type CniResult, type CniNetworkList, type CommandWrapper } from './cni';
import { bridgeName, cniNetworkName, cniVersion, networkConfigList, requestedAddress } from './conflist';
import { DnsRecords } from './dns/records';
import { DnsServer } from './dns/server';
import type { Isolation } from './isolation';
import { EndpointJournal, type EndpointEntry } from './journal';
import type { PortProxy } from './port-proxy';
import { PortHolders } from './ports';

const loopbackList: CniNetworkList = {
  cniVersion,
  name: 'berth-loopback',
  plugins: [{ type: 'loopback' }],
};

export interface BridgeDriverOptions {
  /** berthd's exec root: namespaces, the endpoint journal and the address leases live under it. */
  execRoot: string;
  cni: Cni;
  netns: NetnsCalls;
  isolation: Isolation;
  logger: Logger;
  /** Every network the daemon has (to isolate bridges from each other). */
  networks: () => NetworkRecord[];
  /** Resolvers for names the embedded DNS server does not own (daemon --dns, else the host's). */
  upstreamDns: () => string[];
  /** Runs `ip` through this (rootless berthd: inside its network namespace). */
  command?: CommandWrapper;
  /**
   * Rootless berthd: published ports are forwarded by berthd from the host into its namespace
   * (no portmap DNAT: the host's rules never see the containers' addresses).
   */
  proxy?: PortProxy;
}

export class BridgeDriver implements NetworkDriver {
  readonly name = 'bridge';
  readonly netnsDir: string;
  readonly ipamDir: string;
  private readonly journal: EndpointJournal;
  private readonly records = new DnsRecords();
  readonly dns: DnsServer;
  readonly ports = new PortHolders();
  /** Loopback set-up of each new namespace, awaited by its first join. */
  private readonly loopbacks = new Map<string, Promise<void>>();
  /** Endpoints this berthd made or took up again (recover leaves them alone). */
  private readonly known = new Set<string>();
  /** Interface names in use in each namespace. */
  private readonly interfaces = new Map<string, Set<string>>();

  constructor(private readonly o: BridgeDriverOptions) {
    this.netnsDir = join(o.execRoot, 'netns');
    this.ipamDir = join(o.execRoot, 'cni', 'ipam');
    mkdirSync(this.netnsDir, { recursive: true, mode: 0o711 });
    mkdirSync(this.ipamDir, { recursive: true, mode: 0o700 });
    this.journal = new EndpointJournal(join(o.execRoot, 'cni', 'endpoints'));
    this.dns = new DnsServer(this.records, o.netns, o.logger);
  }

  // ---- networks -------------------------------------------------------------------------------

  private isolate(bridges: NetworkRecord[]): Promise<void> {
    return this.o.isolation.apply(
      bridges
        .filter((n) => n.Driver === 'bridge')
        .map((n) => ({ name: bridgeName(n), internal: n.Internal })),
    );
  }

  async createNetwork(net: NetworkRecord): Promise<void> {
    const name = bridgeName(net);
    const clash = this.o.networks().find((n) => n.Driver === 'bridge' && bridgeName(n) === name);
    if (clash)
      throw new EngineError(
        'conflict',
        `bridge ${name} is already used by network ${clash.Name}: choose another com.docker.network.bridge.name`,
      );
    if (name.length > 15)
      throw new EngineError('invalid', `bridge name ${name} is too long: Linux allows 15 characters`);
    await this.isolate([...this.o.networks(), net]);
  }

  async removeNetwork(net: NetworkRecord): Promise<void> {
    await this.isolate(this.o.networks().filter((n) => n.Id !== net.Id));
    await deleteLink(bridgeName(net), this.o.command);
    rmSync(join(this.ipamDir, cniNetworkName(net)), { recursive: true, force: true });
  }

  // ---- sandboxes ------------------------------------------------------------------------------

  async createSandbox(containerId: string): Promise<NetworkNamespace> {
    const path = join(this.netnsDir, containerId);
    if (existsSync(path)) this.o.netns.remove(path);
    this.o.netns.create(path);
    // `lo` comes up while the bridge plugin works on eth0; the first join waits for both.
    const lo = this.o.cni.add(loopbackList, { containerId, netns: path, ifname: 'lo' }).then(() => undefined);
    lo.catch(() => undefined);
    this.loopbacks.set(path, lo);
    return { kind: 'path', path };
  }

  async destroySandbox(_containerId: string, sandbox: NetworkNamespace): Promise<void> {
    if (sandbox.kind !== 'path' || !sandbox.path.startsWith(this.netnsDir + '/')) return;
    await this.loopbacks.get(sandbox.path)?.catch(() => undefined);
    this.loopbacks.delete(sandbox.path);
    this.interfaces.delete(sandbox.path);
    this.dns.close(sandbox.path);
    this.o.netns.remove(sandbox.path);
  }

  // ---- endpoints ------------------------------------------------------------------------------

  async join(net: NetworkRecord, sandbox: NetworkNamespace, req: EndpointRequest): Promise<JoinedEndpoint> {
    if (sandbox.kind !== 'path')
      throw new EngineError(
        'system',
        `container ${req.containerName} has no network namespace of berthd's to join ${net.Name} from`,
      );
    const netns = sandbox.path;
    const endpointId = randomBytes(32).toString('hex');
    const userDefined = !net.Builtin;
    const dnsNames = userDefined
      ? unique([req.containerName, ...req.aliases, req.containerId.slice(0, 12)])
      : [];
    const capabilityArgs: Record<string, unknown> = {};
    if (req.ipv4Address) capabilityArgs.ips = [requestedAddress(net, req.ipv4Address)];
    // A taken host port fails here, before anything else is done for the container.
    const ports = req.ports?.length
      ? await this.ports.hold(req.containerId, req.containerName, req.ports)
      : [];
    if (ports.length) capabilityArgs.portMappings = ports;
    const ifname = this.nextInterface(netns);
    const entry: EndpointEntry = {
      endpointId,
      containerId: req.containerId,
      containerName: req.containerName,
      networkId: net.Id,
      netns,
      ifname,
      list: networkConfigList(net, { ipamDir: this.ipamDir, portmap: ports.length > 0 && !this.o.proxy }),
      capabilityArgs,
      ports,
      dnsNames,
    };
    try {
      this.journal.write(entry);
    } catch (err) {
      if (ports.length) this.ports.release(req.containerId);
      this.interfaces.get(netns)?.delete(ifname);
      throw err;
    }
    this.known.add(endpointId);
    let result: CniResult;
    try {
      result = await this.o.cni.add(entry.list, {
        containerId: req.containerId,
        netns,
        ifname,
        capabilityArgs,
      });
      await this.loopbacks.get(netns);
    } catch (err) {
      await this.undo(entry).catch(() => undefined);
      throw joinError(err, req.containerName, net);
    }
    entry.result = result;
    const settings = endpointSettings(result, ifname, net, endpointId);
    entry.address = settings.IPAddress;
    this.journal.write(entry);
    if (ports.length && entry.address) this.forwardPorts(req.containerId, entry.address);
    if (userDefined && settings.IPAddress) {
      this.records.add(endpointId, {
        networkId: net.Id,
        networkName: net.Name,
        names: dnsNames,
        address: settings.IPAddress,
      });
      try {
        await this.dns.serve(netns, net.Id, req.dns?.length ? req.dns : this.o.upstreamDns());
      } catch (err) {
        await this.undo(entry).catch(() => undefined);
        throw new EngineError(
          'system',
          `cannot start the embedded DNS server for container ${req.containerName}: ${(err as Error).message}`,
        );
      }
    }
    return { settings: { ...settings, ...(userDefined ? { DNSNames: dnsNames } : {}) }, ports };
  }

  async leave(net: NetworkRecord, sandbox: NetworkNamespace, endpoint: EndpointSettings): Promise<void> {
    const entry = endpoint.EndpointID ? this.journal.read(endpoint.EndpointID) : undefined;
    if (!entry) return;
    if (sandbox.kind === 'path') this.dns.forget(sandbox.path, net.Id);
    await this.undo(entry);
  }

  /** CNI DEL for an endpoint, then everything else it held; the journal entry goes last. */
  private async undo(entry: EndpointEntry): Promise<void> {
    this.records.remove(entry.endpointId);
    try {
      await this.o.cni.del(
        entry.list,
        {
          containerId: entry.containerId,
          netns: entry.netns,
          ifname: entry.ifname,
          capabilityArgs: entry.capabilityArgs,
        },
        entry.result,
      );
    } finally {
      if (entry.ports.length) this.ports.release(entry.containerId);
      this.known.delete(entry.endpointId);
      this.interfaces.get(entry.netns)?.delete(entry.ifname);
    }
    this.journal.remove(entry.endpointId);
  }

  /** Rootless: the container's held host ports start forwarding to its address. */
  private forwardPorts(containerId: string, address: string): void {
    if (!this.o.proxy) return;
    for (const held of this.ports.heldBy(containerId)) this.o.proxy.forward(held, address);
  }

  /** eth0 for the first network, eth1 for the next…, reusing names freed by a disconnect. */
  private nextInterface(netns: string): string {
    const used = this.interfaces.get(netns) ?? new Set<string>();
    this.interfaces.set(netns, used);
    for (let i = 0; ; i++) {
      if (used.has(`eth${i}`)) continue;
      used.add(`eth${i}`);
      return `eth${i}`;
    }
  }

  // ---- after a restart ------------------------------------------------------------------------

  async recover(live: LiveSandbox[], networks: NetworkRecord[]): Promise<void> {
    await this.isolate(networks).catch((err: Error) =>
      this.o.logger.error('could not set up isolation between networks', { error: err.message }),
    );
    const liveEndpoints = new Map<string, LiveSandbox>();
    for (const c of live) {
      for (const ep of Object.values(c.endpoints)) if (ep.EndpointID) liveEndpoints.set(ep.EndpointID, c);
    }
    const byId = new Map(networks.map((n) => [n.Id, n]));
    const livePaths = new Set(live.flatMap((c) => (c.sandbox.kind === 'path' ? [c.sandbox.path] : [])));
    for (const entry of this.journal.all()) {
      if (this.known.has(entry.endpointId)) continue;
      const owner = liveEndpoints.get(entry.endpointId);
      if (owner && livePaths.has(entry.netns)) {
        await this.takeUp(entry, byId.get(entry.networkId));
        continue;
      }
      this.o.logger.info('removing a network endpoint left behind', {
        container: entry.containerId.slice(0, 12),
        network: entry.networkId.slice(0, 12),
      });
      await this.undo(entry).catch((err: Error) =>
        this.o.logger.warn('could not remove a stale network endpoint', {
          endpoint: entry.endpointId.slice(0, 12),
          error: err.message,
        }),
      );
    }
    for (const file of readdirSync(this.netnsDir)) {
      const path = join(this.netnsDir, file);
      if (livePaths.has(path) || this.loopbacks.has(path)) continue;
      try {
        this.o.netns.remove(path);
      } catch (err) {
        this.o.logger.warn('could not remove a stale network namespace', {
          path,
          error: (err as Error).message,
        });
      }
    }
  }

  /** A running container's endpoint from an earlier berthd: its names and host ports again. */
  private async takeUp(entry: EndpointEntry, net: NetworkRecord | undefined): Promise<void> {
    this.known.add(entry.endpointId);
    this.interfaces.set(entry.netns, new Set([...(this.interfaces.get(entry.netns) ?? []), entry.ifname]));
    if (entry.ports.length) {
      for (const problem of await this.ports.rehold(entry.containerId, entry.containerName, entry.ports))
        this.o.logger.warn('a published port could not be held again', {
          container: entry.containerName,
          problem,
        });
      if (entry.address) this.forwardPorts(entry.containerId, entry.address);
    }
    if (net && entry.dnsNames.length && entry.address) {
      this.records.add(entry.endpointId, {
        networkId: net.Id,
        networkName: net.Name,
        names: entry.dnsNames,
        address: entry.address,
      });
      await this.dns.serve(entry.netns, net.Id, this.o.upstreamDns()).catch((err: Error) =>
        this.o.logger.warn('could not serve DNS again for a running container', {
          container: entry.containerName,
          error: err.message,
        }),
      );
    }
  }
}

function unique(names: string[]): string[] {
  return [...new Set(names.filter(Boolean))];
}

/** EndpointSettings from the CNI result: the address on `ifname`, the gateway, the MAC. */
function endpointSettings(
  result: CniResult,
  ifname: string,
  net: NetworkRecord,
  endpointId: string,
): EndpointSettings {
  const index = (result.interfaces ?? []).findIndex((i) => i.name === ifname && i.sandbox);
  const iface = index >= 0 ? result.interfaces![index] : undefined;
  const ip = (result.ips ?? []).find(
    (i) => (index >= 0 ? i.interface === index : true) && !i.address.includes(':'),
  );
  const [address, prefix] = (ip?.address ?? '').split('/');
  return {
    NetworkID: net.Id,
    EndpointID: endpointId,
    Gateway: ip?.gateway ?? '',
    IPAddress: address ?? '',
    IPPrefixLen: prefix ? Number(prefix) : 0,
    MacAddress: iface?.mac ?? '',
  };
}

function joinError(err: unknown, container: string, net: NetworkRecord): Error {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof CniError && /no IP addresses available|no more addresses/i.test(message)) {
    return new EngineError(
      'unavailable',
      `cannot connect container ${container} to network ${net.Name}: its subnet has no free address left; remove containers from it or use a larger subnet`,
    );
  }
  if (
    err instanceof CniError &&
    /requested IP address .* is (not available|already allocated)|already reserved/i.test(message)
  ) {
    return new EngineError(
      'conflict',
      `cannot connect container ${container} to network ${net.Name}: ${message}`,
    );
  }
  return new EngineError(
    'system',
    `cannot connect container ${container} to network ${net.Name}: ${message}`,
    { cause: err },
  );
}

/** Removes a network interface (a bridge no network uses any more); a missing one is fine. */
function deleteLink(name: string, command: CommandWrapper = (f, a) => [f, a]): Promise<void> {
  const [file, args] = command('ip', ['link', 'delete', name]);
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 30_000 }, (err, _out, stderr) => {
      if (!err || /Cannot find device|does not exist/.test(stderr)) resolve();
      else reject(new Error(`ip link delete ${name}: ${stderr.trim() || err.message}`));
    });
  });
}
