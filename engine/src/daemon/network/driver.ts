// The seam the networking issue (#7) fills: a network driver gives containers their network
// namespace and endpoints. Berth itself provides `host` and `null` (none); `bridge` is registered
// by the bridge driver when present.
import type { EndpointSettings } from '../../api/types';
import type { NetworkNamespace } from '../spec/generate';

export interface NetworkRecord {
  Id: string;
  Name: string;
  Driver: string;
  Created: string;
  Scope: 'local';
  Internal: boolean;
  Attachable: boolean;
  EnableIPv6: boolean;
  IPAM: {
    Driver: string;
    Config: { Subnet?: string; Gateway?: string; IPRange?: string }[];
    Options: Record<string, string> | null;
  };
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** bridge, host and none: made by the daemon, cannot be removed. */
  Builtin: boolean;
}

export interface EndpointRequest {
  containerId: string;
  containerName: string;
  hostname: string;
  aliases: string[];
  /** Requested static address (IPAMConfig.IPv4Address). */
  ipv4Address?: string;
  macAddress?: string;
}

export interface NetworkDriver {
  readonly name: string;
  /** Sets up what the network needs on the host (a bridge device, NAT rules). */
  createNetwork(net: NetworkRecord): Promise<void>;
  removeNetwork(net: NetworkRecord): Promise<void>;
  /** A network namespace for a container whose first network uses this driver. */
  createSandbox(containerId: string): Promise<NetworkNamespace>;
  destroySandbox(containerId: string, sandbox: NetworkNamespace): Promise<void>;
  /** Connects the sandbox to the network; answers the endpoint (address, gateway, MAC). */
  join(net: NetworkRecord, sandbox: NetworkNamespace, endpoint: EndpointRequest): Promise<EndpointSettings>;
  leave(net: NetworkRecord, sandbox: NetworkNamespace, endpoint: EndpointSettings): Promise<void>;
}
