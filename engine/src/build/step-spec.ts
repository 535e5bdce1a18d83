// The OCI runtime spec of a RUN step's container: Docker's default isolation for build steps
// (the 14 default capabilities, masked and read-only /proc paths, a private /dev, read-only /sys,
// new mount/pid/ipc/uts namespaces, a new network namespace unless the step uses the host's),
// with the step's process and mounts. Pure, so it is unit-tested without root.
import { type Mount, ociRuntimeVersion, type Spec } from '../oci/runtime-spec';
import type { StepMount, StepProcess } from './executor';

export const defaultCapabilities = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const maskedPaths = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function specMount(m: StepMount): Mount {
  if (m.type === 'tmpfs') {
    const options = ['nosuid', 'nodev', 'mode=1777'];
    if (m.sizeBytes) options.push(`size=${m.sizeBytes}`);
    return { destination: m.destination, type: 'tmpfs', source: 'tmpfs', options };
  }
  return {
    destination: m.destination,
    type: 'bind',
    source: m.source,
    options: ['rbind', m.readOnly ? 'ro' : 'rw', 'rprivate'],
  };
}

export function stepSpec(step: StepProcess): Spec {
  const namespaces: NonNullable<Spec['linux']>['namespaces'] = [
    { type: 'mount' },
    { type: 'pid' },
    { type: 'ipc' },
    { type: 'uts' },
  ];
  if (step.network === 'none') namespaces.push({ type: 'network' });
  else if (typeof step.network === 'object') namespaces.push({ type: 'network', path: step.network.netns });
  return {
    ociVersion: ociRuntimeVersion,
    process: {
      terminal: false,
      user: {
        uid: step.user.uid,
        gid: step.user.gid,
        ...(step.user.additionalGids.length && { additionalGids: step.user.additionalGids }),
      },
      args: step.args,
      env: step.env,
      cwd: step.cwd,
      capabilities: {
        bounding: defaultCapabilities,
        effective: defaultCapabilities,
        permitted: defaultCapabilities,
      },
      noNewPrivileges: false,
    },
    root: { path: step.rootfs, readonly: false },
    hostname: step.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      {
        destination: '/dev/mqueue',
        type: 'mqueue',
        source: 'mqueue',
        options: ['nosuid', 'noexec', 'nodev'],
      },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      // The step's own cgroup, read-only, as BuildKit's default spec has it (never the host's tree).
      {
        destination: '/sys/fs/cgroup',
        type: 'cgroup',
        source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
      },
      ...step.mounts.map(specMount),
    ],
    linux: {
      namespaces,
      maskedPaths,
      readonlyPaths,
      // Deny every device but the defaults the runtime adds (null, zero, random, tty…).
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      cgroupsPath: `/berth-build/${step.id}`,
    },
  };
}
