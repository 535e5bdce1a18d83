// Isolation features beyond the defaults: our own seccomp compiler, user namespaces, the
// terminal, and the cgroup v2 device filter loaded into a real kernel.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from '../../../engine/src/runtime';
import { compileDeviceFilter } from '../../../engine/src/runtime/cgroups/devices-bpf';
import {
  attachCgroupProgram,
  BPF_CGROUP_DEVICE,
  BPF_PROG_TYPE_CGROUP_DEVICE,
} from '../../../engine/src/runtime/linux/bpf';
import {
  dockerLikeSpec,
  fields,
  makeBundle,
  probeSpec,
  removeTestCgroupParents,
  runProbe,
  runtimeTestsBlocked,
  scratchDir,
  uniqueId,
} from '../../helpers/runtime';
import { skipBecause, skipIfBlocked } from '../../helpers/skip';

describe('berth-runtime: isolation features', function () {
  before(function () {
    skipIfBlocked(this, runtimeTestsBlocked(), 'runtime engine tests');
  });
  after(removeTestCgroupParents);

  it("enforces Docker's profile compiled by berth's own seccomp compiler (hosts without libseccomp)", async () => {
    const rt = new Runtime({ root: join(scratchDir(), 'state'), seccompCompiler: 'berth' });
    const id = uniqueId('bpf');
    const script =
      'grep Seccomp: /proc/self/status; ls / > /dev/null && echo ls=ok; mount -t tmpfs none /tmp; echo mount=$?; unshare -U true; echo unshare=$?';
    const { stdout } = await runProbe(rt, id, dockerLikeSpec(script, id));
    assert.match(stdout, /Seccomp:\s+2/);
    assert.match(stdout, /ls=ok/);
    assert.doesNotMatch(stdout, /mount=0|unshare=0/);
  });

  it('maps root in a user namespace to an unprivileged host uid', async () => {
    const rt = new Runtime({ root: join(scratchDir(), 'state') });
    const id = uniqueId('userns');
    const spec = probeSpec(
      'id -u; cat /proc/self/uid_map; touch /dev/shm/x && ls -ln /dev/shm/x; exec sleep 60',
      id,
    );
    spec.linux!.namespaces!.push({ type: 'user' });
    spec.linux!.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    const c = await rt.create(id, { bundle: makeBundle(spec, id), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      c.stdout!.on('data', (d: Buffer) => (out += d));
      let err = '';
      c.stderr!.on('data', (d: Buffer) => (err += d));
      await rt.start(id);
      const host = fields(readFileSync(`/proc/${c.pid}/status`, 'utf8'));
      assert.equal(host.get('Uid')?.split('\t')[0], '200000', 'the host sees the mapped uid');
      // Wait for the script's output (it ends with a long sleep).
      for (let i = 0; i < 200 && !out.includes('x\n'); i++)
        await new Promise((r) => c.stdout!.once('data', r));
      const lines = out.trim().split('\n');
      assert.equal(lines[0], '0', err);
      assert.match(lines[1], /^\s*0\s+200000\s+65536$/);
      assert.match(lines[2], /^-\S+\s+1\s+0\s+0\s/, "files it makes are its root's");
    } finally {
      await rt.delete(id, { force: true });
    }
  });

  it('gives the container a terminal from its own devpts, its master to the caller', async () => {
    const rt = new Runtime({ root: join(scratchDir(), 'state') });
    const id = uniqueId('tty');
    const spec = probeSpec('tty; stty size', id);
    spec.process!.terminal = true;
    spec.process!.consoleSize = { height: 33, width: 101 };
    const c = await rt.create(id, { bundle: makeBundle(spec, id) });
    try {
      assert.ok(c.consoleFd !== undefined);
      const master = createReadStream('', { fd: c.consoleFd });
      let out = '';
      master.on('data', (d) => (out += d));
      master.on('error', () => undefined); // EIO once the container's side closes
      await rt.start(id);
      await c.exited!;
      for (let i = 0; i < 50 && !out.includes('101'); i++) await new Promise((r) => setImmediate(r));
      assert.match(out, /\/dev\/pts\/0/);
      assert.match(out, /33 101/);
    } finally {
      await rt.delete(id, { force: true });
    }
  });

  it('loads the cgroup v2 device filter into the kernel and it decides', function () {
    const unified = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find(
      (d) => existsSync(join(d, 'cgroup.procs')) && !existsSync(join(d, 'tasks')),
    );
    if (!unified) {
      skipBecause(this, 'needs the cgroup2 (unified) hierarchy mounted at /sys/fs/cgroup');
    }
    const dir = join(unified!, uniqueId('berth-devtest'));
    mkdirSync(dir);
    try {
      attachCgroupProgram(
        dir,
        BPF_PROG_TYPE_CGROUP_DEVICE,
        BPF_CGROUP_DEVICE,
        compileDeviceFilter([
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        ]),
      );
      // A shell moves itself in, then opens an allowed and a denied device.
      const r = spawnSync(
        '/bin/busybox',
        [
          'sh',
          '-c',
          `echo $$ > ${dir}/cgroup.procs; head -c 1 /dev/null; echo null=$?; head -c 1 /dev/zero > /dev/null; echo zero=$?`,
        ],
        {
          encoding: 'utf8',
        },
      );
      assert.match(r.stdout, /null=0/);
      assert.match(r.stdout, /zero=1/, r.stderr);
    } finally {
      rmdirSync(dir);
    }
  });
});
