// What the container modules share: the services they call and the host facts they need.
import type { DaemonCalls } from '../../runtime/linux/daemon-calls';
import type { DaemonConfig } from '../config';
import type { EventBus } from '../events';
import type { ImageService } from '../images';
import type { Logger } from '../logger';
import type { NetworkService } from '../network/service';
import type { SeccompProfile } from '../../runtime/seccomp/profile';
import type { VolumeService } from '../volumes';
import type { ContainerRuntime } from './runtime-port';
import type { CgroupSupport } from '../spec/limits';
import type { ContainerStore } from './store';

export interface HostFacts {
  hostname: string;
  nofileHard: number;
  /**
   * What containers' cgroups can enforce (limits.ts): everything as root; rootless, what the host
   * delegates (rootless/cgroup-delegation.ts) — limits beyond that are dropped with a warning each.
   */
  cgroup: CgroupSupport;
  /** The host's /etc/resolv.conf and /etc/hosts. */
  resolvConf: () => string;
  hostsFile: () => string;
}

export interface ContainerDeps {
  store: ContainerStore;
  images: ImageService;
  volumes: VolumeService;
  networks: NetworkService;
  runtime: ContainerRuntime;
  events: EventBus;
  logger: Logger;
  calls: DaemonCalls;
  config: DaemonConfig;
  /** Docker's default seccomp profile (Docker format). */
  seccomp: SeccompProfile;
  /** The reaper for --init, when built. */
  initBinary?: string;
  host: HostFacts;
}
