import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import { type DelegationFiles, findDelegatedCgroup } from '../../../../engine/src/runtime/cgroups/delegation';

// mountinfo lines as the kernel writes them: pure v2 (systemd's default now), and hybrid (v1
// controllers plus a cgroup2 tree at /sys/fs/cgroup/unified, as on this CI host).
const pureV2 =
  '35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n';
const hybrid =
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n' +
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n' +
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n' +
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n';
const v1Only =
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n' +
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';

const user = 1000;

/** A cgroup tree: each directory owned as systemd's delegation leaves it (the dir and its control files). */
function tree(dirs: Record<string, { uid: number; controllers?: string }>): DelegationFiles {
  const owners = new Map<string, number>();
  const texts = new Map<string, string>();
  for (const [dir, { uid, controllers }] of Object.entries(dirs)) {
    owners.set(dir, uid);
    for (const f of ['cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads', 'cgroup.controllers'])
      owners.set(posix.join(dir, f), f === 'cgroup.controllers' ? 0 : uid);
    texts.set(posix.join(dir, 'cgroup.controllers'), `${controllers ?? ''}\n`);
  }
  return { owner: (p) => owners.get(p), read: (p) => texts.get(p) };
}

describe('finding a cgroup v2 cgroup delegated to this process', () => {
  const scope = '/user.slice/user-1000.slice/user@1000.service/app.slice/berthd.scope';

  it('pure v2, in a scope systemd --user made with Delegate=yes: delegated, with its controllers', () => {
    const check = findDelegatedCgroup({
      procCgroup: `0::${scope}\n`,
      mountinfo: pureV2,
      uid: user,
      files: tree({
        '/sys/fs/cgroup/user.slice/user-1000.slice': { uid: 0, controllers: 'cpu memory pids' },
        [`/sys/fs/cgroup${scope}`]: { uid: user, controllers: 'cpu memory pids' },
      }),
    });
    assert.deepEqual(check, {
      delegated: { path: scope, dir: `/sys/fs/cgroup${scope}`, controllers: ['cpu', 'memory', 'pids'] },
    });
  });

  it('once berthd moved into its leaf, a restarted berthd finds the same delegated cgroup', () => {
    const check = findDelegatedCgroup({
      procCgroup: `0::${scope}/berthd\n`,
      mountinfo: pureV2,
      uid: user,
      files: tree({
        [`/sys/fs/cgroup${scope}`]: { uid: user, controllers: 'memory pids' },
        [`/sys/fs/cgroup${scope}/berthd`]: { uid: user },
      }),
    });
    assert.equal(check.delegated?.dir, `/sys/fs/cgroup${scope}`);
    assert.deepEqual(check.delegated?.controllers, ['memory', 'pids']);
  });

  it('hybrid, with a subtree of the unified tree chowned to the user: delegated, no controllers', () => {
    const check = findDelegatedCgroup({
      procCgroup: '9:pids:/\n4:memory:/\n0::/berth-ci-1\n',
      mountinfo: hybrid,
      uid: user,
      files: tree({ '/sys/fs/cgroup/unified/berth-ci-1': { uid: user } }),
    });
    assert.deepEqual(check, {
      delegated: { path: '/berth-ci-1', dir: '/sys/fs/cgroup/unified/berth-ci-1', controllers: [] },
    });
  });

  it("not delegated: the user's session scope belongs to root; the reason names the fix", () => {
    const session = '/user.slice/user-1000.slice/session-3.scope';
    const check = findDelegatedCgroup({
      procCgroup: `0::${session}\n`,
      mountinfo: pureV2,
      uid: user,
      files: tree({ [`/sys/fs/cgroup${session}`]: { uid: 0, controllers: 'memory pids' } }),
    });
    assert.equal(check.delegated, undefined);
    assert.match(
      check.delegated ? '' : check.reason,
      /cgroup \/user\.slice\/user-1000\.slice\/session-3\.scope in cgroup v2 is not delegated to the user.*systemd-run --user --scope -p Delegate=yes berthd.*docs\/rootless\.md/,
    );
  });

  it('a directory chowned without its control files is not delegated (cgroup.procs must be writable)', () => {
    const files = tree({ '/sys/fs/cgroup/unified/half': { uid: user } });
    const owner = files.owner;
    files.owner = (p) => (p.endsWith('cgroup.procs') ? 0 : owner(p));
    const check = findDelegatedCgroup({ procCgroup: '0::/half\n', mountinfo: hybrid, uid: user, files });
    assert.equal(check.delegated, undefined);
  });

  it('the root cgroup is never delegated, even where its files look like ours (root in a user namespace)', () => {
    const check = findDelegatedCgroup({
      procCgroup: '0::/\n',
      mountinfo: hybrid,
      uid: 0,
      files: tree({ '/sys/fs/cgroup/unified': { uid: 0 } }),
    });
    assert.match(
      check.delegated ? '' : check.reason,
      /cgroup \/ in the cgroup v2 tree at \/sys\/fs\/cgroup\/unified is not delegated/,
    );
  });

  it('v1 only: nothing to delegate, and the reason says to boot with cgroup v2', () => {
    const check = findDelegatedCgroup({
      procCgroup: '4:memory:/\n',
      mountinfo: v1Only,
      uid: user,
      files: tree({}),
    });
    assert.match(check.delegated ? '' : check.reason, /only cgroup v1.*systemd\.unified_cgroup_hierarchy=1/);
  });
});
