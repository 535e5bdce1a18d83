import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  probeFailure,
  readUserNamespaceSysctls,
  sysctlBlocker,
} from '../../../engine/src/rootless/preflight';

describe('rootless preflight', () => {
  it('reads the sysctls that can block user namespaces', () => {
    const proc = mkdtempSync(join(tmpdir(), 'berth-sysctl-'));
    try {
      mkdirSync(join(proc, 'user'));
      mkdirSync(join(proc, 'kernel'));
      writeFileSync(join(proc, 'user/max_user_namespaces'), '0\n');
      writeFileSync(join(proc, 'kernel/apparmor_restrict_unprivileged_userns'), '1\n');
      assert.deepEqual(readUserNamespaceSysctls(proc), {
        maxUserNamespaces: 0,
        unprivilegedUsernsClone: undefined,
        apparmorRestrict: 1,
      });
    } finally {
      rmSync(proc, { recursive: true });
    }
  });

  it('names the fix for each blocker', () => {
    assert.equal(sysctlBlocker({ maxUserNamespaces: 28633 }), undefined);
    assert.match(sysctlBlocker({ maxUserNamespaces: 0 })!, /sysctl -w user\.max_user_namespaces=28633/);
    assert.match(
      sysctlBlocker({ maxUserNamespaces: 100, unprivilegedUsernsClone: 0 })!,
      /sysctl -w kernel\.unprivileged_userns_clone=1/,
    );
    const apparmor = probeFailure({ apparmorRestrict: 1 }, '/opt/berth/berth-userns', 'mount: EPERM\n');
    assert.match(apparmor, /AppArmor blocks unprivileged user namespaces/);
    assert.match(apparmor, /profile berth-userns \/opt\/berth\/berth-userns flags=\(unconfined\)/);
    assert.match(apparmor, /apparmor_parser -r \/etc\/apparmor\.d\/berth-userns/);
    assert.match(
      probeFailure({}, '/x', 'unshare: EPERM'),
      /cannot create a user namespace here: unshare: EPERM/,
    );
  });
});
