// The OCI spec for a container: Docker's defaults (capabilities, seccomp, masked and read-only
// paths, /dev, /proc, /sys mounts) adjusted by the container's configuration, as dockerd and
// containerd generate it. Pure: everything it needs is passed in, so it is unit-tested without root.
import type { ContainerConfig, HostConfig } from '../../api/types';
import { invalid } from '../errors';
import {
  defaultMaskedPaths,
  defaultMounts,
  defaultPath,
  defaultReadonlyPaths,
  defaultShmSize,
} from '../../oci/docker-defaults';
import { type CgroupSupport, dropUnenforceable } from './limits';
import { bindOptions, type ResolvedMount, sortMounts } from './mounts';
import type { LinuxNamespace, Mount, Spec } from '../../oci/runtime-spec';
import { checkSysctls, hostDevices, linuxResources, rlimits } from './resources';
import { expandSeccompProfile, type SeccompProfile } from '../../runtime/seccomp/profile';
import { effectiveCapabilities, parseSecurityOpts } from './security';
import type { ResolvedUser } from '../../fs/etc-passwd';

/** Where `--init`'s reaper appears inside the container (Docker's path, which some images expect). */
export const initPathInContainer = '/sbin/docker-init';

export type NetworkNamespace = { kind: 'host' } | { kind: 'new' } | { kind: 'path'; path: string };

export interface SpecInput {
  id: string;
  /** The effective configuration: the image's merged with the container's. */
  config: ContainerConfig;
  host: HostConfig;
  rootfs: string;
  user: ResolvedUser;
  /** User mounts with sources resolved (binds, volume directories, tmpfs). */
  mounts: ResolvedMount[];
  /** Generated /etc files, bind-mounted unless the user mounts something there. */
  etcFiles: { hosts?: string; resolvConf?: string; hostname?: string };
  network: NetworkNamespace;
  cgroupsPath: string;
  /** Docker's default seccomp profile (Docker format). */
  defaultSeccomp: SeccompProfile;
  /** Host path of the reaper for `--init`. */
  initBinary?: string;
  hostNofileHard: number;
  /** The host runs the unified cgroup v2 hierarchy only (a private cgroup namespace by default). */
  cgroupV2: boolean;
  /** What the runtime's cgroups can enforce (rootless: maybe nothing); the spec asks for no more. */
  cgroup?: CgroupSupport;
  /** Host name of the machine (for `--network host` / `--uts host`). */
  hostHostname: string;
}

/** Entrypoint + Cmd; Docker refuses a container with neither. */
export function commandLine(config: ContainerConfig): string[] {
  const args = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (args.length === 0)
    throw invalid('no command specified: give a command, or use an image with CMD or ENTRYPOINT');
  return args;
}

export function containerHostname(
  id: string,
  config: ContainerConfig,
  host: HostConfig,
  hostHostname: string,
): string {
  if (config.Hostname) return config.Hostname;
  if (host.NetworkMode === 'host' || host.UTSMode === 'host') return hostHostname;
  return id.slice(0, 12);
}

function envName(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}

/** The process environment: PATH and HOSTNAME first, the container's own, TERM for a TTY, HOME. */
export function processEnv(config: ContainerConfig, hostname: string, home: string): string[] {
  const env = [...(config.Env ?? [])];
  const has = (name: string): boolean => env.some((e) => envName(e) === name);
  const out: string[] = [];
  if (!has('PATH')) out.push(defaultPath);
  out.push(`HOSTNAME=${hostname}`);
  out.push(...env.filter((e) => envName(e) !== 'HOSTNAME'));
  if (config.Tty && !has('TERM')) out.push('TERM=xterm');
  if (!has('HOME')) out.push(`HOME=${home}`);
  return out;
}

function namespaces(input: SpecInput): LinuxNamespace[] {
  const { host } = input;
  const ns: LinuxNamespace[] = [{ type: 'mount' }];
  if (host.PidMode !== 'host') ns.push({ type: 'pid' });
  if (host.IpcMode !== 'host') ns.push({ type: 'ipc' });
  if (host.UTSMode !== 'host') ns.push({ type: 'uts' });
  if (input.network.kind === 'new') ns.push({ type: 'network' });
  else if (input.network.kind === 'path') ns.push({ type: 'network', path: input.network.path });
  const cgroupns = host.CgroupnsMode || (input.cgroupV2 ? 'private' : 'host');
  if (cgroupns === 'private') ns.push({ type: 'cgroup' });
  else if (cgroupns !== 'host')
    throw invalid(`invalid cgroup namespace mode "${cgroupns}": use private or host`);
  return ns;
}

