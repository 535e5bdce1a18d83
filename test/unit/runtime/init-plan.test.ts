import * as assert from 'node:assert/strict';
import type { Spec } from '../../../engine/src/oci/runtime-spec';
import { resolveCapabilities } from '../../../engine/src/runtime/capabilities';
import { defaultSpec } from '../../../engine/src/runtime/default-spec';
import type { CreatePlan } from '../../../engine/src/runtime/init-plan';
import {
  buildCreateProgram,
  buildExecProgram,
  checkSysctl,
  idMapText,
} from '../../../engine/src/runtime/init-plan';
import { InitProgram } from '../../../engine/src/runtime/linux/init-program';
import { planNamespaces } from '../../../engine/src/runtime/namespaces';

const allCaps = (1n << 41n) - 1n;

function plan(spec: Spec, overrides: Partial<CreatePlan> = {}): CreatePlan {
  const namespaces = planNamespaces(spec);
  return {
    spec,
    namespaces,
    namespaceFds: new Map(),
    detach: false,
    exitFd: 5,
    cgroupProcs: [6, 7],
    statusFd: 4,
    rootfs: {
      spec,
      bundle: '/b',
      rootfs: '/b/rootfs',
      namespaces,
      cgroup: { version: 1, hierarchies: [{ name: 'memory', hostPath: '/sys/fs/cgroup/memory/berth/c1' }] },
      sourceKind: (p) => (p.endsWith('.conf') ? 'file' : p === '/missing' ? 'missing' : 'dir'),
      noPivot: false,
      syncForHooks: false,
      terminal: false,
    },
    process: {
      process: spec.process!,
      capabilities: resolveCapabilities(spec.process!.capabilities, allCaps).sets,
      lastCap: 40,
      setgroupsAllowed: true,
      env: spec.process!.env ?? [],
      preserveFds: 0,
      start: { listenerFd: 8, hooks: [] },
    },
    ...overrides,
  };
}

function minimalSpec(): Spec {
  return {
    ociVersion: '1.2.0',
    process: {
      user: { uid: 1000, gid: 1000, additionalGids: [10] },
      args: ['sh', '-c', 'true'],
      env: ['PATH=/bin'],
      cwd: '/work',
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }],
      noNewPrivileges: true,
      oomScoreAdj: 100,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'box',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/etc/app.conf',
        type: 'bind',
        source: '/host/app.conf',
        options: ['rbind', 'ro', 'rprivate'],
      },
    ],
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'mount' },
        { type: 'uts' },
        { type: 'network', path: '/run/netns/n1' },
      ],
      maskedPaths: ['/proc/kcore'],
      readonlyPaths: ['/proc/sys'],
      sysctl: { 'net.ipv4.ip_forward': '1' },
    },
  };
}

