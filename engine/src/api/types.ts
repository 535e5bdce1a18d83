// The Docker Engine API types Berth speaks (v1.45 shapes), declared once: the API routes, the daemon,
// the berth CLI and the extension all use these. Field names and casing are the wire format.

export const apiVersion = '1.45';
export const minApiVersion = '1.24';

// ---- containers -------------------------------------------------------------------------------

export interface HealthConfig {
  /** `[]` inherit, `["NONE"]` disable, `["CMD", args…]`, `["CMD-SHELL", command]`. */
  Test?: string[];
  /** Nanoseconds; 0 means inherit (Docker's default 30 s). */
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig | null;
  ArgsEscaped?: boolean | null;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  NetworkDisabled?: boolean;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Shell?: string[] | null;
}

export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface LogConfig {
  Type?: string;
  Config?: Record<string, string>;
}

export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface MountSpec {
  Target: string;
  Source?: string;
  Type: 'bind' | 'volume' | 'tmpfs';
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
    Subpath?: string;
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface HostConfig {
  Binds?: string[] | null;
  ContainerIDFile?: string;
  LogConfig?: LogConfig;
  NetworkMode?: string;
  PortBindings?: Record<string, PortBinding[] | null> | null;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  VolumeDriver?: string;
  VolumesFrom?: string[] | null;
  Mounts?: MountSpec[] | null;
  ConsoleSize?: [number, number] | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  CgroupnsMode?: string;
  Dns?: string[] | null;
  DnsOptions?: string[] | null;
  DnsSearch?: string[] | null;
  ExtraHosts?: string[] | null;
  GroupAdd?: string[] | null;
  IpcMode?: string;
  Cgroup?: string;
  Links?: string[] | null;
  OomScoreAdj?: number;
  PidMode?: string;
  Privileged?: boolean;
  PublishAllPorts?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  StorageOpt?: Record<string, string> | null;
  Tmpfs?: Record<string, string> | null;
  UTSMode?: string;
  UsernsMode?: string;
  ShmSize?: number;
  Sysctls?: Record<string, string> | null;
  Runtime?: string;
  Isolation?: string;
  Init?: boolean | null;
  // Resources
  CpuShares?: number;
  Memory?: number;
  NanoCpus?: number;
  CgroupParent?: string;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[] | null;
  MemoryReservation?: number;
  MemorySwap?: number;
  MemorySwappiness?: number | null;
  OomKillDisable?: boolean | null;
  PidsLimit?: number | null;
  Ulimits?: Ulimit[] | null;
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
}

export interface EndpointSettings {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  DriverOpts?: Record<string, string> | null;
  DNSNames?: string[] | null;
}

export interface NetworkingConfig {
  EndpointsConfig?: Record<string, EndpointSettings> | null;
}

export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: NetworkingConfig;
}

export interface ContainerCreateResponse {
  Id: string;
  Warnings: string[];
}

export type ContainerStatus =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface Health {
  Status: 'none' | 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: Health;
}

export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  Ports: Record<string, PortBinding[] | null>;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: NetworkSettings;
}

export interface Port {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: Port[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string>;
  State: ContainerStatus;
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  Mounts: MountPoint[];
}

export interface ContainerWaitResponse {
  StatusCode: number;
  Error?: { Message: string } | null;
}

export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][];
}

export interface FilesystemChange {
  Path: string;
  /** 0 modified, 1 added, 2 deleted. */
  Kind: 0 | 1 | 2;
}

/** The `X-Docker-Container-Path-Stat` header of `HEAD /containers/{id}/archive` (base64 JSON). */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ContainerStats {
  read: string;
  preread: string;
  id: string;
  name: string;
  num_procs: number;
  pids_stats: { current?: number; limit?: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number; max_usage?: number; stats?: Record<string, number> };
  blkio_stats: {
    io_service_bytes_recursive: { major: number; minor: number; op: string; value: number }[] | null;
  };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number; rx_packets: number; tx_packets: number }>;
}

