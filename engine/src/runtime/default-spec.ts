// The config.json `berth-runtime spec` writes: the same shape as runc's default (a shell in a
// read-only busybox-style rootfs, few capabilities, no_new_privs), hostname "berth".
import type { Spec } from '../oci/runtime-spec';
import { defaultPath } from './process';

const smallCaps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

export function defaultSpec(options: { rootless?: { uid: number; gid: number } } = {}): Spec {
  const spec: Spec = {
    // It uses only runtime-spec 1.0 fields: say so, so that older runtimes (crun 1.8) take it too.
    ociVersion: '1.0.2',
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: [`PATH=${defaultPath}`, 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: smallCaps, effective: smallCaps, permitted: smallCaps, ambient: smallCaps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'berth',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
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
      {
        destination: '/sys/fs/cgroup',
        type: 'cgroup',
        source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
      },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [
        { type: 'pid' },
        { type: 'network' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        { type: 'cgroup' },
      ],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  if (options.rootless) {
    // As runc's --rootless: a user namespace mapping us to root, no cgroup settings or mount.
    const linux = spec.linux!;
    linux.namespaces = linux.namespaces!.filter((n) => n.type !== 'network' && n.type !== 'cgroup');
    linux.namespaces.push({ type: 'user' });
    linux.uidMappings = [{ containerID: 0, hostID: options.rootless.uid, size: 1 }];
    linux.gidMappings = [{ containerID: 0, hostID: options.rootless.gid, size: 1 }];
    delete linux.resources;
    spec.mounts = spec
      .mounts!.filter((m) => m.type !== 'cgroup')
      .map((m) => {
        if (m.type === 'sysfs')
          return {
            destination: '/sys',
            type: 'none',
            source: '/sys',
            options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
          };
        if (m.type === 'devpts') return { ...m, options: m.options!.filter((o) => o !== 'gid=5') };
        return m;
      });
  }
  return spec;
}
