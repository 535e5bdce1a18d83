import * as assert from 'node:assert/strict';

import { type LaunchInputs, planBerthdLaunch } from '../../../../client/src/engine/scope';

describe('client/engine/scope: where the extension starts a rootless berthd', () => {
  const desktop: LaunchInputs = {
    uid: 1000,
    env: { XDG_RUNTIME_DIR: '/run/user/1000', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' },
    systemdRun: '/usr/bin/systemd-run',
    delegated: false,
    managerSocket: true,
    userBus: true,
    underUserManager: true,
    lingering: false,
  };
  const scopeArgs = [
    '--user',
    '--scope',
    '--quiet',
    '--collect',
    '--property=Delegate=yes',
    '--unit=berthd-0a1b2c3d',
    '--description=Berth engine (berthd)',
    '--',
  ];

  it('a normal user with a systemd user manager: through systemd-run into a delegated scope of its own', () => {
    assert.deepEqual(planBerthdLaunch(desktop, '0a1b2c3d'), {
      kind: 'scope',
      program: '/usr/bin/systemd-run',
      args: scopeArgs,
    });
  });

  it('finds the manager by its private socket, the user bus file, or DBUS_SESSION_BUS_ADDRESS alone', () => {
    const only = (patch: Partial<LaunchInputs>): string =>
      planBerthdLaunch({ ...desktop, env: {}, managerSocket: false, userBus: false, ...patch }, 'x').kind;
    assert.equal(only({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, managerSocket: true }), 'scope');
    assert.equal(only({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, userBus: true }), 'scope');
    assert.equal(only({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/bus' } }), 'scope');
    // The socket files mean nothing without XDG_RUNTIME_DIR: systemd-run would not look for them.
    assert.equal(only({ env: {}, managerSocket: true, userBus: true }), 'direct');
  });

  it('an editor in a login session (not under the user’s systemd): a scope only if the user lingers', () => {
    const session = { ...desktop, underUserManager: false };
    const plan = planBerthdLaunch(session, 'x');
    assert.equal(plan.kind, 'direct');
    assert.match(
      plan.kind === 'direct' ? plan.note! : '',
      /no limits: the editor runs in a login session, .*stops at the last logout.*loginctl enable-linger/,
    );
    assert.equal(planBerthdLaunch({ ...session, lingering: true }, 'x').kind, 'scope');
  });

  it('root: berthd directly, silently (it makes its cgroups in the host tree)', () => {
    assert.deepEqual(planBerthdLaunch({ ...desktop, uid: 0 }, 'x'), { kind: 'direct' });
  });

  it('already in a delegated cgroup of its own: berthd directly, silently, and uses that cgroup', () => {
    assert.deepEqual(planBerthdLaunch({ ...desktop, delegated: true }, 'x'), { kind: 'direct' });
    assert.deepEqual(planBerthdLaunch({ ...desktop, delegated: true, systemdRun: undefined }, 'x'), {
      kind: 'direct',
    });
  });

  it('no systemd-run on PATH: berthd directly, with a note that says why there are no limits and the fix', () => {
    const plan = planBerthdLaunch({ ...desktop, systemdRun: undefined }, 'x');
    assert.equal(plan.kind, 'direct');
    assert.match(plan.kind === 'direct' ? plan.note! : '', /no limits: systemd-run is not on PATH/);
    assert.match(
      plan.kind === 'direct' ? plan.note! : '',
      /systemd-run --user --scope -p Delegate=yes berthd/,
    );
  });

  it('systemd-run but no user manager to reach: berthd directly, the note names what is missing', () => {
    const noFiles = planBerthdLaunch(
      { ...desktop, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, managerSocket: false, userBus: false },
      'x',
    );
    assert.equal(noFiles.kind, 'direct');
    assert.match(
      noFiles.kind === 'direct' ? noFiles.note! : '',
      /neither \/run\/user\/1000\/systemd\/private nor \/run\/user\/1000\/bus exists and DBUS_SESSION_BUS_ADDRESS is unset/,
    );
    const noEnv = planBerthdLaunch({ ...desktop, env: {}, managerSocket: false, userBus: false }, 'x');
    assert.match(
      noEnv.kind === 'direct' ? noEnv.note! : '',
      /neither XDG_RUNTIME_DIR nor DBUS_SESSION_BUS_ADDRESS is set.*loginctl enable-linger/,
    );
  });
});
