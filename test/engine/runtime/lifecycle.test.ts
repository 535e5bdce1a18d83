// The OCI lifecycle through the library, as the daemon uses it: states, signals, exit status,
// exec, pause/resume, hooks, and a failed create that leaves nothing behind.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LifecycleError, NotFoundError, Runtime } from '../../../engine/src/runtime';
import { makeBundle, probeSpec, runtimeForSuite, scratchDir, uniqueId } from '../../helpers/runtime';

/** Every directory a container's cgroup would have on this host. */
function cgroupDirs(id: string): string[] {
  return ['memory', 'pids', 'cpu', 'freezer', 'devices', 'unified'].map(
    (h) => `/sys/fs/cgroup/${h}/berth-test/${id}`,
  );
}

/** Everything a stream says until it ends. */
function text(stream: Readable): Promise<string> {
  let s = '';
  stream.on('data', (d: Buffer) => (s += d));
  return new Promise((resolve) => stream.once('close', () => resolve(s)));
}

function mountCount(): number {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').length;
}

describe('berth-runtime: lifecycle', function () {
  let rt: Runtime;
  runtimeForSuite((created) => (rt = created));

  it('goes created → running → stopped, and delete removes every trace', async () => {
    const id = uniqueId('life');
    // pid 1 of a pid namespace only gets the signals it handles: trap TERM.
    const c = await rt.create(id, {
      bundle: makeBundle(probeSpec('trap "exit 7" TERM; sleep 60 & echo ready; wait', id), id),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    assert.equal(rt.state(id).status, 'created');
    assert.equal(rt.state(id).pid, c.pid);
    assert.ok(cgroupDirs(id).every(existsSync));
    await assert.rejects(rt.exec(id, probeSpec('true', id).process!), LifecycleError, 'no exec before start');

    const ready = new Promise((resolve) => c.stdout!.once('data', resolve));
    await rt.start(id);
    await ready; // the trap is set and the sleep forked
    assert.equal(rt.state(id).status, 'running');
    await assert.rejects(rt.start(id), /it is running, not created/);
    await assert.rejects(rt.delete(id), /stop it first, or use --force/);
    assert.equal(rt.ps(id).length, 2, 'the shell and its sleep');
    assert.ok(rt.ps(id).includes(c.pid));

    rt.kill(id, 'TERM');
    const status = await c.exited!;
    assert.deepEqual(status, { exitCode: 7, signal: null, oomKilled: false });
    assert.equal(rt.state(id).status, 'stopped');
    assert.equal(rt.state(id).pid, undefined);
    assert.throws(() => rt.kill(id, 'KILL'), /it is stopped/);

    await rt.delete(id);
    assert.throws(() => rt.state(id), NotFoundError);
    assert.ok(!cgroupDirs(id).some(existsSync), 'the cgroup is gone');
  });

  it("reports the exit code of the container's program", async () => {
    const id = uniqueId('exit');
    const c = await rt.run(id, { bundle: makeBundle(probeSpec('exit 42', id), id) });
    assert.equal((await c.exited!).exitCode, 42);
    await rt.delete(id);
  });

  it('lets another Runtime (a restarted daemon) wait for a container and learn its status', async () => {
    const id = uniqueId('adopt');
    const c = await rt.create(id, {
      bundle: makeBundle(probeSpec('read x; exit 5', id), id),
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    await rt.start(id);
    const other = new Runtime({ root: rt.root });
    const waited = other.wait(id);
    c.stdin!.end('go\n');
    assert.deepEqual(await waited, { exitCode: 5, signal: null, oomKilled: false });
    await other.delete(id);
    await other.close();
  });

  it('pipes stdin and stdout through real pipes', async () => {
    const id = uniqueId('io');
    const c = await rt.create(id, {
      bundle: makeBundle(probeSpec('read line; echo "got $line" > /dev/stdout', id), id),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const out = text(c.stdout!);
    await rt.start(id);
    c.stdin!.end('hello\n');
    await c.exited!;
    assert.equal(await out, 'got hello\n');
    await rt.delete(id);
  });

  it('execs into a running container, in its namespaces and cgroup', async () => {
    const id = uniqueId('exec');
    const spec = probeSpec('exec sleep 60', id);
    spec.hostname = 'exec-host';
    const c = await rt.run(id, { bundle: makeBundle(spec, id) });
    const proc = {
      ...spec.process!,
      args: ['sh', '-c', 'echo $$; hostname; read n < /sys/fs/cgroup/pids/pids.current; echo $n; exit 3'],
    };
    const e = await rt.exec(id, proc, { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = text(e.stdout!);
    assert.equal((await e.exited!).exitCode, 3);
    const [pid, host, tasks] = (await out).trim().split('\n');
    assert.notEqual(pid, '1');
    assert.equal(host, 'exec-host');
    assert.equal(tasks, '2', "sleep and the exec'd shell share the container's pids cgroup");
    await rt.delete(id, { force: true });
    assert.equal((await c.exited!).signal, 'SIGKILL');
  });

  it('pauses and resumes every process', async () => {
    const id = uniqueId('pause');
    const c = await rt.run(id, { bundle: makeBundle(probeSpec('exec sleep 60', id), id) });
    rt.pause(id);
    assert.equal(rt.state(id).status, 'paused');
    assert.equal(
      readFileSync(`/sys/fs/cgroup/freezer/berth-test/${id}/freezer.state`, 'utf8').trim(),
      'FROZEN',
    );
    assert.ok(c.pid > 0);
    rt.resume(id);
    assert.equal(rt.state(id).status, 'running');
    await rt.delete(id, { force: true });
  });

  it("runs the hooks in the spec's order, each with the state", async () => {
    const id = uniqueId('hooks');
    const log = join(scratchDir(), `${id}.log`);
    const hook = join(scratchDir(), `${id}.sh`);
    // Appends "<phase> <status> <mount ns>" for each call.
    writeFileSync(
      hook,
      `#!/bin/sh\nread state\nstatus=$(echo "$state" | sed 's/.*"status":"\\([a-z]*\\)".*/\\1/')\necho "$1 $status $(readlink /proc/self/ns/mnt)" >> ${log}\n`,
    );
    chmodSync(hook, 0o755);
    const spec = probeSpec('cat /dev/shm/started', id);
    const h = (phase: string) => [{ path: hook, args: [hook, phase] }];
    spec.hooks = {
      prestart: h('prestart'),
      createRuntime: h('createRuntime'),
      createContainer: h('createContainer'),
      // startContainer runs inside the container: its path is the container's.
      startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'echo yes > /dev/shm/started'] }],
      poststart: h('poststart'),
      poststop: h('poststop'),
    };
    const c = await rt.create(id, { bundle: makeBundle(spec, id), stdio: ['ignore', 'pipe', 'inherit'] });
    const out = text(c.stdout!);
    await rt.start(id);
    await c.exited!;
    await rt.delete(id);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    assert.deepEqual(
      lines.map((l) => [l[0], l[1]]),
      [
        ['prestart', 'creating'],
        ['createRuntime', 'creating'],
        ['createContainer', 'creating'],
        ['poststart', 'running'],
        ['poststop', 'stopped'],
      ],
    );
    const hostNs = lines[0][2];
    assert.notEqual(lines[2][2], hostNs, "createContainer runs in the container's mount namespace");
    assert.equal(lines[1][2], hostNs, "createRuntime runs in the runtime's");
    assert.equal((await out).trim(), 'yes', 'startContainer ran inside, before the program');
  });

  describe('a failed create leaves nothing behind', () => {
    async function failingCreate(
      spec: ReturnType<typeof probeSpec>,
      id: string,
      expected: RegExp,
    ): Promise<void> {
      const before = mountCount();
      await assert.rejects(
        rt.create(id, { bundle: makeBundle(spec, id) }),
        (err: Error & { containerPid?: number }) => {
          assert.match(err.message, expected);
          if (err.containerPid && err.containerPid > 0)
            assert.ok(
              !existsSync(`/proc/${err.containerPid}/stat`) ||
                readFileSync(`/proc/${err.containerPid}/stat`, 'utf8').includes(') Z'),
            );
          return true;
        },
      );
      assert.throws(() => rt.state(id), NotFoundError, 'no state');
      assert.ok(!existsSync(join(rt.root, id)), 'no state directory');
      assert.ok(!cgroupDirs(id).some(existsSync), 'no cgroup directory');
      assert.equal(mountCount(), before, 'no mount on the host');
    }

    it('when the program does not exist', async () => {
      const id = uniqueId('fail-exec');
      const spec = probeSpec('true', id);
      spec.process!.args = ['/no/such/program'];
      await failingCreate(spec, id, /exec: "\/no\/such\/program": executable file not found/);
    });

    it('when a mount fails inside the init (naming the call, its arguments and errno)', async () => {
      const id = uniqueId('fail-mount');
      const spec = probeSpec('true', id);
      spec.mounts!.push({ destination: '/data', type: 'nosuchfs', source: 'none' });
      await failingCreate(spec, id, /mount\("none", "\/data", "nosuchfs", 0, null, IN_ROOT\): ENODEV/);
    });

    it('when a createRuntime hook fails', async () => {
      const id = uniqueId('fail-hook');
      const spec = probeSpec('true', id);
      spec.hooks = { createRuntime: [{ path: '/bin/false' }] };
      await failingCreate(spec, id, /createRuntime hook \/bin\/false failed/);
    });

    it('when a limit cannot be applied', async () => {
      const id = uniqueId('fail-limit');
      const spec = probeSpec('true', id);
      spec.linux!.resources = { ...spec.linux!.resources, cpu: { cpus: '4096' } };
      await failingCreate(spec, id, /cpuset.cpus/);
    });
  });
});
