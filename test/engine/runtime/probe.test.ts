// Ask the container: each test runs busybox inside a real container and checks what it sees.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Runtime } from '../../../engine/src/runtime';
import { dockerDefaultCapabilities } from '../../../engine/src/oci/docker-defaults';
import { capabilityMaskNames } from '../../../engine/src/runtime/capabilities';
import {
  dockerLikeSpec,
  fields,
  probeSpec,
  runProbe,
  runtimeForSuite,
  scratchDir,
  uniqueId,
} from '../../helpers/runtime';

describe('berth-runtime: what a container sees', function () {
  let rt: Runtime;
  runtimeForSuite((created) => (rt = created));

  it('runs as pid 1 with its own hostname, ids and rlimits', async () => {
    const id = uniqueId('probe');
    const spec = probeSpec('echo pid=$$; hostname; id -u; id -g; id -G; ulimit -n; ulimit -Hn; pwd', id);
    spec.process!.user = { uid: 1000, gid: 1000, additionalGids: [10, 20] };
    spec.process!.cwd = '/tmp';
    spec.hostname = 'probe-host';
    spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 }];
    const { stdout, status } = await runProbe(rt, id, spec);
    assert.equal(status.exitCode, 0);
    assert.deepEqual(stdout.trim().split('\n'), [
      'pid=1',
      'probe-host',
      '1000',
      '1000',
      '1000 10 20',
      '512',
      '1024',
      '/tmp',
    ]);
  });

  it('has only its own mounts: proc, /dev, devpts, sysfs read-only, and no host paths', async () => {
    const id = uniqueId('mounts');
    const { stdout } = await runProbe(rt, id, probeSpec('cat /proc/self/mounts; ls /dev', id));
    const mounts = stdout
      .split('\n')
      .filter((l) => l.includes(' '))
      .map((l) => l.split(' '));
    const at = (dest: string) => mounts.find((m) => m[1] === dest);
    assert.equal(at('/')?.[3].split(',')[0], 'ro', 'the root is read-only');
    assert.equal(at('/proc')?.[2], 'proc');
    assert.equal(at('/dev')?.[2], 'tmpfs');
    assert.equal(at('/dev/pts')?.[2], 'devpts');
    assert.equal(at('/sys')?.[3].split(',')[0], 'ro');
    assert.ok(
      !mounts.some((m) => m[1].startsWith(scratchDir()) || m[1] === '/work'),
      'no host mount is visible',
    );
    for (const dev of [
      'null',
      'zero',
      'full',
      'random',
      'urandom',
      'tty',
      'pts',
      'shm',
      'mqueue',
      'fd',
      'stdin',
      'ptmx',
    ]) {
      assert.ok(stdout.split('\n').includes(dev), `/dev/${dev}`);
    }
  });

  it('keeps exactly the configured capabilities, with no_new_privs', async () => {
    const id = uniqueId('caps');
    const { stdout } = await runProbe(rt, id, probeSpec('cat /proc/self/status', id));
    const s = fields(stdout);
    const names = (key: string) => capabilityMaskNames(BigInt(`0x${s.get(key)}`)).sort();
    assert.deepEqual(names('CapBnd'), ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.deepEqual(names('CapEff'), ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.equal(s.get('NoNewPrivs'), '1');
  });

  it("gets Docker's defaults from a Docker-like config: 14 capabilities, seccomp filter, no no_new_privs", async () => {
    const id = uniqueId('docker');
    const { stdout } = await runProbe(rt, id, dockerLikeSpec('cat /proc/self/status', id));
    const s = fields(stdout);
    assert.deepEqual(
      capabilityMaskNames(BigInt(`0x${s.get('CapBnd')}`)).sort(),
      [...dockerDefaultCapabilities].sort(),
    );
    assert.equal(s.get('Seccomp'), '2');
    assert.equal(s.get('NoNewPrivs'), '0');
  });

  it('sees its cgroup limits', async () => {
    const id = uniqueId('limits');
    const spec = probeSpec(
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares',
      id,
    );
    spec.linux!.resources = {
      ...spec.linux!.resources,
      memory: { limit: 64 << 20 },
      pids: { limit: 77 },
      cpu: { quota: 50000, period: 100000, shares: 256 },
    };
    const { stdout } = await runProbe(rt, id, spec);
    assert.deepEqual(stdout.trim().split('\n'), [String(64 << 20), '77', '50000', '256']);
  });

  it('hides masked paths and cannot write read-only ones', async () => {
    const id = uniqueId('masked');
    // /proc/timer_list is masked with /dev/null (reads nothing), /sys/firmware with an empty tmpfs.
    const spec = dockerLikeSpec(
      'wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid && echo wrote-sys; touch /newfile && echo wrote-root; grep -E " /proc/(sys|sysrq-trigger) " /proc/self/mounts',
      id,
    );
    const { stdout, stderr } = await runProbe(rt, id, spec);
    const lines = stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['0', '0'], stderr);
    assert.ok(!stdout.includes('wrote-'), stdout);
    // Every read-only path the kernel has is mounted read-only (this VM has no /proc/sysrq-trigger).
    const readonly = lines.slice(2).map((l) => l.split(' '));
    assert.ok(readonly.some((m) => m[1] === '/proc/sys'));
    for (const m of readonly) assert.equal(m[3].split(',')[0], 'ro', m.join(' '));
    assert.equal(
      existsSync('/proc/sysrq-trigger'),
      readonly.some((m) => m[1] === '/proc/sysrq-trigger'),
    );
  });
});

