// /version, /info and /system/df: what the daemon and the host are.
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type * as T from '../api/types';
import { apiVersion, minApiVersion } from '../api/types';
import { berthVersion } from '../version';
import { type CgroupSupport, canEnforce } from './spec/limits';

const goArch: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  s390x: 's390x',
  ppc64: 'ppc64le',
};
const dockerArch: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ia32: 'i386',
  s390x: 's390x',
  ppc64: 'ppc64le',
};

export function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : 'Linux';
  } catch {
    return 'Linux';
  }
}

export function versionInfo(): T.VersionResponse {
  return {
    Platform: { Name: 'Berth Engine' },
    Components: [
      {
        Name: 'Engine',
        Version: berthVersion,
        Details: {
          ApiVersion: apiVersion,
          MinAPIVersion: minApiVersion,
          Os: 'linux',
          Arch: goArch[arch()] ?? arch(),
          KernelVersion: release(),
        },
      },
      { Name: 'berth-runtime', Version: berthVersion },
      { Name: 'node', Version: process.version },
    ],
    Version: berthVersion,
    ApiVersion: apiVersion,
    MinAPIVersion: minApiVersion,
    GitCommit: '',
    GoVersion: `node ${process.version}`,
    Os: 'linux',
    Arch: goArch[arch()] ?? arch(),
    KernelVersion: release(),
    BuildTime: '',
  };
}

export interface InfoInput {
  id: string;
  containers: { running: number; paused: number; stopped: number };
  images: number;
  dataRoot: string;
  cgroup: CgroupSupport;
  insecureRegistries: string[];
  eventListeners: number;
  rootless: boolean;
  warnings: string[];
}

/** Docker's warnings for limits the host cannot enforce (rootless berthd: what is not delegated). */
function limitWarnings(cgroup: CgroupSupport): string[] {
  const missing: [string, string][] = [
    ['memory', 'WARNING: No memory limit support'],
    ['cpu', 'WARNING: No cpu cfs quota support'],
    ['cpu', 'WARNING: No cpu shares support'],
    ['cpuset', 'WARNING: No cpuset support'],
    ['pids', 'WARNING: No pids limit support'],
  ];
  return missing.filter(([c]) => !canEnforce(cgroup, c)).map(([, w]) => w);
}

export function systemInfo(input: InfoInput): T.InfoResponse {
  const can = (controller: string): boolean => canEnforce(input.cgroup, controller);
  const total = input.containers.running + input.containers.paused + input.containers.stopped;
  return {
    ID: input.id,
    Containers: total,
    ContainersRunning: input.containers.running,
    ContainersPaused: input.containers.paused,
    ContainersStopped: input.containers.stopped,
    Images: input.images,
    Driver: 'overlay2',
    DriverStatus: [
      ['Backing Filesystem', 'extfs'],
      ['Supports d_type', 'true'],
    ],
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'null'],
      Authorization: null,
      Log: ['json-file'],
    },
    MemoryLimit: can('memory'),
    SwapLimit: can('memory'),
    CpuCfsPeriod: can('cpu'),
    CpuCfsQuota: can('cpu'),
    CPUShares: can('cpu'),
    CPUSet: can('cpuset'),
    PidsLimit: can('pids'),
    OomKillDisable: input.cgroup.version === '1' && can('memory'),
    IPv4Forwarding: readFirst('/proc/sys/net/ipv4/ip_forward') === '1',
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: input.cgroup.driver,
    CgroupVersion: input.cgroup.version,
    NEventsListener: input.eventListeners,
    KernelVersion: release(),
    OperatingSystem: osName(),
    OSVersion: '',
    OSType: 'linux',
    Architecture: dockerArch[arch()] ?? arch(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      InsecureRegistryCIDRs: input.insecureRegistries.filter((r) => r.includes('/')),
      IndexConfigs: Object.fromEntries(
        input.insecureRegistries
          .filter((r) => !r.includes('/'))
          .map((r) => [r, { Name: r, Mirrors: [], Secure: false, Official: false }]),
      ),
      Mirrors: [],
    },
    NCPU: cpus().length,
    MemTotal: totalmem(),
    DockerRootDir: input.dataRoot,
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: berthVersion,
    Runtimes: { 'berth-runtime': { path: 'berth-runtime' } },
    DefaultRuntime: 'berth-runtime',
    Swarm: { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '' },
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: 'berth-init',
    SecurityOptions: [
      'name=seccomp,profile=builtin',
      ...(input.cgroup.version === '2' ? ['name=cgroupns'] : []),
      ...(input.rootless ? ['name=rootless'] : []),
    ],
    Warnings: [...input.warnings, ...limitWarnings(input.cgroup)],
  };
}

function readFirst(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
