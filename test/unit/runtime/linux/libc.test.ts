import * as assert from 'node:assert/strict';
import { check, ErrnoError, libc } from '../../../../engine/src/runtime/linux/libc';

describe('libc', () => {
  const rmdir = libc.func('int rmdir(const char *path)');

  it('names the call, its argument and errno when a call fails', () => {
    assert.throws(
      () => check('rmdir', '"/berth-does-not-exist"', rmdir('/berth-does-not-exist') as number),
      (err: unknown) =>
        err instanceof ErrnoError &&
        err.code === 'ENOENT' &&
        err.message === 'rmdir("/berth-does-not-exist"): ENOENT (No such file or directory)',
    );
  });
});