export function generateSpec(input: SpecInput): Spec {
  const { config, host, user } = input;
  const privileged = !!host.Privileged;
  const security = parseSecurityOpts(host.SecurityOpt ?? []);
  const caps = effectiveCapabilities(host.CapAdd ?? [], host.CapDrop ?? [], privileged);
  const hostname = containerHostname(input.id, config, host, input.hostHostname);
  let args = commandLine(config);

  const userMounts = input.mounts.map((m) => ({
    destination: m.destination,
    type: m.type,
    source: m.source,
    options: m.options,
  }));
  const userDestinations = new Set(userMounts.map((m) => m.destination));
  const systemMounts: Mount[] = defaultMounts(host.ShmSize || defaultShmSize, privileged).filter(
    (m) => !userDestinations.has(m.destination) && !(host.IpcMode === 'host' && m.destination === '/dev/shm'),
  );
  const mounts: Mount[] = [];
  if (host.IpcMode === 'host' && !userDestinations.has('/dev/shm')) {
    mounts.push({
      destination: '/dev/shm',
      type: 'bind',
      source: '/dev/shm',
      options: ['rbind', 'rw', 'rprivate'],
    });
  }
  for (const [dest, file] of [
    ['/etc/resolv.conf', input.etcFiles.resolvConf],
    ['/etc/hostname', input.etcFiles.hostname],
    ['/etc/hosts', input.etcFiles.hosts],
  ] as const) {
    if (file && !userDestinations.has(dest)) {
      mounts.push({ destination: dest, type: 'bind', source: file, options: bindOptions(false, 'rprivate') });
    }
  }
  if (host.Init) {
    if (!input.initBinary)
      throw invalid(
        '--init needs the berth-reaper binary, which is not built: install gcc and run npm run build',
      );
    mounts.push({
      destination: initPathInContainer,
      type: 'bind',
      source: input.initBinary,
      options: ['bind', 'ro', 'rprivate'],
    });
    args = [initPathInContainer, '--', ...args];
  }
  mounts.push(...userMounts);

  const resources = linuxResources(host, privileged);
  // The warnings were given at create and update.
  if (input.cgroup) dropUnenforceable(resources, input.cgroup);
  const devices = hostDevices(host);
  resources.devices = [...(resources.devices ?? []), ...devices.rules];

  const seccomp =
    privileged || security.seccomp === 'unconfined'
      ? undefined
      : expandSeccompProfile(security.seccomp === 'default' ? input.defaultSeccomp : security.seccomp, {
          capabilities: caps,
        });

  const spec: Spec = {
    ociVersion: '1.2.0',
    process: {
      terminal: !!config.Tty,
      ...(config.Tty && host.ConsoleSize?.[0]
        ? { consoleSize: { height: host.ConsoleSize[0], width: host.ConsoleSize[1] } }
        : {}),
      user: {
        uid: user.uid,
        gid: user.gid,
        ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}),
      },
      args,
      env: processEnv(config, hostname, user.home),
      cwd: config.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: rlimits(host, input.hostNofileHard),
      noNewPrivileges: security.noNewPrivileges,
      ...(host.OomScoreAdj ? { oomScoreAdj: host.OomScoreAdj } : {}),
    },
    root: { path: input.rootfs, readonly: !!host.ReadonlyRootfs },
    hostname,
    ...(config.Domainname ? { domainname: config.Domainname } : {}),
    mounts: [...systemMounts, ...sortMounts(mounts)],
    linux: {
      namespaces: namespaces(input),
      resources,
      cgroupsPath: input.cgroupsPath,
      ...(host.Sysctls && Object.keys(host.Sysctls).length
        ? { sysctl: checkSysctls(host.Sysctls, input.network.kind === 'host') }
        : {}),
      ...(seccomp ? { seccomp } : {}),
      maskedPaths:
        privileged || security.unmaskSystemPaths ? [] : [...(host.MaskedPaths ?? defaultMaskedPaths)],
      readonlyPaths:
        privileged || security.unmaskSystemPaths ? [] : [...(host.ReadonlyPaths ?? defaultReadonlyPaths)],
      ...(devices.devices.length ? { devices: devices.devices } : {}),
      rootfsPropagation: 'rprivate',
    },
  };
  return spec;
}
