// Networks: the built-in bridge, host and none, user networks with subnets from the address pools,
// and the container side (sandbox, endpoints, generated /etc files) used by the container lifecycle.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointSettings, Filters, Network, NetworkCreateRequest } from '../../api/types';
import { readJson, writeJsonAtomic } from '../atomic-file';
import type { AddressPool } from '../config';
import { conflict, forbidden, invalid, notFound, unavailable } from '../errors';
import type { EventBus } from '../events';
import type { NetworkNamespace } from '../spec/generate';
import { matchLabels } from '../volumes';
import type { PortMapping, PortRequest } from '../../network/ports';
import type { StepBridge } from '../../build/executor';
import type { LiveSandbox, NetworkDriver, NetworkRecord } from './driver';
import { StepSandboxes } from './step-sandboxes';
import {
  allocateSubnet,
  defaultGateway,
  formatCidr,
  overlaps,
  parseCidr,
  type Subnet,
} from '../../network/ipam';

const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** What the container service needs to know about a container's use of networks. */
export interface NetworkUser {
  id: string;
  name: string;
  networks: Record<string, EndpointSettings>;
  running: boolean;
}

export class NetworkService {
  private readonly dir: string;
  private readonly networks = new Map<string, NetworkRecord>();
  private readonly drivers = new Map<string, NetworkDriver>();

