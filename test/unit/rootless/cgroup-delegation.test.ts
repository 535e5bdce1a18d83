import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootlessLimitsReason } from '../../../engine/src/rootless/cgroup-delegation';

describe('why rootless berthd applies no cgroup limits', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'berth-cgroup-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function host(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  }

  it('on cgroup v1 (or hybrid): nothing can be delegated', () => {
    host({ 'proc/self/cgroup': '9:memory:/\n1:name=systemd:/\n' });
    assert.match(rootlessLimitsReason(root), /cgroup v1 \(or a hybrid tree\), which cannot be delegated/);
  });

  it("on cgroup v2 with the user's own subtree: delegated, but not used yet", () => {
    const own = 'user.slice/user-1000.slice/user@1000.service/app.slice';
    host({
      'proc/self/cgroup': `0::/${own}\n`,
      'sys/fs/cgroup/cgroup.controllers': 'cpu memory pids\n',
      [`sys/fs/cgroup/${own}/cgroup.controllers`]: 'memory pids\n',
      [`sys/fs/cgroup/${own}/cgroup.procs`]: '',
    });
    assert.equal(
      rootlessLimitsReason(root),
      `this host delegates the cgroup v2 subtree /sys/fs/cgroup/${own} to the user (controllers: memory pids), but Berth does not use a delegated subtree yet`,
    );
  });

  it('on cgroup v2 without delegation: names where and how systemd would delegate', () => {
    // user.slice is root's: here its cgroup.procs cannot be written (absent, so even root's test cannot).
    host({
      'proc/self/cgroup': '0::/user.slice\n',
      'sys/fs/cgroup/cgroup.controllers': 'cpu memory pids\n',
      'sys/fs/cgroup/user.slice/cgroup.controllers': 'memory pids\n',
    });
    assert.match(
      rootlessLimitsReason(root),
      /cgroup v2 tree is not delegated to the user \(\/sys\/fs\/cgroup\/user\.slice is not the user's; systemd delegates one with Delegate=yes/,
    );
  });
});
