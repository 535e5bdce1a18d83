import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveBusybox, makeBusyboxRootfs } from '../../helpers/busybox-rootfs';
import { skipBecause } from '../../helpers/skip';

describe('makeBusyboxRootfs', () => {
  it('makes a rootfs whose applets run busybox', function () {
    if (!haveBusybox()) {
      skipBecause(this, 'needs /bin/busybox (apt-get install busybox-static)');
    }
    const dir = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
    try {
      makeBusyboxRootfs(dir);
      assert.equal(readlinkSync(join(dir, 'bin/sh')), '/bin/busybox');
      assert.equal(execFileSync(join(dir, 'bin/busybox'), ['echo', 'hi'], { encoding: 'utf8' }), 'hi\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
