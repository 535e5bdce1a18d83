import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveUser } from '../../../../engine/src/daemon/spec/user';

describe('user resolution', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-user-'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(
      join(root, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\nwheel:x:10:app\naudio:x:29:\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('resolves names, ids, groups and supplementary groups from the image', () => {
    assert.deepEqual(resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
    assert.deepEqual(resolveUser(root, 'app'), {
      uid: 1000,
      gid: 1000,
      additionalGids: [10],
      home: '/home/app',
    });
    assert.deepEqual(resolveUser(root, '1000:audio'), {
      uid: 1000,
      gid: 29,
      additionalGids: [],
      home: '/home/app',
    });
    assert.deepEqual(resolveUser(root, '4242'), { uid: 4242, gid: 0, additionalGids: [], home: '/' });
    assert.deepEqual(resolveUser(root, 'app', ['audio', '77']).additionalGids, [10, 29, 77]);
    assert.throws(() => resolveUser(root, 'ghost'), /unable to find user ghost/);
    assert.throws(() => resolveUser(root, 'app:ghosts'), /unable to find group ghosts/);
  });
});
