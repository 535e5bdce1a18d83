// config.json fields, each checked from inside the container.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../../../engine/src/runtime';
import {
  makeBundle,
  probeSpec,
  runProbe,
  runtimeForSuite,
  scratchDir,
  uniqueId,
} from '../../helpers/runtime';

describe('berth-runtime: config.json fields, seen from inside', function () {
  let rt: Runtime;
  runtimeForSuite((created) => (rt = created));

  it("joins another container's namespaces by path", async () => {
    const first = uniqueId('ns-owner');
    const owner = probeSpec('exec sleep 60', first);
    owner.hostname = 'shared-uts';
    const c = await rt.run(first, { bundle: makeBundle(owner, first) });
    const id = uniqueId('ns-joiner');
    const spec = probeSpec('hostname; readlink /proc/self/ns/net', id);
    delete spec.hostname;
    spec.linux!.namespaces = spec.linux!.namespaces!.map((ns) =>
      ns.type === 'uts' || ns.type === 'network'
        ? { type: ns.type, path: `/proc/${c.pid}/ns/${ns.type === 'uts' ? 'uts' : 'net'}` }
        : ns,
    );
    spec.mounts = spec.mounts!.filter((m) => m.type !== 'sysfs');
    const { stdout, status } = await runProbe(rt, id, spec);
    assert.equal(status.exitCode, 0);
    const [host, net] = stdout.trim().split('\n');
    assert.equal(host, 'shared-uts');
    assert.equal(net, (await import('node:fs')).readlinkSync(`/proc/${c.pid}/ns/net`));
  });

  it('creates configured devices with their mode and owner', async () => {
    const id = uniqueId('devs');
    const spec = probeSpec('ls -ln /dev/fuse /dev/null', id);
    spec.linux!.devices = [
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o620, uid: 7, gid: 8 },
    ];
    const { stdout } = await runProbe(rt, id, spec);
    assert.match(stdout, /^crw--w----\s+1\s+7\s+8\s+10,\s+229 .*\/dev\/fuse$/m);
    assert.match(stdout, /^crw-rw-rw-\s+1\s+0\s+0\s+1,\s+3 .*\/dev\/null$/m);
  });

  it('applies sysctls, domainname, oomScoreAdj and umask', async () => {
    const id = uniqueId('misc');
    const spec = probeSpec(
      'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname /proc/self/oom_score_adj; umask',
      id,
    );
    spec.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    spec.domainname = 'example.test';
    spec.process!.oomScoreAdj = 500;
    spec.process!.user.umask = 0o027;
    const { stdout } = await runProbe(rt, id, spec);
    assert.deepEqual(stdout.trim().split('\n'), ['1', 'example.test', '500', '0027']);
  });

  it('gives a time namespace its clock offsets', async () => {
    const id = uniqueId('timens');
    const spec = probeSpec('cut -d. -f1 /proc/uptime', id);
    spec.linux!.namespaces!.push({ type: 'time' });
    spec.linux!.timeOffsets = { boottime: { secs: 86400 * 365 } };
    const { stdout } = await runProbe(rt, id, spec);
    assert.ok(Number(stdout.trim()) >= 86400 * 365, `uptime ${stdout}`);
  });

  it('signals every process with kill --all', async () => {
    const id = uniqueId('killall');
    // pid 1 of a pid namespace does not get signals it has no handler for: TERM reaches the
    // shell's children only, through --all.
    const c = await rt.run(id, {
      bundle: makeBundle(probeSpec('sleep 60 & sleep 60 & echo ready; wait; exit 9', id), id),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => c.stdout!.once('data', resolve)); // the sleeps exist
    assert.equal(rt.ps(id).length, 3);
    rt.kill(id, 'TERM', { all: true });
    assert.equal((await c.exited!).exitCode, 9, 'the sleeps died, so the shell went on to exit');
  });

  it('fills a tmpcopyup tmpfs with what the image had there, keeping modes and owners', async () => {
    const id = uniqueId('copyup');
    // /etc of the (read-only) image: the tmpfs over it is writable and starts with its files.
    const spec = probeSpec(
      'grep " /etc " /proc/mounts | cut -d" " -f3; cat /etc/group; ls -ln /etc/passwd; echo x > /etc/new && echo written',
      id,
    );
    spec.mounts!.push({
      destination: '/etc',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'tmpcopyup'],
    });
    const { stdout, status } = await runProbe(rt, id, spec);
    assert.equal(status.exitCode, 0, stdout);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'tmpfs');
    assert.match(stdout, /^root:x:0:$/m);
    assert.match(stdout, /^-rw-r--r--\s+1\s+0\s+0\s.*\/etc\/passwd$/m);
    assert.equal(lines.at(-1), 'written');
  });

  it('makes submounts read-only too with rro, where ro leaves them writable', async () => {
    const tree = join(scratchDir(), uniqueId('rro-tree'));
    mkdirSync(join(tree, 'sub'), { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', 'berth-test-rro', join(tree, 'sub')]);
    try {
      const probe = (options: string[]) => {
        const id = uniqueId('rro');
        const spec = probeSpec('touch /tree/sub/x 2>&1 && echo sub-writable; touch /tree/y 2>&1 || true', id);
        spec.mounts!.push({ destination: '/tree', type: 'bind', source: tree, options });
        return runProbe(rt, id, spec);
      };
      const plain = await probe(['rbind', 'ro']);
      assert.match(plain.stdout, /sub-writable/);
      const recursive = await probe(['rbind', 'rro']);
      assert.doesNotMatch(recursive.stdout, /sub-writable/);
      assert.match(recursive.stdout, /\/tree\/sub\/x.*Read-only file system/);
      assert.match(recursive.stdout, /\/tree\/y.*Read-only file system/);
    } finally {
      execFileSync('umount', [join(tree, 'sub')]);
    }
  });

  it('applies process.scheduler, ioPriority and execCPUAffinity', async () => {
    const id = uniqueId('sched');
    // stat fields 19 and 41: nice and policy (3 = SCHED_BATCH) of the probe itself.
    const spec = probeSpec(
      'cut -d" " -f19,41 /proc/self/stat; ionice -p $$; grep Cpus_allowed_list /proc/self/status',
      id,
    );
    spec.process!.scheduler = { policy: 'SCHED_BATCH', nice: 7 };
    spec.process!.ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 };
    spec.process!.execCPUAffinity = { initial: '0', final: '1' };
    const { stdout, status } = await runProbe(rt, id, spec);
    assert.equal(status.exitCode, 0, stdout);
    const [sched, io, cpus] = stdout.trim().split('\n');
    assert.equal(sched, '7 3');
    assert.equal(io.trim(), 'idle');
    assert.match(cpus, /Cpus_allowed_list:\s+1$/);
  });
});
