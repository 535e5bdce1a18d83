// The seam between the daemon and container networking: a network driver gives containers their
// network namespace and endpoints. Berth itself provides `host` and `null` (none); `bridge` is
// engine/src/network's BridgeDriver (CNI plugins), registered when the host can run it.
import type { EndpointSettings } from '../../api/types';
import type { PortMapping, PortRequest } from '../../network/ports';
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
  /** Ports published through this endpoint (only the container's first network publishes). */
  ports?: PortRequest[];
  /** The container's own DNS servers (--dns), for names the embedded DNS server does not own. */
  dns?: string[];
}

export interface JoinedEndpoint {
  settings: EndpointSettings;
  /** The host ports held for the container through this endpoint. */
  ports: PortMapping[];
}

/** A container that kept running while berthd was away, as its record has it. */
export interface LiveSandbox {
  containerId: string;
  sandbox: NetworkNamespace;
  endpoints: Record<string, EndpointSettings>;
}

export interface NetworkDriver {
  readonly name: string;
  /** Sets up what the network needs on the host (isolation from the other networks). */
  createNetwork(net: NetworkRecord): Promise<void>;
  removeNetwork(net: NetworkRecord): Promise<void>;
  /** A network namespace for a container whose first network uses this driver. */
  createSandbox(containerId: string): Promise<NetworkNamespace>;
  destroySandbox(containerId: string, sandbox: NetworkNamespace): Promise<void>;
  /** Connects the sandbox to the network; answers the endpoint (address, gateway, MAC) and ports. */
  join(net: NetworkRecord, sandbox: NetworkNamespace, endpoint: EndpointRequest): Promise<JoinedEndpoint>;
  leave(net: NetworkRecord, sandbox: NetworkNamespace, endpoint: EndpointSettings): Promise<void>;
  /**
   * At daemon start, once containers are re-adopted: takes up again what the running ones hold
   * (ports, DNS), and undoes every endpoint and namespace an earlier berthd left behind otherwise.
   */
  recover(live: LiveSandbox[], networks: NetworkRecord[]): Promise<void>;
}
