import * as assert from 'node:assert/strict';
import { defaultConfig, parseConfig, parseLogOpts, parseSize } from '../../../engine/src/daemon/config';

describe('daemon config', () => {
  it('puts state under /var/lib/berth and /run/berth as root, XDG dirs rootless', () => {
    const root = defaultConfig({}, 0);
    assert.equal(root.dataRoot, '/var/lib/berth');
    assert.equal(root.socket, '/run/berth/berth.sock');
    const user = defaultConfig({ HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' }, 1000);
    assert.equal(user.dataRoot, '/home/u/.local/share/berth');
    assert.equal(user.socket, '/run/user/1000/berth/berth.sock');
    assert.equal(user.rootless, true);
  });

  it("reads Docker's daemon.json keys and names the bad one", () => {
    assert.deepEqual(parseConfig({ 'data-root': '/srv/berth', 'insecure-registries': ['reg:5000'] }, 'f'), {
      dataRoot: '/srv/berth',
      insecureRegistries: ['reg:5000'],
    });
    assert.throws(() => parseConfig({ 'data-rot': '/x' }, 'f'), /unknown key "data-rot"/);
    assert.throws(() => parseConfig({ 'log-level': 'loud' }, 'f'), /"log-level" must be/);
    assert.throws(
      () => parseConfig({ 'default-address-pools': [{ base: '10.0.0.0/8', size: 4 }] }, 'f'),
      /address-pools/,
    );
    assert.throws(() => parseConfig({ 'log-opts': { 'max-size': 'huge' } }, 'f'), /invalid size/);
  });

  it('parses sizes and log rotation options', () => {
    assert.equal(parseSize('10m'), 10 * 1024 * 1024);
    assert.equal(parseSize('1.5k'), 1536);
    assert.equal(parseSize('512'), 512);
    assert.deepEqual(parseLogOpts({ 'max-size': '1k', 'max-file': '3' }), { maxSize: 1024, maxFile: 3 });
    assert.deepEqual(parseLogOpts({}), { maxSize: 0, maxFile: 1 });
    assert.throws(() => parseLogOpts({ 'max-file': '3' }), /set max-size too/);
    assert.throws(() => parseLogOpts({ colour: 'x' }), /unknown log opt 'colour'/);
  });
});
