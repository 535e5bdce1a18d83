import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGlobalWords, surelyInProcess } from '../../../engine/src/cli/prestart';

describe('rootless gate (bin/berth, before the CLI bundle loads)', () => {
  it('finds the verb after the global flags, in both spellings of a value', () => {
    assert.deepEqual(readGlobalWords(['run', '--rm', 'busybox']), {
      verb: 'run',
      root: false,
      host: undefined,
    });
    assert.deepEqual(readGlobalWords(['--root', '/s', 'pull', 'x']), {
      verb: 'pull',
      root: true,
      host: undefined,
    });
    assert.deepEqual(readGlobalWords(['--root=/s', '-H', 'unix:///d.sock', 'ps']), {
      verb: 'ps',
      root: true,
      host: 'unix:///d.sock',
    });
    assert.deepEqual(readGlobalWords(['--config', 'c.json', '--insecure-registry=r:5000', 'images']), {
      verb: 'images',
      root: false,
      host: undefined,
    });
    assert.deepEqual(readGlobalWords([]), { verb: undefined, root: false, host: undefined });
  });

  it('leaves help, version, unknown flags and a missing value to the CLI', () => {
    for (const argv of [['--help'], ['-v', 'run'], ['--bogus', 'run'], ['--root']]) {
      assert.equal(readGlobalWords(argv), undefined, argv.join(' '));
    }
  });

  describe('surelyInProcess', () => {
    let runtimeDir: string;
    let env: NodeJS.ProcessEnv;
    beforeEach(() => {
      runtimeDir = mkdtempSync(join(tmpdir(), 'berth-gate-'));
      env = { HOME: runtimeDir, XDG_RUNTIME_DIR: runtimeDir };
    });
    afterEach(() => rmSync(runtimeDir, { recursive: true, force: true }));

    const words = (argv: string[]) => readGlobalWords(argv);
    // The gate runs for normal users only: berthd's default socket is then under XDG_RUNTIME_DIR.
    const user = 1000;

    it('is sure when no daemon is named and none has a socket at the default path', () => {
      assert.equal(surelyInProcess(words(['run', 'busybox']), env, user), true);
    });

    it('leaves it to the CLI when a daemon socket exists there (it pings it), or a host is named', () => {
      mkdirSync(join(runtimeDir, 'berth'));
      writeFileSync(join(runtimeDir, 'berth', 'berth.sock'), '');
      assert.equal(surelyInProcess(words(['run', 'busybox']), env, user), false);
      rmSync(join(runtimeDir, 'berth'), { recursive: true });
      assert.equal(surelyInProcess(words(['-H', 'unix:///x.sock', 'run']), env, user), false);
      assert.equal(surelyInProcess(words(['run']), { ...env, DOCKER_HOST: 'unix:///x.sock' }, user), false);
      assert.equal(surelyInProcess(words(['run']), { ...env, BERTH_HOST: 'unix:///x.sock' }, user), false);
    });

    it('is sure with --root, which works on that store in-process even when a daemon runs', () => {
      mkdirSync(join(runtimeDir, 'berth'));
      writeFileSync(join(runtimeDir, 'berth', 'berth.sock'), '');
      assert.equal(surelyInProcess(words(['--root', '/s', 'pull', 'x']), env, user), true);
    });

    it('is never sure without a verb', () => {
      assert.equal(surelyInProcess(words([]), env, user), false);
      assert.equal(surelyInProcess(undefined, env, user), false);
    });
  });
});