describe('berth-runtime: what a default container may not do', function () {
  let rt: Runtime;
  runtimeForSuite((created) => (rt = created));

  // Each line prints "<what>=<exit code>"; every one must fail.
  const attempts = [
    'mount -t tmpfs none /tmp; echo mount=$?',
    'mknod /dev/shm/sda b 8 0; echo mknod=$?',
    'unshare -U true; echo unshare-user=$?',
    'unshare -n true; echo unshare-net=$?',
    'reboot -f; echo reboot=$?',
    'echo h > /proc/sysrq-trigger; echo sysrq=$?',
  ].join('; ');

  it('refuses mount, mknod, unshare, reboot and sysrq in a Docker-like (default) container', async () => {
    const id = uniqueId('deny');
    const { stdout } = await runProbe(rt, id, dockerLikeSpec(attempts, id));
    const results = new Map(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    // mknod is allowed to *create* nodes, as in Docker; opening them is what the device cgroup stops (below).
    for (const what of ['mount', 'unshare-user', 'unshare-net', 'reboot', 'sysrq']) {
      assert.notEqual(results.get(what), '0', `${what} must fail (${stdout})`);
    }
  });

  it("refuses mount, mknod, network unshare, reboot and sysrq in runc's default config", async () => {
    const id = uniqueId('deny');
    const { stdout } = await runProbe(rt, id, probeSpec(attempts, id));
    const results = new Map(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    // Without a seccomp profile the kernel lets anyone make a user namespace, as under runc.
    for (const what of ['mount', 'mknod', 'unshare-net', 'reboot', 'sysrq']) {
      assert.notEqual(results.get(what), '0', `${what} must fail (${stdout})`);
    }
  });

  it('lets Docker-like containers create device nodes but not open them (device cgroup)', async () => {
    const id = uniqueId('devices');
    const { stdout } = await runProbe(
      rt,
      id,
      dockerLikeSpec(
        'mknod /dev/shm/sda b 8 0; echo mknod=$?; head -c 1 /dev/shm/sda > /dev/null; echo open=$?',
        id,
      ),
    );
    assert.match(stdout, /mknod=0/);
    assert.match(stdout, /open=1/);
  });

  it('is OOM-killed when it outgrows its memory limit, and says so (137, oomKilled)', async function () {
    this.timeout(120000);
    const id = uniqueId('oom');
    // tail keeps the whole "line" of /dev/zero in memory: it grows until the kernel kills it.
    const spec = probeSpec('exec tail /dev/zero', id);
    spec.linux!.resources = { ...spec.linux!.resources, memory: { limit: 32 << 20, swap: 32 << 20 } };
    const events: string[] = [];
    rt.on('oom', (oomId) => events.push(oomId));
    const { stdout, status } = await runProbe(rt, id, spec);
    assert.equal(stdout, '');
    assert.equal(status.exitCode, 137);
    assert.equal(status.signal, 'SIGKILL');
    assert.equal(status.oomKilled, true);
    assert.deepEqual(events, [id]);
  });

  it('stops a fork bomb at pids.max', async function () {
    this.timeout(120000);
    const id = uniqueId('forkbomb');
    // The inner shell forks until it cannot (and gives up); then only builtins can report.
    const bomb = 'i=0; while [ $i -lt 200 ]; do sleep 60 & i=$((i+1)); done';
    const spec = probeSpec(
      `sh -c '${bomb}' 2>/dev/null; read n < /sys/fs/cgroup/pids/pids.current; echo $n`,
      id,
    );
    spec.linux!.resources = { ...spec.linux!.resources, pids: { limit: 32 } };
    const { stdout, stderr } = await runProbe(rt, id, spec);
    const current = Number(stdout.trim());
    // The outer shell and the sleeps that fit: the inner shell has exited.
    assert.ok(current <= 32 && current >= 29, `pids.current ${current} (${stderr.slice(0, 200)})`);
  });
});
