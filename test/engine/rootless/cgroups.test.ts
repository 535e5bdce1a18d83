// Rootless berthd in a delegated cgroup v2 cgroup, for real. Root does what systemd's Delegate=yes
// does: makes a cgroup in the host's cgroup2 tree and chowns it (the directory, cgroup.procs,
// cgroup.subtree_control, cgroup.threads) to the unprivileged user, then starts berthd in it. On a
// hybrid host (as CI's) that tree has no memory, cpu or pids controller: placement, pause through
// cgroup.freeze and cleanup are tested, and the limits must be refused with a warning each.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseCgroupMounts } from '../../../engine/src/runtime/cgroups/layout';
import {
  keeperPid,
  type Result,
  rootlessBlocked,
  RootlessSession,
  rootlessWork,
  type RootlessWork,
} from '../../helpers/rootless';
import { skipBecause, skipIfBlocked } from '../../helpers/skip';

/** The host's cgroup2 mount, if its root is the real root (not inside a cgroup namespace). */
function unifiedMount(): string | undefined {
  const unified = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')).unified;
  return unified && unified.root === '/' ? unified.mountPoint : undefined;
}

function v2CgroupOf(pid: number): string | undefined {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'))
    ?.slice(3);
}

function procsOf(dir: string): number[] {
  return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Removes a test cgroup tree; processes left in it go back to the root cgroup first. */
function removeCgroupTree(mount: string, dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory()) removeCgroupTree(mount, join(dir, entry.name));
  for (const pid of procsOf(dir)) {
    try {
      writeFileSync(join(mount, 'cgroup.procs'), String(pid));
    } catch {
      // exited meanwhile
    }
  }
  rmdirSync(dir);
}

