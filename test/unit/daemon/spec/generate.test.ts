import * as assert from 'node:assert/strict';
import { dockerDefaultCapabilities } from '../../../../engine/src/oci/docker-defaults';
import { generateSpec, type SpecInput } from '../../../../engine/src/daemon/spec/generate';
import type { SeccompProfile } from '../../../../engine/src/runtime/seccomp/profile';

const profile: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
    { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ],
};

function input(overrides: Partial<SpecInput> = {}): SpecInput {
  return {
    id: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
    config: { Cmd: ['sh'], Env: ['FOO=bar'] },
    host: {},
    rootfs: '/var/lib/berth/containers/x/rootfs',
    user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    mounts: [],
    etcFiles: { hosts: '/c/hosts', resolvConf: '/c/resolv.conf', hostname: '/c/hostname' },
    network: { kind: 'new' },
    cgroupsPath: '/berth/abc',
    defaultSeccomp: profile,
    hostNofileHard: 20000,
    cgroupV2: false,
    hostHostname: 'myhost',
    ...overrides,
  };
}

describe('spec generation', () => {
  it('applies Docker defaults: 14 capabilities, seccomp, masked and read-only paths', () => {
    const spec = generateSpec(input());
    assert.deepEqual(
      [...spec.process!.capabilities!.bounding!].sort(),
      [...dockerDefaultCapabilities].sort(),
    );
    assert.equal(spec.process!.capabilities!.bounding!.length, 14);
    assert.deepEqual(spec.process!.capabilities!.inheritable, []);
    assert.equal(spec.process!.noNewPrivileges, false);
    assert.ok(spec.linux!.maskedPaths!.includes('/proc/kcore'));
    assert.ok(spec.linux!.readonlyPaths!.includes('/proc/sys'));
    assert.equal(spec.linux!.seccomp!.defaultAction, 'SCMP_ACT_ERRNO');
    // mount needs CAP_SYS_ADMIN, which the defaults lack; clone3 gets ENOSYS.
    const names = spec.linux!.seccomp!.syscalls!.flatMap((s) => s.names);
    assert.ok(!names.includes('mount'));
    assert.ok(names.includes('clone3'));
    assert.deepEqual(spec.linux!.seccomp!.architectures, [
      'SCMP_ARCH_X86_64',
      'SCMP_ARCH_X86',
      'SCMP_ARCH_X32',
    ]);
    const sys = spec.mounts!.find((m) => m.destination === '/sys')!;
    assert.ok(sys.options!.includes('ro'));
    assert.deepEqual(spec.linux!.namespaces!.map((n) => n.type).sort(), [
      'ipc',
      'mount',
      'network',
      'pid',
      'uts',
    ]);
  });

  it('sets PATH, HOSTNAME and HOME, keeps the container env, adds TERM for a TTY', () => {
    const spec = generateSpec(input({ config: { Cmd: ['sh'], Env: ['FOO=bar'], Tty: true } }));
    assert.deepEqual(spec.process!.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=abcdef012345',
      'FOO=bar',
      'TERM=xterm',
      'HOME=/root',
    ]);
    assert.equal(spec.hostname, 'abcdef012345');
    assert.equal(spec.process!.terminal, true);
  });

  it('runs Entrypoint then Cmd, and refuses a container without a command', () => {
    const spec = generateSpec(input({ config: { Entrypoint: ['/bin/echo'], Cmd: ['hi'] } }));
    assert.deepEqual(spec.process!.args, ['/bin/echo', 'hi']);
    assert.throws(() => generateSpec(input({ config: {} })), /no command specified/);
  });

  it('gives every capability, no seccomp and no masked paths with --privileged', () => {
    const spec = generateSpec(input({ host: { Privileged: true } }));
    assert.equal(spec.process!.capabilities!.bounding!.length, 41);
    assert.equal(spec.linux!.seccomp, undefined);
    assert.deepEqual(spec.linux!.maskedPaths, []);
    assert.deepEqual(spec.linux!.resources!.devices, [{ allow: true, access: 'rwm' }]);
    assert.ok(spec.mounts!.find((m) => m.destination === '/sys')!.options!.includes('rw'));
  });

  it('applies --cap-add/--cap-drop in Docker order and keeps seccomp rules that need the added cap', () => {
    const spec = generateSpec(input({ host: { CapAdd: ['sys_admin'], CapDrop: ['NET_RAW', 'CAP_MKNOD'] } }));
    const caps = spec.process!.capabilities!.bounding!;
    assert.ok(caps.includes('CAP_SYS_ADMIN'));
    assert.ok(!caps.includes('CAP_NET_RAW'));
    assert.ok(!caps.includes('CAP_MKNOD'));
    const names = spec.linux!.seccomp!.syscalls!.flatMap((s) => s.names);
    assert.ok(names.includes('mount'));
    assert.ok(!names.includes('clone3'));
    const none = generateSpec(input({ host: { CapDrop: ['ALL'], CapAdd: ['chown'] } }));
    assert.deepEqual(none.process!.capabilities!.bounding, ['CAP_CHOWN']);
    assert.throws(
      () => generateSpec(input({ host: { CapAdd: ['CAP_FLY'] } })),
      /unknown capability: "CAP_FLY"/,
    );
  });

  it('honours --security-opt no-new-privileges, seccomp=unconfined and rejects unknown options', () => {
    const spec = generateSpec(input({ host: { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] } }));
    assert.equal(spec.process!.noNewPrivileges, true);
    assert.equal(spec.linux!.seccomp, undefined);
    const custom = generateSpec(
      input({
        host: {
          SecurityOpt: [`seccomp=${JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] })}`],
        },
      }),
    );
    assert.equal(custom.linux!.seccomp!.defaultAction, 'SCMP_ACT_ALLOW');
    assert.throws(
      () => generateSpec(input({ host: { SecurityOpt: ['colour=blue'] } })),
      /invalid --security-opt/,
    );
  });

  it('makes the rootfs read-only, sizes /dev/shm and mounts tmpfs and binds after the system mounts', () => {
    const spec = generateSpec(
      input({
        host: { ReadonlyRootfs: true, ShmSize: 128 * 1024 * 1024 },
        mounts: [
          { destination: '/data/sub', type: 'bind', source: '/host/b', options: ['rbind', 'ro', 'rprivate'] },
          { destination: '/data', type: 'bind', source: '/host/a', options: ['rbind', 'rw', 'rprivate'] },
          {
            destination: '/run',
            type: 'tmpfs',
            source: 'tmpfs',
            options: ['nosuid', 'nodev', 'noexec', 'size=1m'],
          },
        ],
      }),
    );
    assert.equal(spec.root!.readonly, true);
    assert.ok(spec.mounts!.find((m) => m.destination === '/dev/shm')!.options!.includes('size=131072k'));
    const order = spec.mounts!.map((m) => m.destination);
    assert.ok(order.indexOf('/data') < order.indexOf('/data/sub'));
    assert.ok(order.indexOf('/proc') < order.indexOf('/data'));
    assert.ok(
      order.includes('/etc/hosts') && order.includes('/etc/resolv.conf') && order.includes('/etc/hostname'),
    );
  });

  it('lets a user mount replace a generated /etc file', () => {
    const spec = generateSpec(
      input({
        mounts: [
          { destination: '/etc/hosts', type: 'bind', source: '/mine', options: ['rbind', 'ro', 'rprivate'] },
        ],
      }),
    );
    const hosts = spec.mounts!.filter((m) => m.destination === '/etc/hosts');
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0].source, '/mine');
  });

  it('puts the reaper first with --init', () => {
    const spec = generateSpec(input({ host: { Init: true }, initBinary: '/usr/lib/berth/berth-reaper' }));
    assert.deepEqual(spec.process!.args, ['/sbin/docker-init', '--', 'sh']);
    assert.equal(
      spec.mounts!.find((m) => m.destination === '/sbin/docker-init')!.source,
      '/usr/lib/berth/berth-reaper',
    );
  });

  it('translates memory, cpus and pids limits with Docker checks', () => {
    const spec = generateSpec(
      input({ host: { Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, PidsLimit: 50 } }),
    );
    assert.equal(spec.linux!.resources!.memory!.limit, 64 * 1024 * 1024);
    assert.equal(spec.linux!.resources!.memory!.swap, 128 * 1024 * 1024);
    assert.deepEqual(spec.linux!.resources!.cpu, { period: 100000, quota: 50000 });
    assert.deepEqual(spec.linux!.resources!.pids, { limit: 50 });
    assert.throws(
      () => generateSpec(input({ host: { Memory: 1024 } })),
      /Minimum memory limit allowed is 6MB/,
    );
    assert.throws(
      () => generateSpec(input({ host: { NanoCpus: 1e9, CpuQuota: 1000 } })),
      /Conflicting options/,
    );
  });

  it('caps the default open files limit at the host hard limit and takes --ulimit', () => {
    const spec = generateSpec(input({ host: { Ulimits: [{ Name: 'nproc', Soft: 100, Hard: 200 }] } }));
    assert.deepEqual(spec.process!.rlimits, [
      { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
      { type: 'RLIMIT_NPROC', soft: 100, hard: 200 },
    ]);
  });

  it('shares the host network and hostname with --network host and a new netns otherwise', () => {
    const hostNet = generateSpec(input({ host: { NetworkMode: 'host' }, network: { kind: 'host' } }));
    assert.ok(!hostNet.linux!.namespaces!.some((n) => n.type === 'network'));
    assert.equal(hostNet.hostname, 'myhost');
    const joined = generateSpec(input({ network: { kind: 'path', path: '/run/netns/x' } }));
    assert.deepEqual(
      joined.linux!.namespaces!.find((n) => n.type === 'network'),
      { type: 'network', path: '/run/netns/x' },
    );
  });

  it('allows only namespaced sysctls', () => {
    assert.doesNotThrow(() => generateSpec(input({ host: { Sysctls: { 'net.ipv4.ip_forward': '1' } } })));
    assert.throws(() => generateSpec(input({ host: { Sysctls: { 'vm.swappiness': '1' } } })), /not allowed/);
    assert.throws(
      () =>
        generateSpec(
          input({
            host: { Sysctls: { 'net.ipv4.ip_forward': '1' }, NetworkMode: 'host' },
            network: { kind: 'host' },
          }),
        ),
      /host network/,
    );
  });
});
