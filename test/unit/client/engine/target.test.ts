import * as assert from 'node:assert/strict';

import { BundledEngine } from '../../../../client/src/engine/bundled';
import { bundledSocketPath, knownSockets, resolveEngineTarget } from '../../../../client/src/engine/target';

describe('client/engine/target', () => {
  const env = { HOME: '/home/ann', XDG_RUNTIME_DIR: '/run/user/1000' };

  it('uses the bundled engine’s socket when the setting is empty (root and rootless)', () => {
    assert.deepEqual(resolveEngineTarget('', env, 0), {
      kind: 'bundled',
      socketPath: '/run/berth/berth.sock',
    });
    assert.deepEqual(resolveEngineTarget('  ', env, 1000), {
      kind: 'bundled',
      socketPath: '/run/user/1000/berth/berth.sock',
    });
    assert.equal(bundledSocketPath({}, 1000), '/tmp/berth-run-1000/berth/berth.sock');
  });

  it('takes socket paths with or without unix://, and ~', () => {
    assert.deepEqual(resolveEngineTarget('/var/run/docker.sock', env, 0), {
      kind: 'socket',
      socketPath: '/var/run/docker.sock',
    });
    assert.deepEqual(resolveEngineTarget('unix:///run/podman/podman.sock', env, 0), {
      kind: 'socket',
      socketPath: '/run/podman/podman.sock',
    });
    assert.deepEqual(resolveEngineTarget('~/.docker/run/docker.sock', env, 1000), {
      kind: 'socket',
      socketPath: '/home/ann/.docker/run/docker.sock',
    });
  });

  it('refuses TCP hosts and relative paths, saying what to write', () => {
    assert.throws(
      () => resolveEngineTarget('tcp://10.0.0.1:2375', env, 0),
      /not a Unix socket.*\/var\/run\/docker\.sock/,
    );
    assert.throws(() => resolveEngineTarget('docker.sock', env, 0), /relative path.*absolute/);
  });

  it('lists the sockets of other engines to offer', () => {
    const labels = knownSockets(env, 1000).map((s) => `${s.label} ${s.socketPath}`);
    assert.ok(labels.includes('Podman (rootless) /run/user/1000/podman/podman.sock'), labels.join('; '));
    assert.ok(labels.includes('Docker /var/run/docker.sock'));
  });

  it('starts berthd on the socket and state dirs the settings name', () => {
    const settings = { dataRoot: '/data/berth', execRoot: '/tmp/x' };
    const socket = BundledEngine.socketPath('/run/berth/berth.sock', settings);
    assert.equal(socket, '/tmp/x/berth.sock');
    assert.deepEqual(BundledEngine.args(socket, settings), [
      '--host',
      'unix:///tmp/x/berth.sock',
      '--data-root',
      '/data/berth',
      '--exec-root',
      '/tmp/x',
      '--pidfile',
      '/tmp/x/berthd.pid',
    ]);
    assert.deepEqual(BundledEngine.args('/run/berth/berth.sock', { dataRoot: '', execRoot: '' }), [
      '--host',
      'unix:///run/berth/berth.sock',
    ]);
  });
});