describe('rootless Berth in a delegated cgroup v2 cgroup', function () {
  this.timeout(120_000);
  let w: RootlessWork;
  let u: RootlessSession;
  let mount: string;
  let name: string;
  let delegated: string;
  let image: string;
  const docker = (...args: string[]): Promise<Result> => u.docker(...args);

  before(async function () {
    skipIfBlocked(this, rootlessBlocked());
    const found = unifiedMount();
    if (!found)
      return skipBecause(this, 'needs a cgroup2 hierarchy mounted from its root (none in mountinfo)');
    mount = found;
    w = await rootlessWork('berth-rootless-cg', 'cgroups');
    image = w.image;
    u = new RootlessSession(w, 'cg');
    name = `berth-rootless-test-${process.pid}`;
    delegated = join(mount, name);
    mkdirSync(delegated);
    for (const path of ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads'])
      chownSync(join(delegated, path), u.ids.uid, u.ids.gid);
    u.cgroup = delegated;
    await u.startBerthd();
  });

  after(async () => {
    await u?.end();
    // berthd's leaf keeps the keeper and the network's link until they notice they are alone.
    if (delegated) {
      await until('the delegated cgroup holds no process', () => {
        const leaf = join(delegated, 'berthd');
        return !existsSync(leaf) || procsOf(leaf).length === 0;
      }).catch(() => undefined);
      removeCgroupTree(mount, delegated);
    }
    await w?.remove();
  });

  it('berthd moves into the leaf <delegated>/berthd and says which controllers containers get', () => {
    assert.equal(v2CgroupOf(u.berthdPid()), `/${name}/berthd`);
    // Its supervisor and the keeper too: nothing is left in the delegated cgroup itself, so it may
    // hand controllers to its children (cgroup v2's no-internal-processes rule).
    for (const pid of [
      readFileSync(`/proc/${u.berthdPid()}/stat`, 'utf8').split(' ')[3],
      keeperPid(u.xdgRuntime),
    ])
      assert.equal(v2CgroupOf(Number(pid)), `/${name}/berthd`);
    assert.deepEqual(procsOf(delegated), []);
    const controllers = readFileSync(join(delegated, 'cgroup.controllers'), 'utf8').trim();
    assert.match(
      u.log,
      new RegExp(
        `rootless containers get cgroups under /${name} \\(controllers: ${controllers || 'none'}\\)`,
      ),
    );
    // Every controller the delegated cgroup has is handed on to the containers' cgroups.
    assert.equal(readFileSync(join(delegated, 'cgroup.subtree_control'), 'utf8').trim(), controllers);
  });

  it("a container's processes land in <delegated>/berth/<id>, seen from the host and inside", async () => {
    const run = await docker('run', '-d', image, 'sh', '-c', 'cat /proc/self/cgroup; exec sleep 300');
    assert.equal(run.status, 0, run.stderr);
    const id = run.stdout.trim();
    try {
      const pid = Number((await docker('inspect', '-f', '{{.State.Pid}}', id)).stdout.trim());
      assert.equal(v2CgroupOf(pid), `/${name}/berth/${id}`);
      assert.ok(procsOf(join(delegated, 'berth', id)).includes(pid));
      // Its own cgroup namespace: inside, its cgroup is the root.
      await until('the container printed its cgroups', () =>
        readFileSync(`/proc/${pid}/cmdline`).includes('sleep'),
      );
      const logs = await docker('logs', id);
      assert.match(logs.stdout, /^0::\/$/m);
    } finally {
      await docker('rm', '-f', id);
    }
  });

  it('docker and berth pause freeze the container through cgroup.freeze, unpause thaws it, rm removes its cgroup', async function () {
    const run = await docker('run', '-d', image, 'sleep', '300');
    assert.equal(run.status, 0, run.stderr);
    const id = run.stdout.trim();
    const dir = join(delegated, 'berth', id);
    const frozen = (): string | undefined =>
      /^frozen (\d)$/m.exec(readFileSync(join(dir, 'cgroup.events'), 'utf8'))?.[1];
    try {
      if (!existsSync(join(dir, 'cgroup.freeze'))) {
        // cgroup.freeze came with Linux 5.2.
        return skipBecause(this, 'needs the cgroup v2 freezer (cgroup.freeze, Linux >= 5.2)');
      }
      const pause = await docker('pause', id);
      assert.equal(pause.status, 0, pause.stderr);
      assert.equal(frozen(), '1');
      assert.equal((await docker('inspect', '-f', '{{.State.Status}}', id)).stdout.trim(), 'paused');
      const unpause = await docker('unpause', id);
      assert.equal(unpause.status, 0, unpause.stderr);
      assert.equal(frozen(), '0');
      const exec = await docker('exec', id, 'echo', 'thawed');
      assert.equal(exec.stdout, 'thawed\n', exec.stderr);
      // berth's own verbs, through the same berthd.
      const berthPause = await u.berth('pause', id);
      assert.equal(berthPause.status, 0, berthPause.stderr);
      assert.equal(frozen(), '1');
      assert.equal((await u.berth('unpause', id)).status, 0);
      assert.equal(frozen(), '0');
    } finally {
      const rm = await docker('rm', '-f', id);
      assert.equal(rm.status, 0, rm.stderr);
    }
    assert.equal(existsSync(dir), false, `${dir} is left after rm`);
  });

  it("a build's RUN steps run in <delegated>/berth-build/<step>, removed after the step", async () => {
    const context = join(w.work, 'cg-context');
    mkdirSync(context);
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${image}\nRUN grep ^0:: /proc/self/cgroup > /cg\nCMD ["cat", "/cg"]\n`,
    );
    execFileSync('chmod', ['-R', 'a+rX', context]);
    const b = await docker('build', '-t', 'rl-cg-built', context);
    assert.equal(b.status, 0, b.stderr + b.stdout);
    const r = await docker('run', '--rm', 'rl-cg-built');
    assert.match(r.stdout, new RegExp(`^0::/${name}/berth-build/[0-9a-z-]+$`, 'm'), r.stderr);
    assert.deepEqual(
      readdirSync(join(delegated, 'berth-build'), { withFileTypes: true }).filter((e) => e.isDirectory()),
      [],
    );
  });

  it('a berthd killed and started again from its leaf uses the same cgroup and pauses the container it re-adopted', async function () {
    const run = await docker('run', '-d', image, 'sleep', '300');
    assert.equal(run.status, 0, run.stderr);
    const id = run.stdout.trim();
    const dir = join(delegated, 'berth', id);
    try {
      await u.stopBerthd('SIGKILL');
      // As a berthd restarted by whatever started it (its cgroup is inherited): in the leaf.
      u.cgroup = join(delegated, 'berthd');
      await u.startBerthd();
      assert.match(u.log, /re-adopted running container/);
      assert.match(u.log, new RegExp(`rootless containers get cgroups under /${name} \\(`));
      assert.equal(v2CgroupOf(u.berthdPid()), `/${name}/berthd`);
      assert.equal(
        existsSync(join(delegated, 'berthd', 'berthd')),
        false,
        'berthd nested a leaf in its leaf',
      );
      if (!existsSync(join(dir, 'cgroup.freeze')))
        return skipBecause(this, 'needs the cgroup v2 freezer (cgroup.freeze, Linux >= 5.2)');
      const pause = await docker('pause', id);
      assert.equal(pause.status, 0, pause.stderr);
      assert.match(readFileSync(join(dir, 'cgroup.events'), 'utf8'), /^frozen 1$/m);
      assert.equal((await docker('unpause', id)).status, 0);
    } finally {
      u.cgroup = delegated;
      await docker('rm', '-f', id);
    }
    assert.equal(existsSync(dir), false, `${dir} is left after rm`);
  });

  it('a limit whose controller is not delegated is discarded with a warning naming it; delegated ones apply', async () => {
    const controllers = readFileSync(join(delegated, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
    const r = await docker('run', '--rm', '-m', '64m', '--pids-limit', '50', image, 'echo', 'limited');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'limited\n');
    for (const [flag, controller] of [
      ['Memory limit', 'memory'],
      ['PIDs limit', 'pids'],
    ]) {
      const warning = new RegExp(
        `${flag} discarded \\(the ${controller} controller is not delegated to rootless berthd's cgroup: /${name} has `,
      );
      if (controllers.includes(controller)) assert.doesNotMatch(r.stderr, warning);
      else {
        assert.match(r.stderr, warning);
        assert.match(u.log, warning);
      }
    }
    // docker info tells the same truth.
    const info = await docker(
      'info',
      '-f',
      '{{.CgroupDriver}} {{.CgroupVersion}} {{.MemoryLimit}} {{.PidsLimit}}',
    );
    assert.equal(
      info.stdout.trim(),
      `cgroupfs 2 ${controllers.includes('memory')} ${controllers.includes('pids')}`,
      info.stderr,
    );
  });
});
