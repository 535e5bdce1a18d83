// What the daemon keeps about a container, on disk as <data-root>/containers/<id>/container.json,
// and the Engine API views of it (inspect, list).
import type {
  ContainerConfig,
  ContainerInspect,
  ContainerState,
  ContainerSummary,
  EndpointSettings,
  HostConfig,
  MountPoint,
  Port,
} from '../../api/types';
import { type PortMapping, portMap } from '../../network/ports';
import type { PlannedMount } from '../spec/mounts';
import type { NetworkNamespace } from '../spec/generate';
import { humanStatus } from './state';

export interface ContainerRecord {
  Id: string;
  /** Without the leading slash the API shows. */
  Name: string;
  Created: string;
  /** The effective configuration (the image's merged with the request). */
  Config: ContainerConfig;
  HostConfig: HostConfig;
  /** The image ID (`sha256:…`) the container was made from. */
  Image: string;
  State: ContainerState;
  RestartCount: number;
  /** Stopped by the user (stop/kill), so `unless-stopped` does not bring it back. */
  ManuallyStopped: boolean;
  /** Mounts with volume names decided (anonymous volumes named at create). */
  Mounts: PlannedMount[];
  /** Endpoints by network name (requested at create; addresses filled while running). */
  Networks: Record<string, EndpointSettings>;
  /** The network namespace while running (path kinds are re-joined by exec). */
  Sandbox?: NetworkNamespace;
  /** Host ports held for the container while it runs. */
  Ports?: PortMapping[];
  ExecIDs: string[];
}

export function newState(): ContainerState {
  return {
    Status: 'created',
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: 0,
    ExitCode: 0,
    Error: '',
    StartedAt: '0001-01-01T00:00:00Z',
    FinishedAt: '0001-01-01T00:00:00Z',
  };
}

export interface ContainerPaths {
  dir: string;
  logPath: string;
  hostsPath: string;
  resolvConfPath: string;
  hostnamePath: string;
}

function mountPoints(rec: ContainerRecord, volumePath: (name: string) => string): MountPoint[] {
  return rec.Mounts.map((m): MountPoint => {
    switch (m.type) {
      case 'bind':
        return {
          Type: 'bind',
          Source: m.source,
          Destination: m.destination,
          Mode: m.readOnly ? 'ro' : '',
          RW: !m.readOnly,
          Propagation: m.propagation,
        };
      case 'volume':
        return {
          Type: 'volume',
          Name: m.name,
          Source: volumePath(m.name ?? ''),
          Destination: m.destination,
          Driver: 'local',
          Mode: m.readOnly ? 'ro' : 'z',
          RW: !m.readOnly,
          Propagation: '',
        };
      case 'tmpfs':
        return {
          Type: 'tmpfs',
          Source: '',
          Destination: m.destination,
          Mode: m.options.join(','),
          RW: !m.options.includes('ro'),
          Propagation: '',
        };
    }
  });
}

export function inspectView(
  rec: ContainerRecord,
  paths: ContainerPaths,
  volumePath: (name: string) => string,
  graphDriver: Record<string, string> | null,
): ContainerInspect {
  const args = [...(rec.Config.Entrypoint ?? []), ...(rec.Config.Cmd ?? [])];
  const primary = Object.values(rec.Networks)[0];
  return {
    Id: rec.Id,
    Created: rec.Created,
    Path: args[0] ?? '',
    Args: args.slice(1),
    State: rec.State,
    Image: rec.Image,
    ResolvConfPath: paths.resolvConfPath,
    HostnamePath: paths.hostnamePath,
    HostsPath: paths.hostsPath,
    LogPath: paths.logPath,
    Name: `/${rec.Name}`,
    RestartCount: rec.RestartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: rec.ExecIDs.length ? rec.ExecIDs : null,
    HostConfig: rec.HostConfig,
    GraphDriver: { Name: 'overlay2', Data: graphDriver },
    Mounts: mountPoints(rec, volumePath),
    Config: rec.Config,
    NetworkSettings: {
      Bridge: '',
      SandboxID: rec.Sandbox ? rec.Id : '',
      SandboxKey: rec.Sandbox?.kind === 'path' ? rec.Sandbox.path : '',
      Ports: portMap(rec.Config.ExposedPorts, rec.Ports ?? []),
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: primary?.EndpointID ?? '',
      Gateway: primary?.Gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: primary?.IPAddress ?? '',
      IPPrefixLen: primary?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: primary?.MacAddress ?? '',
      Networks: rec.Networks,
    },
  };
}

/** Docker's `Command` column: path and args, an arg with a space in single quotes. */
export function commandText(config: ContainerConfig): string {
  const [path = '', ...args] = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

export function summaryView(
  rec: ContainerRecord,
  imageName: string,
  volumePath: (name: string) => string,
  now = Date.now(),
): ContainerSummary {
  const published = rec.Ports ?? [];
  const portList: Port[] = [
    ...published.map((m) => ({
      IP: m.hostIP || '0.0.0.0',
      PrivatePort: m.containerPort,
      PublicPort: m.hostPort,
      Type: m.protocol,
    })),
    ...Object.keys(rec.Config.ExposedPorts ?? {})
      .map((p) => p.split('/'))
      .filter(
        ([port, proto = 'tcp']) =>
          !published.some((m) => m.containerPort === Number(port) && m.protocol === proto),
      )
      .map(([port, proto]) => ({ PrivatePort: Number(port), Type: proto ?? 'tcp' })),
  ];
  return {
    Id: rec.Id,
    Names: [`/${rec.Name}`],
    Image: imageName,
    ImageID: rec.Image,
    Command: commandText(rec.Config),
    Created: Math.floor(Date.parse(rec.Created) / 1000),
    Ports: portList,
    Labels: rec.Config.Labels ?? {},
    State: rec.State.Status,
    Status: humanStatus(rec.State, now),
    HostConfig: { NetworkMode: rec.HostConfig.NetworkMode || 'default' },
    NetworkSettings: { Networks: rec.Networks },
    Mounts: mountPoints(rec, volumePath),
  };
}
