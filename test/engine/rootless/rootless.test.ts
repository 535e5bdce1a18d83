// Rootless Berth, for real: `berth` and `berthd` run as an unprivileged user (`berth-rootless`, made
// by .ci/rootless-user with subordinate ids) through `runuser`, from a copy of the built engine that
// user can read. The suite itself runs as root only to switch users and to look at the host's view
// (who owns the files on disk, which host uid a container's process has).
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  extensionEngineModules,
  lookupUser,
  type Result,
  rootlessBlocked,
  RootlessSession,
  rootlessUser as user,
  rootlessWork,
  type RootlessWork,
} from '../../helpers/rootless';
import { skipBecause, skipIfBlocked } from '../../helpers/skip';

const repo = join(__dirname, '../../../..');

function subordinateStart(file: string, name: string): number | undefined {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  return line ? Number(line.split(':')[1]) : undefined;
}

describe('rootless Berth (as an unprivileged user)', function () {
  this.timeout(120_000);
  let w: RootlessWork;
  let work: string;
  let u: RootlessSession;
  let home: string;
  let xdgRuntime: string;
  let image: string;
  let ids: { uid: number; gid: number };
  let subuid: number;
  const asUser = (argv: string[], options?: { input?: string; timeoutMs?: number }): Promise<Result> =>
    u.run(argv, options);
  const berth = (...args: string[]): Promise<Result> => u.berth(...args);

  before(async function () {
    skipIfBlocked(this, rootlessBlocked());
    subuid = subordinateStart('/etc/subuid', user)!;
    w = await rootlessWork('berth-rootless', 'rootless');
    ({ work, image } = w);
    u = new RootlessSession(w, 'main');
    ({ home, xdgRuntime, ids } = u);
  });

  after(async () => {
    await u?.end();
    await w?.remove();
  });

  it('pulls into $XDG_DATA_HOME, owned by the user on the host', async () => {
    const r = await berth('pull', image);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Pull complete/);
    const store = join(home, '.local/share/berth');
    assert.equal(statSync(store).uid, ids.uid);
    const busybox = execFileSync('find', [join(store, 'snapshots'), '-name', 'busybox', '-type', 'f'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')[0];
    // Root in the image is the user on the host.
    assert.equal(statSync(busybox).uid, ids.uid);
  });

  it('run --rm: root in the container is the user outside, other ids are subordinate ones', async () => {
    const r = await berth(
      'run',
      '--rm',
      image,
      'sh',
      '-c',
      'id -u; cat /proc/self/uid_map; echo data > /tmp/f; cat /tmp/f; chown 65534:65534 /tmp/f && stat -c owner=%u /tmp/f',
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], '0');
    assert.match(r.stdout, new RegExp(`^\\s*0\\s+${ids.uid}\\s+1$`, 'm'));
    assert.match(r.stdout, new RegExp(`^\\s*1\\s+${subuid}\\s+65536$`, 'm'));
    assert.ok(lines.includes('data'), r.stdout);
    assert.ok(lines.includes('owner=65534'), `uid 65534 exists in the container: ${r.stdout}`);
    assert.equal((await berth('run', '--rm', image, 'false')).status, 1);
  });

  it('builds with RUN and chown to another user, which the image keeps', async () => {
    const context = join(work, 'context');
    mkdirSync(context);
    execFileSync('sh', [
      '-c',
      `printf 'FROM ${image}\\nRUN echo built > /built && chown 1234:1234 /built\\nUSER 1234\\nCMD ["sh", "-c", "id -u; ls -ln /built"]\\n' > ${context}/Dockerfile && chmod -R a+rX ${context}`,
    ]);
    const b = await berth('build', '-t', 'rootless-built', context);
    assert.equal(b.status, 0, b.stderr + b.stdout);
    const r = await berth('run', '--rm', 'rootless-built');
    assert.equal(r.status, 0, r.stderr);
    const [uid, ls] = r.stdout.trim().split('\n');
    assert.equal(uid, '1234');
    assert.match(ls, /^-\S+\s+\d+\s+1234\s+1234\s/);
    // On the host the file belongs to subordinate id 1233 of the range (uid 1234 − 1 + start).
    const built = execFileSync('find', [join(home, '.local/share/berth'), '-name', 'built', '-type', 'f'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')[0];
    assert.equal(statSync(built).uid, subuid + 1233);
  });

  it('with BERTH_OVERLAY=fuse-overlayfs: runs and builds on fuse-overlayfs and leaves nothing behind', async function () {
    if (!existsSync('/usr/bin/fuse-overlayfs') || !existsSync('/dev/fuse')) {
      return skipBecause(this, 'needs fuse-overlayfs and /dev/fuse (apt-get install fuse-overlayfs)');
    }
    const fuse = (...args: string[]): Promise<Result> =>
      asUser([
        'env',
        'BERTH_OVERLAY=fuse-overlayfs',
        process.execPath,
        join(w.stage, 'bin/berth'),
        '--insecure-registry',
        w.registry.address,
        ...args,
      ]);
    assert.equal((await fuse('pull', '-q', image)).status, 0);
    // The root is a fuse-overlayfs mount, writable, with the image's files.
    const r = await fuse(
      'run',
      '--rm',
      image,
      'sh',
      '-c',
      'awk \'$5 == "/"\' /proc/self/mountinfo; echo w > /written && cat /written; ' +
        'ls /bin/busybox; rm /bin/true && ls /bin/true',
    );
    const [root, ...rest] = r.stdout.split('\n');
    assert.match(root, / - fuse\.fuse-overlayfs /, r.stderr);
    assert.deepEqual(rest, ['w', '/bin/busybox', ''], r.stderr);
    assert.match(r.stderr, /\/bin\/true: No such file/);
    // RUN layers: a deleted file and a directory replaced whole (fuse-overlayfs's own opaque marks).
    const context = join(work, 'fuse-context');
    mkdirSync(context);
    execFileSync('sh', [
      '-c',
      `printf 'FROM ${image}\\nRUN mkdir -p /d && echo old > /d/old && echo keep > /keep\\n` +
        `RUN rm /keep /bin/true && rm -r /d && mkdir /d && echo new > /d/new\\n' > ${context}/Dockerfile && chmod -R a+rX ${context}`,
    ]);
    const b = await fuse('build', '-t', 'rootless-fuse', context);
    assert.equal(b.status, 0, b.stderr + b.stdout);
    // Run on the kernel's overlayfs: the layers fuse-overlayfs made read the same everywhere.
    const check = await berth(
      'run',
      '--rm',
      'rootless-fuse',
      'sh',
      '-c',
      'ls /d; ls /keep /bin/true 2>&1 | wc -l',
    );
    assert.equal(check.stdout, 'new\n2\n', check.stderr);
    // Nothing left: no fuse-overlayfs daemon of this store, no mount.
    const store = join(home, '.local/share/berth');
    const daemons = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.startsWith('fuse-overlayfs') || l.includes('/fuse-overlayfs '))
      .filter((l) => l.includes(store));
    assert.deepEqual(daemons, []);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(store));
  });

  it('with no subordinate ids: a single-id mapping, root only, and an error naming the fix', async function () {
    const single = lookupUser(`${user}-single`);
    if (!single) {
      return skipBecause(
        this,
        `needs the user ${user}-single without subordinate ids: run .ci/rootless-user as root`,
      );
    }
    const session = new RootlessSession(w, 'single', `${user}-single`);
    const run = (...args: string[]): Promise<Result> => session.berth(...args);
    try {
      assert.equal((await run('pull', '-q', image)).status, 0);
      const r = await run('run', '--rm', image, 'sh', '-c', 'id -u; cat /proc/self/uid_map; ls /dev/pts');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^0\\n\\s*0\\s+${single.uid}\\s+1\\n(?!\\s*1\\s)`));
      assert.match(r.stdout, /ptmx/);
      const other = await run('run', '--rm', '--user', '1234', image, 'id');
      assert.equal(other.status, 1);
      assert.match(
        other.stderr,
        /user 1234:0 does not exist in rootless Berth's user namespace, which maps 0 only/,
      );
      assert.match(other.stderr, /usermod --add-subuids/);
    } finally {
      await session.end();
    }
  });

  it("the extension's engine launcher starts berthd rootless at the user's default socket", async () => {
    // The extension host's own modules (client/src/engine), run as the user the way VS Code would.
    // With the engine's cgroup modules it reads (scope.js), at the same relative place.
    const launcherDir = join(w.stage, 'out/client/src/engine');
    for (const dir of extensionEngineModules)
      cpSync(join(repo, dir), join(w.stage, dir), { recursive: true });
    execFileSync('chmod', ['-R', 'a+rX', join(w.stage, 'out')]);
    const script = `
      const { BundledEngine } = require(${JSON.stringify(join(launcherDir, 'bundled.js'))});
      const { bundledSocketPath } = require(${JSON.stringify(join(launcherDir, 'target.js'))});
      const socket = bundledSocketPath(process.env, process.getuid());
      const engine = new BundledEngine(${JSON.stringify(join(w.stage, 'bin/berthd'))}, process.env.HOME + '/berthd.log');
      const settings = { dataRoot: '', execRoot: '' };
      engine.start(socket, settings).then(() => {
        const pid = require('fs').readFileSync(require('path').dirname(socket) + '/berthd.pid', 'utf8').trim();
        console.log(JSON.stringify({ socket, uidMap: require('fs').readFileSync('/proc/' + pid + '/uid_map', 'utf8') }));
        return engine.stop(socket, settings);
      }).catch((err) => { console.error(err.message); process.exitCode = 1; });`;
    const r = await asUser([process.execPath, '-e', script]);
    assert.equal(r.status, 0, r.stderr);
    const { socket, uidMap } = JSON.parse(r.stdout) as { socket: string; uidMap: string };
    assert.equal(socket, join(xdgRuntime, 'berth/berth.sock'));
    // berthd ran as root of the user's namespace: its uid 0 is the user.
    assert.match(uidMap, new RegExp(`^\\s*0\\s+${ids.uid}\\s+1$`, 'm'));
  });

  describe('berthd', () => {
    const socket = (): string => u.socket;
    const docker = (...args: string[]): Promise<Result> => u.docker(...args);

    before(() => u.startBerthd());

    after(() => u.stopBerthd());

    it('serves the API on a socket under $XDG_RUNTIME_DIR, owned by the user', async () => {
      const st = statSync(socket());
      assert.ok(st.isSocket());
      assert.equal(st.uid, ids.uid);
      const info = await docker('info', '--format', '{{json .SecurityOptions}}');
      assert.equal(info.status, 0, info.stderr);
      assert.match(info.stdout, /name=rootless/);
    });

    it('pull, run, logs, exec, stop and rm through the docker CLI', async () => {
      assert.equal((await docker('pull', image)).status, 0);
      const run = await docker(
        'run',
        '-d',
        '--name',
        'rl-probe',
        image,
        'sh',
        '-c',
        'echo started; sleep 300',
      );
      assert.equal(run.status, 0, run.stderr);
      try {
        let logs = await docker('logs', 'rl-probe');
        const deadline = Date.now() + 20_000;
        while (!logs.stdout.includes('started') && Date.now() < deadline)
          logs = await docker('logs', 'rl-probe');
        assert.equal(logs.stdout, 'started\n');
        const exec = await docker('exec', 'rl-probe', 'sh', '-c', 'echo from-exec; id -u');
        assert.equal(exec.stdout, 'from-exec\n0\n', exec.stderr);
        const top = await docker('top', 'rl-probe');
        assert.match(top.stdout, /sleep 300/);
        // Figures of the container's own processes (from /proc: it has no cgroup of its own).
        const stats = await docker('stats', '--no-stream', '--format', '{{.PIDs}} {{.MemUsage}}', 'rl-probe');
        const [pids, usage] = stats.stdout.trim().split(' ');
        assert.ok(Number(pids) >= 1 && Number(pids) <= 2, stats.stdout + stats.stderr);
        assert.match(usage, /^\d+(\.\d+)?(KiB|MiB)$/);
        // The host sees the container's process as the user's.
        const pid = Number((await docker('inspect', '-f', '{{.State.Pid}}', 'rl-probe')).stdout.trim());
        assert.equal(statSync(`/proc/${pid}`).uid, ids.uid);
        assert.equal((await docker('stop', '-t', '1', 'rl-probe')).status, 0);
      } finally {
        await docker('rm', '-f', 'rl-probe');
      }
    });

    it('a container that kept running while berthd was killed is still reachable by the next berthd', async () => {
      const name = `rl-crash-${process.pid}`;
      const run = await docker('run', '-d', '--name', name, image, 'sh', '-c', 'echo before; exec sleep 300');
      assert.equal(run.status, 0, run.stderr);
      try {
        await u.stopBerthd('SIGKILL');
        await u.startBerthd();
        assert.match(u.log, /re-adopted running container/);
        // Joined the namespaces the container lives in (berth-userns's keeper held them).
        const pid = u.berthdPid();
        const container = Number((await docker('inspect', '-f', '{{.State.Pid}}', name)).stdout.trim());
        assert.equal(
          execFileSync('readlink', [`/proc/${pid}/ns/user`]).toString(),
          execFileSync('readlink', [`/proc/${container}/ns/user`]).toString(),
        );
        const ps = await docker('ps', '--format', '{{.Names}} {{.State}}');
        assert.match(ps.stdout, new RegExp(`^${name} running$`, 'm'), ps.stderr);
        assert.equal((await docker('logs', name)).stdout, 'before\n');
        const exec = await docker('exec', name, 'echo', 'from-exec');
        assert.equal(exec.stdout, 'from-exec\n', exec.stderr);
        // sh's exec made sleep pid 1, which ignores SIGTERM: stop has to SIGKILL it after 1 s.
        const stop = await docker('stop', '-t', '1', name);
        assert.equal(stop.status, 0, stop.stderr);
        const state = await docker('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', name);
        assert.equal(state.stdout.trim(), 'exited 137');
      } finally {
        await docker('rm', '-f', name);
      }
    });

    it("builds through berthd with RUN steps on the default bridge (inside berthd's network namespace)", async () => {
      const context = join(work, 'daemon-context');
      mkdirSync(context);
      execFileSync('sh', [
        '-c',
        `printf 'FROM ${image}\\nRUN ip -4 -o addr show eth0 > /eth0\\nCMD ["cat", "/eth0"]\\n' > ${context}/Dockerfile && chmod -R a+rX ${context}`,
      ]);
      const b = await docker('build', '-t', 'rl-daemon-built', context);
      assert.equal(b.status, 0, b.stderr + b.stdout);
      const r = await docker('run', '--rm', 'rl-daemon-built');
      // The step had an address on a bridge (172.17.0.0/16 is the default bridge's first pool).
      assert.match(r.stdout, /eth0\s+inet 172\.\d+\.\d+\.\d+\/16/, r.stderr);
    });

    it('run --rm of a failing container returns its status, never hangs the client', async () => {
      // A non-zero exit, and a command the kernel cannot execute (ENOEXEC: no #! line): the docker
      // client gets the status and returns (it waits on the attach stream and on /wait together).
      const fail = await docker('run', '--rm', image, 'sh', '-c', 'echo out; echo err >&2; exit 3');
      assert.equal(fail.status, 3, fail.stderr);
      assert.equal(fail.stdout, 'out\n');
      assert.match(fail.stderr, /err/);
      const maker = `rl-bad-${process.pid}`;
      const made = await docker(
        'run',
        '--name',
        maker,
        image,
        'sh',
        '-c',
        'echo garbage > /bad; chmod +x /bad',
      );
      assert.equal(made.status, 0, made.stderr);
      assert.equal((await docker('commit', maker, 'rl-bad')).status, 0);
      await docker('rm', maker);
      const bad = await docker('run', '--rm', 'rl-bad', '/bad');
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /exec format error/i);
      const left = await docker('ps', '-aq', '--filter', 'ancestor=rl-bad');
      assert.equal(left.stdout.trim(), '', 'the --rm container is gone');
    });

    it('pause says why it cannot work rootless here and what would make it work', async () => {
      const name = `rl-pause-${process.pid}`;
      assert.equal((await docker('run', '-d', '--name', name, image, 'sleep', '300')).status, 0);
      try {
        const r = await docker('pause', name);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /freezer/);
        // The fix: a delegated cgroup (cgroups.test.ts has berthd in one), or root.
        assert.match(r.stderr, /systemd-run --user --scope -p Delegate=yes berthd.*or run berthd as root/);
        assert.equal((await docker('inspect', '-f', '{{.State.Status}}', name)).stdout.trim(), 'running');
      } finally {
        await docker('rm', '-f', name);
      }
    });

    it('runs with limits dropped and a warning where no cgroup is delegated', async () => {
      const r = await docker('run', '--rm', '-m', '64m', '--pids-limit', '50', image, 'echo', 'limited');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'limited\n');
      // One warning per limit, with why (this suite's berthd is in no delegated cgroup) and the fix.
      for (const limit of ['Memory limit', 'PIDs limit'])
        assert.match(
          r.stderr,
          new RegExp(
            `${limit} discarded \\(rootless berthd has no cgroup: (this process's cgroup .* is not delegated to the user .*systemd-run --user --scope -p Delegate=yes berthd|this host mounts only cgroup v1)`,
          ),
        );
      assert.match(u.log, /rootless containers get no cgroup, so no limits and no pause/);
      const info = await docker(
        'info',
        '-f',
        '{{.CgroupDriver}} {{.MemoryLimit}} {{.PidsLimit}} {{json .Warnings}}',
      );
      assert.match(info.stdout, /^none false false .*WARNING: No memory limit support/, info.stderr);
      // docker update says the same, not that the limits apply from the next start, created or
      // running (with no cgroup there is nothing to write into).
      const name = `rl-update-${process.pid}`;
      assert.equal((await docker('create', '--name', name, image, 'sleep', '60')).status, 0);
      try {
        const u = await docker('update', '--memory', '64m', name);
        assert.equal(u.status, 0, u.stderr);
        assert.match(u.stderr + u.stdout, /Memory limit discarded \(rootless berthd has no cgroup: /);
        assert.equal((await docker('start', name)).status, 0);
        const running = await docker('update', '--memory', '96m', '--pids-limit', '20', name);
        assert.equal(running.status, 0, running.stderr);
        assert.match(running.stderr + running.stdout, /Memory limit discarded/);
        assert.equal((await docker('inspect', '-f', '{{.State.Running}}', name)).stdout.trim(), 'true');
      } finally {
        await docker('rm', '-f', name);
      }
    });
  });
});
