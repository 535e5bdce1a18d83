import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanContainerPath, resolveInRoot } from '../../../engine/src/fs/resolve-in-root';

describe('resolveInRoot', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-root-'));
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'data/inner'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'x');
    symlinkSync('/etc', join(root, 'abs-etc'));
    symlinkSync('../../..', join(root, 'data/inner/up'));
    symlinkSync('/../../../../etc/shadow', join(root, 'escape'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps absolute links inside the root', () => {
    assert.equal(resolveInRoot(root, '/abs-etc/passwd'), join(root, 'etc/passwd'));
    assert.equal(resolveInRoot(root, '/escape'), join(root, 'etc/shadow'));
  });

  it('clamps .. at the root, through relative links too', () => {
    assert.equal(resolveInRoot(root, '/../../etc'), join(root, 'etc'));
    assert.equal(resolveInRoot(root, '/data/inner/up/etc/passwd'), join(root, 'etc/passwd'));
  });

  it('does not follow the last link when asked not to, and allows missing paths', () => {
    assert.equal(resolveInRoot(root, '/abs-etc', false), join(root, 'abs-etc'));
    assert.equal(resolveInRoot(root, '/abs-etc/new/file'), join(root, 'etc/new/file'));
  });

  it('stops link loops', () => {
    assert.throws(() => resolveInRoot(root, '/loop1/x'), /too many levels of symbolic links/);
  });

  it('normalises container paths', () => {
    assert.equal(cleanContainerPath('a/../b/./c/'), '/b/c');
    assert.equal(cleanContainerPath('/../..'), '/');
  });
});