  constructor(
    dataRoot: string,
    private readonly pools: AddressPool[],
    private readonly events: EventBus,
    private readonly users: () => NetworkUser[],
  ) {
    this.dir = join(dataRoot, 'networks');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.json')) continue;
      const rec = readJson<NetworkRecord>(join(this.dir, file));
      if (rec) this.networks.set(rec.Id, rec);
    }
    // The three networks every Docker host has, with stable ids across restarts.
    this.ensureBuiltin(
      'bridge',
      'bridge',
      this.pools.length ? formatCidr(parseCidr(this.pools[0].base)) : undefined,
    );
    this.ensureBuiltin('host', 'host');
    this.ensureBuiltin('none', 'null');
  }

  /** Subnets the host routes already (new networks stay clear of them); the bridge driver sets it. */
  hostRoutes: () => Subnet[] = () => [];

  /** The bridge driver (engine/src/network) registers itself here. */
  registerDriver(driver: NetworkDriver): void {
    this.drivers.set(driver.name, driver);
  }

  /** Every network's record (for the drivers). */
  records(): NetworkRecord[] {
    return [...this.networks.values()];
  }

  hasDriver(name: string): boolean {
    return this.drivers.has(name);
  }

  private ensureBuiltin(name: string, driver: string, subnet?: string): void {
    if ([...this.networks.values()].some((n) => n.Name === name)) return;
    const s = subnet ? parseCidr(subnet) : undefined;
    const rec: NetworkRecord = {
      Id: randomBytes(32).toString('hex'),
      Name: name,
      Driver: driver,
      Created: new Date().toISOString(),
      Scope: 'local',
      Internal: false,
      Attachable: false,
      EnableIPv6: false,
      IPAM: {
        Driver: 'default',
        Config: s ? [{ Subnet: formatCidr(s), Gateway: defaultGateway(s) }] : [],
        Options: null,
      },
      Options:
        name === 'bridge'
          ? { 'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.name': 'berth0' }
          : {},
      Labels: {},
      Builtin: true,
    };
    this.save(rec);
  }

  private save(rec: NetworkRecord): void {
    writeJsonAtomic(join(this.dir, `${rec.Id}.json`), rec);
    this.networks.set(rec.Id, rec);
  }

  /** By full id, name, or unique id prefix (names win, as in Docker). */
  find(idOrName: string): NetworkRecord {
    const all = [...this.networks.values()];
    const exact = all.find((n) => n.Id === idOrName) ?? all.find((n) => n.Name === idOrName);
    if (exact) return exact;
    const byPrefix = all.filter((n) => n.Id.startsWith(idOrName));
    if (byPrefix.length === 1) return byPrefix[0];
    if (byPrefix.length > 1)
      throw invalid(`network ${idOrName} is ambiguous (${byPrefix.length} matches found on id prefix)`);
    throw notFound(`network ${idOrName} not found`);
  }

  view(rec: NetworkRecord): Network {
    const containers: Network['Containers'] = {};
    for (const user of this.users()) {
      const ep = user.networks[rec.Name];
      if (!ep || !user.running) continue;
      containers[user.id] = {
        Name: user.name,
        EndpointID: ep.EndpointID ?? '',
        MacAddress: ep.MacAddress ?? '',
        IPv4Address: ep.IPAddress ? `${ep.IPAddress}/${ep.IPPrefixLen}` : '',
        IPv6Address: '',
      };
    }
    return {
      Name: rec.Name,
      Id: rec.Id,
      Created: rec.Created,
      Scope: rec.Scope,
      Driver: rec.Driver,
      EnableIPv6: rec.EnableIPv6,
      IPAM: rec.IPAM,
      Internal: rec.Internal,
      Attachable: rec.Attachable,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: containers,
      Options: rec.Options,
      Labels: rec.Labels,
    };
  }

  inspect(idOrName: string): Network {
    return this.view(this.find(idOrName));
  }

  list(filters: Filters): Network[] {
    return [...this.networks.values()]
      .filter((n) => !filters.name?.length || filters.name.some((v) => n.Name.includes(v)))
      .filter((n) => !filters.id?.length || filters.id.some((v) => n.Id.startsWith(v)))
      .filter((n) => !filters.driver?.length || filters.driver.includes(n.Driver))
      .filter(() => !filters.scope?.length || filters.scope.includes('local'))
      .filter((n) => !filters.type?.length || filters.type.includes(n.Builtin ? 'builtin' : 'custom'))
      .filter((n) => matchLabels(n.Labels, filters.label ?? []))
      .filter((n) => {
        const d = filters.dangling?.[0];
        if (d === undefined) return true;
        const unused = !n.Builtin && !this.inUse(n);
        return ['true', '1'].includes(d) ? unused : !unused;
      })
      .sort((a, b) => a.Name.localeCompare(b.Name))
      .map((n) => this.view(n));
  }

  private inUse(rec: NetworkRecord): boolean {
    return this.users().some((u) => rec.Name in u.networks);
  }

  async create(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    if (!namePattern.test(req.Name))
      throw invalid(`invalid network name ${JSON.stringify(req.Name)}: use [a-zA-Z0-9][a-zA-Z0-9_.-]`);
    if ([...this.networks.values()].some((n) => n.Name === req.Name)) {
      throw conflict(`network with name ${req.Name} already exists`);
    }
    const driver = req.Driver || 'bridge';
    if (driver === 'host' || driver === 'null') {
      throw forbidden(`only a single instance of "${driver}" network is allowed`);
    }
    if (driver !== 'bridge') {
      throw invalid(`network driver "${driver}" is not supported: Berth networks use the bridge driver`);
    }
    const used: Subnet[] = [...this.networks.values()].flatMap((n) =>
      n.IPAM.Config.filter((c) => c.Subnet).map((c) => parseCidr(c.Subnet!)),
    );
    const configs = (req.IPAM?.Config ?? []).filter((c) => c.Subnet || c.Gateway);
    let ipam: NetworkRecord['IPAM']['Config'];
    if (configs.length) {
      ipam = configs.map((c) => {
        if (!c.Subnet) throw invalid('a gateway needs a subnet: give --subnet too');
        const s = parseCidr(c.Subnet);
        if (
          used.some((u) => u.base < s.base + 2 ** (32 - s.prefix) && s.base < u.base + 2 ** (32 - u.prefix))
        ) {
          throw forbidden(`Pool overlaps with other one on this address space: ${c.Subnet}`);
        }
        return {
          Subnet: formatCidr(s),
          Gateway: c.Gateway || defaultGateway(s),
          ...(c.IPRange ? { IPRange: c.IPRange } : {}),
        };
      });
    } else {
      const s = allocateSubnet(this.pools, [...used, ...this.hostRoutes()]);
      ipam = [{ Subnet: formatCidr(s), Gateway: defaultGateway(s) }];
    }
    const rec: NetworkRecord = {
      Id: randomBytes(32).toString('hex'),
      Name: req.Name,
      Driver: driver,
      Created: new Date().toISOString(),
      Scope: 'local',
      Internal: !!req.Internal,
      Attachable: !!req.Attachable,
      EnableIPv6: !!req.EnableIPv6,
      IPAM: { Driver: req.IPAM?.Driver || 'default', Config: ipam, Options: req.IPAM?.Options ?? {} },
      Options: req.Options ?? {},
      Labels: req.Labels ?? {},
      Builtin: false,
    };
    const impl = this.drivers.get(driver);
    if (impl) await impl.createNetwork(rec);
    this.save(rec);
    this.events.publish('network', 'create', rec.Id, { name: rec.Name, type: rec.Driver });
    return {
      Id: rec.Id,
      Warning: impl
        ? ''
        : 'bridge networking is not available yet: containers on this network get loopback only',
    };
  }

  async remove(idOrName: string): Promise<void> {
    const rec = this.find(idOrName);
    if (rec.Builtin) throw forbidden(`${rec.Name} is a pre-defined network and cannot be removed`);
    const users = this.users().filter((u) => rec.Name in u.networks);
    if (users.length) {
      throw forbidden(
        `error while removing network: network ${rec.Name} id ${rec.Id} has active endpoints (${users.map((u) => u.name).join(', ')}); remove or disconnect those containers first`,
      );
    }
    await this.drivers.get(rec.Driver)?.removeNetwork(rec);
    rmSync(join(this.dir, `${rec.Id}.json`), { force: true });
    this.networks.delete(rec.Id);
    this.events.publish('network', 'destroy', rec.Id, { name: rec.Name, type: rec.Driver });
  }

  async prune(filters: Filters): Promise<{ NetworksDeleted: string[] }> {
    const deleted: string[] = [];
    const until = filters.until?.[0]
      ? Date.parse(filters.until[0]) || Number(filters.until[0]) * 1000
      : undefined;
    for (const rec of [...this.networks.values()]) {
      if (rec.Builtin || this.inUse(rec)) continue;
      if (!matchLabels(rec.Labels, filters.label ?? [])) continue;
      if (until !== undefined && Date.parse(rec.Created) > until) continue;
      await this.remove(rec.Id);
      deleted.push(rec.Name);
    }
    return { NetworksDeleted: deleted };
  }

  // ---- the container side -----------------------------------------------------------------------

  /** The network mode a container's HostConfig names, normalised (`default` is `bridge`). */
  static modeOf(networkMode: string | undefined): string {
    return !networkMode || networkMode === 'default' ? 'bridge' : networkMode;
  }

  /** Checks the modes a container asks for at create time; answers the networks it joins. */
  validateForContainer(
    networkMode: string | undefined,
    endpoints: Record<string, unknown>,
  ): { networks: string[]; warnings: string[] } {
    const mode = NetworkService.modeOf(networkMode);
    if (mode.startsWith('container:')) return { networks: [], warnings: [] };
    const primary = this.find(mode);
    // The CLI keys the primary endpoint by the mode as given (`default` for the default bridge).
    const given = networkMode || 'default';
    const names = [
      primary.Name,
      ...Object.keys(endpoints).filter((n) => n !== primary.Name && n !== mode && n !== given),
    ];
    for (const n of names.slice(1)) {
      const rec = this.find(n);
      if (rec.Driver === 'host' || rec.Driver === 'null') {
        throw invalid(`container cannot be connected to ${rec.Name} and other networks at once`);
      }
    }
    if (names.length > 1 && (primary.Driver === 'host' || primary.Driver === 'null')) {
      throw invalid(`container cannot be connected to network ${primary.Name} and other networks at once`);
    }
    const warnings: string[] = [];
    if (primary.Driver === 'bridge' && !this.drivers.has('bridge')) {
      warnings.push(
        'bridge networking is not available in this build yet: the container gets its own network namespace with loopback only (use --network host to reach the network)',
      );
    }
    return { networks: names.map((n) => this.find(n).Name), warnings };
  }

  /** Sets up the network namespace and endpoints of a starting container. */
  async attach(
    container: {
      id: string;
      name: string;
      hostname: string;
      networkMode?: string;
      endpoints: Record<string, EndpointSettings>;
      /** Ports to publish (through the first network). */
      ports?: PortRequest[];
      /** The container's --dns servers. */
      dns?: string[];
    },
    containerPid: (id: string) => number,
  ): Promise<{
    sandbox: NetworkNamespace;
    endpoints: Record<string, EndpointSettings>;
    ports: PortMapping[];
  }> {
    const mode = NetworkService.modeOf(container.networkMode);
    if (mode.startsWith('container:')) {
      const pid = containerPid(mode.slice('container:'.length));
      return { sandbox: { kind: 'path', path: `/proc/${pid}/ns/net` }, endpoints: {}, ports: [] };
    }
    const names = Object.keys(container.endpoints);
    const primary = this.find(names[0] ?? mode);
    const connected = (endpoints: Record<string, EndpointSettings>): void => {
      for (const n of Object.keys(endpoints)) {
        const rec = this.find(n);
        this.events.publish('network', 'connect', rec.Id, {
          container: container.id,
          name: n,
          type: rec.Driver,
        });
      }
    };
    if (primary.Driver === 'host' || primary.Driver === 'null') {
      const endpoints = { [primary.Name]: this.endpointBase(primary) };
      connected(endpoints);
      return {
        sandbox: primary.Driver === 'host' ? { kind: 'host' } : { kind: 'new' },
        endpoints,
        ports: [],
      };
    }
    const driver = this.drivers.get(primary.Driver);
    if (!driver) {
      // No bridge driver in this build: an isolated namespace, the endpoints recorded without addresses.
      const endpoints: Record<string, EndpointSettings> = {};
      for (const n of names) endpoints[n] = { ...container.endpoints[n], ...this.endpointBase(this.find(n)) };
      connected(endpoints);
      return { sandbox: { kind: 'new' }, endpoints, ports: [] };
    }
    const sandbox = await driver.createSandbox(container.id);
    const endpoints: Record<string, EndpointSettings> = {};
    let ports: PortMapping[] = [];
    try {
      for (const [i, n] of names.entries()) {
        const rec = this.find(n);
        const requested = container.endpoints[n] ?? {};
        const joined = await driver.join(rec, sandbox, {
          containerId: container.id,
          containerName: container.name,
          hostname: container.hostname,
          aliases: requested.Aliases ?? [],
          ipv4Address: requested.IPAMConfig?.IPv4Address || undefined,
          macAddress: requested.MacAddress,
          ports: i === 0 ? container.ports : undefined,
          dns: container.dns,
        });
        endpoints[n] = { ...requested, ...joined.settings, NetworkID: rec.Id };
        if (i === 0) ports = joined.ports;
      }
    } catch (err) {
      await this.detach(container.id, sandbox, endpoints);
      throw err;
    }
    connected(endpoints);
    return { sandbox, endpoints, ports };
  }

  /**
   * Whether the container's /etc/resolv.conf names the embedded DNS server (127.0.0.11): it is
   * on a user-defined network, as with Docker (the default bridge keeps the host's resolvers).
   */
  usesEmbeddedDns(endpoints: Record<string, EndpointSettings>): boolean {
    return Object.keys(endpoints).some((n) => {
      const rec = [...this.networks.values()].find((r) => r.Name === n);
      return !!rec && !rec.Builtin && rec.Driver === 'bridge' && this.drivers.has('bridge');
    });
  }

  /** At daemon start, after containers were re-adopted: see NetworkDriver.recover. */
  async recover(live: LiveSandbox[]): Promise<void> {
    for (const driver of this.drivers.values()) await driver.recover(live, [...this.networks.values()]);
  }

  /**
   * The default bridge as configured (bridge name, subnet): the record follows the configuration
   * while no container uses it. Without an explicit subnet, the first pool subnet that overlaps
   * no other network and no route of the host.
   */
  configureDefaultBridge(bridge: string, subnet: string | undefined, hostRoutes: Subnet[]): void {
    const rec = [...this.networks.values()].find((n) => n.Builtin && n.Name === 'bridge');
    if (!rec || this.inUse(rec)) return;
    const current = rec.IPAM.Config[0]?.Subnet ? parseCidr(rec.IPAM.Config[0].Subnet) : undefined;
    const others = [...this.networks.values()]
      .filter((n) => n.Id !== rec.Id)
      .flatMap((n) => n.IPAM.Config.filter((c) => c.Subnet).map((c) => parseCidr(c.Subnet!)));
    let s: Subnet;
    let gateway: string;
    if (subnet) {
      // --bip gives the bridge's own address in CIDR form: 172.30.0.1/16.
      s = parseCidr(subnet);
      const ip = subnet.split('/')[0];
      gateway = ip === formatCidr(s).split('/')[0] ? defaultGateway(s) : ip;
    } else if (current && ![...others, ...hostRoutes].some((u) => overlaps(u, current))) {
      s = current;
      gateway = rec.IPAM.Config[0].Gateway || defaultGateway(s);
    } else {
      s = allocateSubnet(this.pools, [...others, ...hostRoutes]);
      gateway = defaultGateway(s);
    }
    const options = { ...rec.Options, 'com.docker.network.bridge.name': bridge };
    const config = [{ Subnet: formatCidr(s), Gateway: gateway }];
    if (
      JSON.stringify(rec.IPAM.Config) === JSON.stringify(config) &&
      JSON.stringify(rec.Options) === JSON.stringify(options)
    )
      return;
    this.save({ ...rec, IPAM: { ...rec.IPAM, Config: config }, Options: options });
  }

  /**
   * Tears down what attach made (the container stopped). Every endpoint and the namespace get their
   * turn; the first failure is thrown after (the caller logs it).
   */
  async detach(
    containerId: string,
    sandbox: NetworkNamespace,
    endpoints: Record<string, EndpointSettings>,
  ): Promise<void> {
    let failure: unknown;
    for (const [name, ep] of Object.entries(endpoints)) {
      let rec: NetworkRecord;
      try {
        rec = this.find(name);
      } catch {
        continue;
      }
      const driver = this.drivers.get(rec.Driver);
      if (driver && ep.EndpointID)
        await driver.leave(rec, sandbox, ep).catch((err: unknown) => (failure ??= err));
      this.events.publish('network', 'disconnect', rec.Id, {
        container: containerId,
        name,
        type: rec.Driver,
      });
    }
    const bridge = this.drivers.get('bridge');
    if (bridge && sandbox.kind === 'path' && !sandbox.path.startsWith('/proc/'))
      await bridge.destroySandbox(containerId, sandbox);
    if (failure) throw failure;
  }

  private steps: StepSandboxes | undefined;

  /**
   * A build's RUN step on the default bridge network (Docker's classic builder runs steps there),
   * or undefined when there is no bridge driver (steps then use the host's network). Namespaces are
   * kept between steps (see StepSandboxes).
   */
  stepBridge(resolvConf: () => string): StepBridge | undefined {
    const driver = this.drivers.get('bridge');
    if (!driver) return undefined;
    const steps = (this.steps ??= new StepSandboxes(driver, () => this.find('bridge')));
    return (stepId) => steps.lease(stepId, resolvConf());
  }

  /** Tears down the namespaces kept for build steps (the daemon stops). */
  async shutdown(): Promise<void> {
    await this.steps?.drain();
  }

  /** Connecting a running container needs a driver that can add an endpoint to its namespace. */
  async connectRunning(
    rec: NetworkRecord,
    sandbox: NetworkNamespace,
    container: { id: string; name: string; hostname: string },
    requested: EndpointSettings,
  ): Promise<EndpointSettings> {
    const driver = this.drivers.get(rec.Driver);
    if (!driver || sandbox.kind !== 'path') {
      throw unavailable(
        `cannot connect a running container to network ${rec.Name}: bridge networking is not available in this build yet`,
      );
    }
    const { settings: ep } = await driver.join(rec, sandbox, {
      containerId: container.id,
      containerName: container.name,
      hostname: container.hostname,
      aliases: requested.Aliases ?? [],
      ipv4Address: requested.IPAMConfig?.IPv4Address || undefined,
      macAddress: requested.MacAddress,
    });
    this.events.publish('network', 'connect', rec.Id, {
      container: container.id,
      name: rec.Name,
      type: rec.Driver,
    });
    return { ...requested, ...ep, NetworkID: rec.Id };
  }

  async disconnectRunning(
    rec: NetworkRecord,
    sandbox: NetworkNamespace,
    containerId: string,
    ep: EndpointSettings,
  ): Promise<void> {
    const driver = this.drivers.get(rec.Driver);
    if (driver && ep.EndpointID) await driver.leave(rec, sandbox, ep);
    this.events.publish('network', 'disconnect', rec.Id, {
      container: containerId,
      name: rec.Name,
      type: rec.Driver,
    });
  }

  private endpointBase(rec: NetworkRecord): EndpointSettings {
    return { NetworkID: rec.Id, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' };
  }
}