export interface CpuStats {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface ContainerUpdateRequest {
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  PidsLimit?: number | null;
  RestartPolicy?: RestartPolicy;
}

// ---- exec ------------------------------------------------------------------------------------

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ConsoleSize?: [number, number] | null;
  DetachKeys?: string;
  Tty?: boolean;
  Env?: string[] | null;
  Cmd: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export interface ExecStartConfig {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
}

export interface ExecInspect {
  CanRemove: boolean;
  DetachKeys: string;
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: { privileged: boolean; user: string; tty: boolean; entrypoint: string; arguments: string[] };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  ContainerID: string;
  Pid: number;
}

// ---- images ----------------------------------------------------------------------------------

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string>;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: ContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export type { ImageHistoryItem } from '../store/views';

export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

/** One line of a JSON progress stream (pull, push, load, build). */
export interface JsonMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { code?: number; message: string };
}

/** The decoded `X-Registry-Auth` header and the body of `POST /auth`. */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface AuthResponse {
  Status: string;
  IdentityToken?: string;
}

// ---- volumes and networks --------------------------------------------------------------------

export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Status?: Record<string, unknown>;
  Labels: Record<string, string>;
  Scope: 'local' | 'global';
  Options: Record<string, string>;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

export interface VolumeListResponse {
  Volumes: Volume[];
  Warnings: string[];
}

export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkCreateRequest {
  Name: string;
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  IPAM?: { Driver?: string; Config?: IpamConfig[]; Options?: Record<string, string> };
  EnableIPv6?: boolean;
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
}

export interface NetworkContainer {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

export interface Network {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Config: IpamConfig[]; Options: Record<string, string> | null };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, NetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: EndpointSettings;
}

export interface NetworkDisconnectRequest {
  Container: string;
  Force?: boolean;
}

// ---- system ----------------------------------------------------------------------------------

export interface VersionResponse {
  Platform: { Name: string };
  Components: { Name: string; Version: string; Details?: Record<string, string> }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  BuildTime: string;
}

export interface InfoResponse {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: [string, string][];
  Plugins: { Volume: string[]; Network: string[]; Authorization: null; Log: string[] };
  MemoryLimit: boolean;
  SwapLimit: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  OomKillDisable: boolean;
  IPv4Forwarding: boolean;
  Debug: boolean;
  NFd: number;
  NGoroutines: number;
  SystemTime: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  NEventsListener: number;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  IndexServerAddress: string;
  RegistryConfig: {
    InsecureRegistryCIDRs: string[];
    IndexConfigs: Record<string, { Name: string; Mirrors: string[]; Secure: boolean; Official: boolean }>;
    Mirrors: string[];
  };
  NCPU: number;
  MemTotal: number;
  DockerRootDir: string;
  Name: string;
  Labels: string[];
  ExperimentalBuild: boolean;
  ServerVersion: string;
  Runtimes: Record<string, { path: string }>;
  DefaultRuntime: string;
  Swarm: {
    LocalNodeState: 'inactive';
    NodeID: string;
    NodeAddr: string;
    ControlAvailable: boolean;
    Error: string;
  };
  LiveRestoreEnabled: boolean;
  Isolation: string;
  InitBinary: string;
  SecurityOptions: string[];
  Warnings: string[];
}

/** The filters GET /events takes (the docker CLI's `events --filter` keys). */
export const eventFilters = [
  'container',
  'daemon',
  'event',
  'image',
  'label',
  'network',
  'scope',
  'type',
  'volume',
] as const;

export interface EventMessage {
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'builder';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // Deprecated fields docker-py and older clients still read.
  status?: string;
  id?: string;
  from?: string;
}

export interface SystemDfResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: Volume[];
  BuildCache: unknown[];
}

export interface PruneReport {
  /** ContainersDeleted, ImagesDeleted, VolumesDeleted or NetworksDeleted, by kind. */
  [deleted: string]: unknown;
  SpaceReclaimed?: number;
}

/** `filters` query parameter: `{"label":["a=b"],"status":["running"]}` (also the old map form). */
export type Filters = Record<string, string[]>;
