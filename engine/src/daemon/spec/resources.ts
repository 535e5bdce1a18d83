// Resource limits: HostConfig's memory, CPU, pids, devices and ulimits → the spec's cgroup
// resources and rlimits, with Docker's checks and defaults.
import { statSync } from 'node:fs';
import { cpus } from 'node:os';
import type { HostConfig } from '../../api/types';
import { invalid } from '../errors';
import { defaultDeviceRules } from '../../oci/docker-defaults';
import type { LinuxDevice, LinuxDeviceCgroup, LinuxResources, POSIXRlimit } from '../../oci/runtime-spec';

const minMemory = 6 * 1024 * 1024;
const cfsPeriod = 100_000;

export function linuxResources(host: HostConfig, privileged: boolean, ncpu = cpus().length): LinuxResources {
  const resources: LinuxResources = {};
  const memory: NonNullable<LinuxResources['memory']> = {};
  if (host.Memory) {
    if (host.Memory < minMemory) throw invalid('Minimum memory limit allowed is 6MB');
    memory.limit = host.Memory;
    if (host.MemorySwap === undefined || host.MemorySwap === 0) memory.swap = host.Memory * 2;
    else if (host.MemorySwap === -1) memory.swap = -1;
    else if (host.MemorySwap < host.Memory) {
      throw invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
    } else memory.swap = host.MemorySwap;
  } else if (host.MemorySwap && host.MemorySwap > 0) {
    throw invalid('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (host.MemoryReservation) memory.reservation = host.MemoryReservation;
  if (host.MemorySwappiness !== undefined && host.MemorySwappiness !== null && host.MemorySwappiness !== -1) {
    if (host.MemorySwappiness < 0 || host.MemorySwappiness > 100) {
      throw invalid(`invalid value: ${host.MemorySwappiness}, valid memory swappiness range is 0-100`);
    }
    memory.swappiness = host.MemorySwappiness;
  }
  if (host.OomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) resources.memory = memory;

  const cpu: NonNullable<LinuxResources['cpu']> = {};
  if (host.NanoCpus) {
    if (host.CpuQuota || host.CpuPeriod) {
      throw invalid('Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set');
    }
    if (host.NanoCpus < 1e7 || host.NanoCpus > ncpu * 1e9) {
      throw invalid(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
    }
    cpu.period = cfsPeriod;
    cpu.quota = Math.round((host.NanoCpus * cfsPeriod) / 1e9);
  }
  if (host.CpuPeriod) cpu.period = host.CpuPeriod;
  if (host.CpuQuota) cpu.quota = host.CpuQuota;
  if (host.CpuShares) cpu.shares = host.CpuShares;
  if (host.CpusetCpus) cpu.cpus = host.CpusetCpus;
  if (host.CpusetMems) cpu.mems = host.CpusetMems;
  if (Object.keys(cpu).length) resources.cpu = cpu;

  if (host.PidsLimit && host.PidsLimit > 0) resources.pids = { limit: host.PidsLimit };

  resources.devices = privileged ? [{ allow: true, access: 'rwm' }] : [...defaultDeviceRules];
  return resources;
}

/** Host devices passed with `--device /dev/x[:/dev/y[:rwm]]`: the nodes and their cgroup rules. */
export function hostDevices(host: HostConfig): { devices: LinuxDevice[]; rules: LinuxDeviceCgroup[] } {
  const devices: LinuxDevice[] = [];
  const rules: LinuxDeviceCgroup[] = [];
  for (const d of host.Devices ?? []) {
    let st;
    try {
      st = statSync(d.PathOnHost);
    } catch {
      throw invalid(
        `error gathering device information while adding custom device "${d.PathOnHost}": no such file or directory`,
      );
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) {
      throw invalid(`"${d.PathOnHost}" is not a device node`);
    }
    const rdev = st.rdev;
    const major = Math.floor(rdev / 256) & 0xfff;
    const minor = (rdev & 0xff) | ((Math.floor(rdev / 4096) & 0xfff00) >>> 0);
    const type = st.isCharacterDevice() ? 'c' : 'b';
    const access = d.CgroupPermissions || 'rwm';
    if (!/^[rwm]{1,3}$/.test(access))
      throw invalid(`invalid device cgroup permissions "${access}" for ${d.PathOnHost}`);
    devices.push({
      path: d.PathInContainer || d.PathOnHost,
      type,
      major,
      minor,
      fileMode: st.mode & 0o777,
      uid: st.uid,
      gid: st.gid,
    });
    rules.push({ allow: true, type, major, minor, access });
  }
  return { devices, rules };
}

/**
 * rlimits: `--ulimit` values, and a default RLIMIT_NOFILE equal to the host's hard limit (Docker
 * inherits containerd's 1048576, which many hosts, this one included, cannot grant).
 */
export function rlimits(host: HostConfig, hostNofileHard: number): POSIXRlimit[] {
  const out = new Map<string, POSIXRlimit>();
  const nofile = Math.min(hostNofileHard, 1048576);
  out.set('RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', soft: nofile, hard: nofile });
  for (const u of host.Ulimits ?? []) {
    const type = `RLIMIT_${u.Name.toUpperCase()}`;
    if (!knownRlimits.includes(type)) throw invalid(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard)
      throw invalid(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    out.set(type, { type, soft: u.Soft, hard: u.Hard });
  }
  return [...out.values()];
}

const knownRlimits = [
  'RLIMIT_AS',
  'RLIMIT_CORE',
  'RLIMIT_CPU',
  'RLIMIT_DATA',
  'RLIMIT_FSIZE',
  'RLIMIT_LOCKS',
  'RLIMIT_MEMLOCK',
  'RLIMIT_MSGQUEUE',
  'RLIMIT_NICE',
  'RLIMIT_NOFILE',
  'RLIMIT_NPROC',
  'RLIMIT_RSS',
  'RLIMIT_RTPRIO',
  'RLIMIT_RTTIME',
  'RLIMIT_SIGPENDING',
  'RLIMIT_STACK',
];

/** Only namespaced sysctls may be set, and net.* only with the container's own network. */
export function checkSysctls(sysctls: Record<string, string>, hostNetwork: boolean): Record<string, string> {
  for (const key of Object.keys(sysctls)) {
    const namespaced =
      [
        'kernel.msgmax',
        'kernel.msgmnb',
        'kernel.msgmni',
        'kernel.sem',
        'kernel.shmall',
        'kernel.shmmax',
        'kernel.shmmni',
        'kernel.shm_rmid_forced',
      ].includes(key) ||
      key.startsWith('fs.mqueue.') ||
      (key.startsWith('net.') && !hostNetwork);
    if (!namespaced) {
      throw invalid(
        `sysctl '${key}' is not allowed${key.startsWith('net.') ? ' with the host network' : ''}: only namespaced sysctls can be set per container`,
      );
    }
  }
  return sysctls;
}
