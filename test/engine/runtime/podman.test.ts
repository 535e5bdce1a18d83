// Another engine uses berth-runtime as its runtime: podman (from Debian) runs containers through
// bin/berth-runtime, with its configuration, storage and image in a temp directory.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runtimeTestsBlocked, scratchDir, sharedRootfs, uniqueId } from '../../helpers/runtime';
import { skipIfBlocked } from '../../helpers/skip';

const bin = resolve(__dirname, '../../../../bin/berth-runtime');

function havePodman(): boolean {
  return spawnSync('podman', ['--version']).status === 0;
}

describe('podman with --runtime berth-runtime', function () {
  this.timeout(180000);
  let env: NodeJS.ProcessEnv;
  let image: string;
  let base: string;

  const podman = (...args: string[]) =>
    spawnSync('podman', ['--runtime', bin, ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120000,
    });

  before(function () {
    skipIfBlocked(
      this,
      runtimeTestsBlocked() ?? (havePodman() ? null : 'needs podman (apt-get install podman)'),
      'podman compatibility',
    );
    base = join(scratchDir(), uniqueId('podman'));
    mkdirSync(join(base, 'conf'), { recursive: true });
    // What this host needs (DESIGN.md §5): no CAP_SYS_RESOURCE, so default ulimits within the
    // host's hard limits; cgroupfs, as berth-runtime has no systemd driver. Nothing is shared
    // with other podman users: storage, run and tmp dirs are ours.
    writeFileSync(
      join(base, 'conf/containers.conf'),
      `[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n` +
        `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "${base}/events.log"\ntmp_dir = "${base}/tmp"\n`,
    );
    writeFileSync(
      join(base, 'conf/storage.conf'),
      `[storage]\ndriver = "overlay"\ngraphroot = "${base}/root"\nrunroot = "${base}/run"\n`,
    );
    writeFileSync(join(base, 'conf/registries.conf'), 'unqualified-search-registries = []\n');
    env = {
      ...process.env,
      CONTAINERS_CONF: join(base, 'conf/containers.conf'),
      CONTAINERS_STORAGE_CONF: join(base, 'conf/storage.conf'),
      CONTAINERS_REGISTRIES_CONF: join(base, 'conf/registries.conf'),
    };
    // The test image: the busybox rootfs, imported (no registry).
    image = `localhost/berth-rt-test:${uniqueId('t')}`;
    const tar = join(base, 'rootfs.tar');
    execFileSync('tar', ['-C', sharedRootfs(), '-cf', tar, '.']);
    const imported = spawnSync(
      'podman',
      ['import', '--change', 'ENV=PATH=/bin:/sbin:/usr/bin:/usr/sbin', tar, image],
      { env, encoding: 'utf8' },
    );
    assert.equal(imported.status, 0, imported.stderr);
  });

  after(() => {
    if (env && existsSync(join(base, 'root')))
      spawnSync('podman', ['system', 'reset', '--force'], { env, stdio: 'ignore' });
  });

  it('runs `true` and removes it (create, start, delete through berth-runtime)', () => {
    const r = podman('run', '--rm', '--network', 'none', image, 'true');
    assert.equal(r.status, 0, r.stderr);
  });

  it('passes the exit status and the output, with Docker-like isolation', () => {
    const r = podman(
      'run',
      '--rm',
      '--network',
      'none',
      image,
      'sh',
      '-c',
      'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; exit 7',
    );
    assert.equal(r.status, 7, r.stderr);
    assert.match(r.stdout, /Seccomp:\s+2/);
  });

  it('runs --read-only with writable tmpfs dirs that keep the image content (tmpcopyup)', () => {
    const r = podman(
      'run',
      '--rm',
      '--network',
      'none',
      '--read-only',
      '--tmpfs',
      '/etc',
      image,
      'sh',
      '-c',
      'cat /etc/group; grep -c " /etc tmpfs" /proc/mounts; touch /tmp/x && echo tmp-writable; touch /x',
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^root:x:0:$/m);
    assert.match(r.stdout, /^1$/m);
    assert.match(r.stdout, /tmp-writable/);
    assert.match(r.stderr, /\/x: Read-only file system/);
  });

  it('gives a terminal through the console socket (podman run -t)', () => {
    const r = podman('run', '--rm', '-t', '--network', 'none', image, 'tty');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/0/);
  });

  it('execs into a running container, updates its limits and stops it', () => {
    const name = uniqueId('bx');
    assert.equal(podman('run', '-d', '--name', name, '--network', 'none', image, 'sleep', '60').status, 0);
    const e = podman('exec', name, 'sh', '-c', 'echo exec-ok; ps -o pid,args');
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /exec-ok/);
    assert.match(e.stdout, /^\s*1\s+sleep 60/m);
    // podman update: the new limits through `berth-runtime update --resources`, seen inside.
    const u = podman('update', '--memory', '96m', '--cpus', '0.5', name);
    assert.equal(u.status, 0, u.stderr);
    const limits = podman(
      'exec',
      name,
      'sh',
      '-c',
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max 2>/dev/null; true',
    );
    assert.match(limits.stdout, /^100663296$/m);
    assert.match(limits.stdout, /^50000( 100000)?$/m);
    assert.equal(podman('rm', '-f', '-t', '0', name).status, 0);
  });

  it('pauses, unpauses, restarts and stops a container, with the status podman wait reports', () => {
    const name = uniqueId('bp');
    const script = 'trap "exit 3" TERM; while true; do sleep 1; done';
    assert.equal(
      podman('run', '-d', '--name', name, '--network', 'none', image, 'sh', '-c', script).status,
      0,
    );
    const status = () => podman('inspect', '--format', '{{.State.Status}}', name).stdout.trim();
    assert.equal(podman('pause', name).status, 0);
    assert.equal(status(), 'paused');
    assert.equal(podman('unpause', name).status, 0);
    assert.equal(status(), 'running');
    assert.equal(podman('restart', '-t', '5', name).status, 0);
    assert.equal(status(), 'running');
    assert.equal(podman('kill', '-s', 'TERM', name).status, 0);
    const waited = podman('wait', name);
    assert.equal(waited.stdout.trim(), '3', waited.stderr);
    assert.equal(podman('rm', name).status, 0);
  });
});
