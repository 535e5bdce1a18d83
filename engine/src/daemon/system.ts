// /version, /info and /system/df: what the daemon and the host are.
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type * as T from '../api/types';
import { apiVersion, minApiVersion } from '../api/types';
import { berthVersion } from '../version';

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
  cgroupVersion: '1' | '2';
  insecureRegistries: string[];
  eventListeners: number;
  rootless: boolean;
  warnings: string[];
}

export function systemInfo(input: InfoInput): T.InfoResponse {
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
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: input.cgroupVersion === '1',
    IPv4Forwarding: readFirst('/proc/sys/net/ipv4/ip_forward') === '1',
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: input.cgroupVersion,
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
      ...(input.cgroupVersion === '2' ? ['name=cgroupns'] : []),
      ...(input.rootless ? ['name=rootless'] : []),
    ],
    Warnings: input.warnings,
  };
}

function readFirst(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