describe('container init program', () => {
  it('sets up a container in the order the kernel needs', () => {
    const spec = minimalSpec();
    const p = plan(spec, { namespaceFds: new Map([['network', 9]]) });
    const program = new InitProgram();
    buildCreateProgram(program, p);
    const drops = Array.from({ length: 41 }, (_, cap) => cap)
      .filter((cap) => cap !== 5)
      .map((cap) => `prctl(PR_CAPBSET_DROP, ${cap}, 0, 0, 0)`);
    assert.deepEqual(program.texts, [
      'unshare(CLONE_NEWPID)',
      'fork(supervise, cgroup.procs [6, 7])',
      'setns(9, CLONE_NEWNET)',
      'unshare(CLONE_NEWNS|CLONE_NEWUTS)',
      'mount(null, "/", null, MS_REC|MS_SLAVE, null)',
      'mount("/b/rootfs", "/b/rootfs", null, MS_BIND|MS_REC, null)',
      'open_root("/b/rootfs")',
      'mkdirs("/proc", 0755, IN_ROOT)',
      'mount("proc", "/proc", "proc", 0, null, IN_ROOT)',
      'mkdirs("/etc", 0755, IN_ROOT)',
      'mkfile("/etc/app.conf", 0644, IN_ROOT)',
      'mount("/host/app.conf", "/etc/app.conf", null, MS_BIND|MS_REC, null, IN_ROOT)',
      'remount("/etc/app.conf", MS_RDONLY, IN_ROOT)',
      'mount(null, "/etc/app.conf", null, MS_REC|MS_PRIVATE, null, IN_ROOT)',
      ...['null', 'zero', 'full', 'random', 'urandom', 'tty'].flatMap((d, i) => [
        'mkdirs("/dev", 0755, IN_ROOT)',
        `mknod("/dev/${d}", 020666, ${['1:3', '1:5', '1:7', '1:8', '1:9', '5:0'][i]}, IN_ROOT)`,
      ]),
      'symlink("/proc/self/fd", "/dev/fd", IN_ROOT)',
      'symlink("/proc/self/fd/0", "/dev/stdin", IN_ROOT)',
      'symlink("/proc/self/fd/1", "/dev/stdout", IN_ROOT)',
      'symlink("/proc/self/fd/2", "/dev/stderr", IN_ROOT)',
      'mkdirs("/work", 0755, IN_ROOT)',
      'pivot_root("/b/rootfs")',
      'sethostname("box")',
      'write_file("/proc/sys/net/ipv4/ip_forward", "1")',
      'mask_path("/proc/kcore")',
      'readonly_path("/proc/sys")',
      'remount("/", MS_RDONLY)',
      'wait_cgroup()',
      'chdir("/work")',
      'setsid()',
      'write_file("/proc/self/oom_score_adj", "100")',
      'setrlimit(7, 1024, 2048)',
      ...drops,
      'prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)',
      'setgroups([10])',
      'setresgid(1000, 1000, 1000)',
      'setresuid(1000, 1000, 1000)',
      'prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)',
      'capset(e=0x20, p=0x20, i=0x0)',
      'umask(022)',
      'find_exec("sh", "/bin")',
      'prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)',
      'ready()',
      'wait_start(8)',
      'execve("sh", ["sh","-c","true"])',
    ]);
  });

  it('copies up tmpcopyup mounts and applies recursive options to the whole tree', () => {
    const spec = minimalSpec();
    spec.mounts = [
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'tmpcopyup'] },
      { destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'rro'] },
    ];
    const program = new InitProgram();
    buildCreateProgram(program, plan(spec));
    const texts = program.texts;
    assert.ok(
      texts.includes('mount("tmpfs", "/run", "tmpfs", MS_NOSUID, null, IN_ROOT|COPY_UP)'),
      texts.join('\n'),
    );
    const bind = texts.indexOf('mount("/host/data", "/data", null, MS_BIND|MS_REC, null, IN_ROOT)');
    assert.ok(bind > 0);
    assert.equal(
      texts[bind + 1],
      'mount_setattr("/data", AT_RECURSIVE, set=MOUNT_ATTR_RDONLY, clear=0, IN_ROOT)',
    );
  });

  it('sets the initial cpu affinity first, the final one once in the cgroup, scheduling before caps go', () => {
    const spec = minimalSpec();
    spec.process!.execCPUAffinity = { initial: '0-1', final: '1' };
    spec.process!.scheduler = { policy: 'SCHED_FIFO', priority: 5 };
    spec.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 2 };
    const texts = new InitProgram();
    buildCreateProgram(texts, plan(spec, { namespaceFds: new Map([['network', 9]]) }));
    const t = texts.texts;
    assert.equal(t[0], 'sched_setaffinity(0, "0-1")');
    assert.equal(t[t.indexOf('wait_cgroup()') + 1], 'sched_setaffinity(0, "1")');
    const sched = t.indexOf(
      'sched_setattr(policy=1, flags=0x0, nice=0, priority=5, runtime=0, deadline=0, period=0)',
    );
    assert.ok(sched > 0 && t[sched + 1] === 'ioprio_set(IOPRIO_WHO_PROCESS, 0, class 2, 2)');
    assert.ok(sched < t.findIndex((x) => x.startsWith('prctl(PR_CAPBSET_DROP')));
  });

  it('creates the user namespace first and waits for its maps before anything else', () => {
    const spec = defaultSpec({ rootless: { uid: 1000, gid: 1000 } });
    spec.process!.terminal = false;
    const program = new InitProgram();
    buildCreateProgram(program, plan(spec));
    assert.deepEqual(program.texts.slice(0, 6), [
      'unshare(CLONE_NEWUSER)',
      'sync(USERNS_MAPS)',
      'setresgid(0, 0, 0)',
      'setresuid(0, 0, 0)',
      'unshare(CLONE_NEWPID)',
      'fork(supervise, cgroup.procs [6, 7])',
    ]);
    // In a user namespace devices cannot be made: the host's are bind-mounted.
    assert.ok(program.texts.includes('mount("/dev/null", "/dev/null", null, MS_BIND, null, IN_ROOT)'));
    assert.ok(!program.texts.some((t) => t.startsWith('mknod(')));
  });

  it('sets loopback up in a network namespace it creates, not in one it joins', () => {
    const spec = defaultSpec();
    spec.process!.terminal = false;
    const created = new InitProgram();
    buildCreateProgram(created, plan(spec));
    const unshare = created.texts.findIndex((t) => t.startsWith('unshare(') && t.includes('CLONE_NEWNET'));
    assert.ok(unshare > 0, created.texts.join('\n'));
    assert.equal(created.texts[unshare + 1], 'loopback_up()');

    spec.linux!.namespaces = spec.linux!.namespaces!.map((n) =>
      n.type === 'network' ? { type: 'network', path: '/run/netns/x' } : n,
    );
    const joined = new InitProgram();
    buildCreateProgram(joined, plan(spec, { namespaceFds: new Map([['network', 9]]) }));
    assert.ok(!joined.texts.includes('loopback_up()'));
  });

  it("mounts a fresh sysfs in a joined or the host's network namespace; binds the host's only in a user namespace", () => {
    const sysfsOps = (namespaces: NonNullable<Spec['linux']>['namespaces']) => {
      const spec = minimalSpec();
      spec.mounts = [{ destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid'] }];
      spec.linux!.namespaces = namespaces;
      delete spec.linux!.sysctl; // net.* needs a network namespace
      if (namespaces!.some((n) => n.type === 'user')) {
        spec.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        spec.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      }
      const program = new InitProgram();
      buildCreateProgram(program, plan(spec));
      return program.texts.filter((t) => t.includes('"/sys"'));
    };
    const fresh = [
      'mkdirs("/sys", 0755, IN_ROOT)',
      'mount("sysfs", "/sys", "sysfs", MS_RDONLY|MS_NOSUID, null, IN_ROOT)',
    ];
    const base = [{ type: 'pid' as const }, { type: 'mount' as const }, { type: 'uts' as const }];
    assert.deepEqual(sysfsOps([...base, { type: 'network', path: '/run/netns/step' }]), fresh);
    assert.deepEqual(sysfsOps(base), fresh, "the host's network, as root");
    assert.deepEqual(sysfsOps([...base, { type: 'user' }, { type: 'network' }]), fresh);
    assert.match(
      sysfsOps([...base, { type: 'user' }]).join('\n'),
      /mount\("\/sys", "\/sys", null, MS_BIND\|MS_REC/,
    );
  });

  it('loads seccomp last with no_new_privs, and before dropping privileges without it', () => {
    const filter = Buffer.alloc(16);
    const withNnp = plan(minimalSpec());
    withNnp.process.seccomp = { filter, flags: 0 };
    const a = new InitProgram();
    buildCreateProgram(a, withNnp);
    assert.deepEqual(a.texts.slice(-2), [
      'seccomp(SECCOMP_SET_MODE_FILTER, 0, 2 instructions)',
      'execve("sh", ["sh","-c","true"])',
    ]);

    const spec = minimalSpec();
    spec.process!.noNewPrivileges = false;
    const without = plan(spec);
    without.process.seccomp = { filter, flags: 0 };
    const b = new InitProgram();
    buildCreateProgram(b, without);
    const seccompAt = b.texts.findIndex((t) => t.startsWith('seccomp('));
    const firstDrop = b.texts.findIndex((t) => t.startsWith('prctl(PR_CAPBSET_DROP'));
    assert.ok(
      seccompAt >= 0 && seccompAt < firstDrop,
      'the filter goes in while CAP_SYS_ADMIN is still held',
    );
  });

  it('enters a cgroup namespace only once in the cgroup, before a namespaced cgroup2 mount', () => {
    const spec = minimalSpec();
    spec.linux!.namespaces!.push({ type: 'cgroup' });
    spec.mounts = [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup' }];
    const p = plan(spec);
    p.rootfs.cgroup = { version: 2, hostPath: '/sys/fs/cgroup/berth/c1', namespaced: true };
    const program = new InitProgram();
    buildCreateProgram(program, p);
    const t = program.texts;
    assert.ok(t.indexOf('wait_cgroup()') < t.indexOf('unshare(CLONE_NEWCGROUP)'));
    assert.ok(
      t.indexOf('unshare(CLONE_NEWCGROUP)') <
        t.indexOf(
          'mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID|MS_NODEV|MS_NOEXEC, null, IN_ROOT)',
        ),
    );
    assert.ok(
      t.indexOf('unshare(CLONE_NEWNS|CLONE_NEWUTS)') < t.indexOf('wait_cgroup()'),
      'the other namespaces come first',
    );
  });

  it('stops before pivot_root for the create hooks', () => {
    const p = plan(minimalSpec());
    p.rootfs.syncForHooks = true;
    const program = new InitProgram();
    buildCreateProgram(program, p);
    const sync = program.texts.indexOf('sync(CREATE_HOOKS)');
    assert.ok(sync > 0 && sync === program.texts.indexOf('pivot_root("/b/rootfs")') - 1);
  });

  it("mounts a v1 cgroup tree as the container's own directories", () => {
    const spec = minimalSpec();
    spec.mounts = [
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid'] },
    ];
    const program = new InitProgram();
    buildCreateProgram(program, plan(spec));
    const at = program.texts.indexOf(
      'mount("tmpfs", "/sys/fs/cgroup", "tmpfs", MS_NOSUID|MS_NODEV|MS_NOEXEC, "mode=755", IN_ROOT)',
    );
    assert.ok(at > 0);
    assert.deepEqual(program.texts.slice(at + 1, at + 5), [
      'mkdirs("/sys/fs/cgroup/memory", 0755, IN_ROOT)',
      'mount("/sys/fs/cgroup/memory/berth/c1", "/sys/fs/cgroup/memory", null, MS_BIND|MS_REC, null, IN_ROOT)',
      'remount("/sys/fs/cgroup/memory", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, IN_ROOT)',
      'remount("/sys/fs/cgroup", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, IN_ROOT)',
    ]);
  });

  it('refuses a bind mount whose source is missing, before anything runs', () => {
    const spec = minimalSpec();
    spec.mounts = [{ destination: '/data', type: 'bind', source: '/missing', options: ['bind'] }];
    assert.throws(
      () => buildCreateProgram(new InitProgram(), plan(spec)),
      /bind source "\/missing" for "\/data" does not exist/,
    );
  });

  it('joins a running container for exec: user and pid before the fork, mount last', () => {
    const spec = minimalSpec();
    const p = plan(spec);
    const program = new InitProgram();
    buildExecProgram(program, {
      namespaceFds: new Map([
        ['mount', 10],
        ['pid', 11],
        ['user', 12],
        ['network', 13],
      ]),
      detach: false,
      exitFd: -1,
      cgroupProcs: [14],
      statusFd: -1,
      process: { ...p.process, start: undefined },
    });
    assert.deepEqual(program.texts.slice(0, 6), [
      'setns(12, CLONE_NEWUSER)',
      'setns(11, CLONE_NEWPID)',
      'fork(supervise, cgroup.procs [14])',
      'setns(13, CLONE_NEWNET)',
      'setns(10, CLONE_NEWNS)',
      'wait_cgroup()',
    ]);
    assert.ok(!program.texts.includes('ready()'), 'exec runs right away');
  });
});

describe('container init helpers', () => {
  it('writes uid/gid maps one range per line', () => {
    assert.equal(idMapText([{ containerID: 0, hostID: 100000, size: 65536 }]), '0 100000 65536\n');
  });

  it('allows only namespaced sysctls, and only with their namespace', () => {
    const ns = planNamespaces({ ociVersion: '1.2.0', linux: { namespaces: [{ type: 'ipc' }] } });
    assert.doesNotThrow(() => checkSysctl('kernel.shmmax', ns));
    assert.throws(() => checkSysctl('net.ipv4.ip_forward', ns), /needs a network namespace/);
    assert.throws(() => checkSysctl('vm.swappiness', ns), /not namespaced/);
  });
});
